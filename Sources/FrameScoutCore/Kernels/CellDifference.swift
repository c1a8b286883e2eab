// Per-cell sums of the difference of two gray images: the plain sum of |a - b| and the sum
// of what |a - b| exceeds a threshold by, in square cells of `CellDifference.size` pixels.
// The audit's local motion signal (`LocalMotion`) is built on them.
//
// A SIMD version (16-pixel blocks, each block two cells, a scalar tail) and its scalar
// `…Reference` twin, held equal by the tests over odd sizes, strides and extreme frames.

/// Namespace for the per-cell difference kernel.
public enum CellDifference {
  /// Side of a cell, in pixels (two cells per 16-pixel block).
  public static let size = 8

  /// Cells across and down for a `width`×`height` picture (partial cells at the right and
  /// bottom edges count).
  @inlinable
  public static func cells(width: Int, height: Int) -> (columns: Int, rows: Int) {
    ((width + size - 1) / size, (height + size - 1) / size)
  }

  /// The first 8 lanes of a block set, the last 8 clear.
  @usableFromInline static let lowLanes = SIMD16<UInt8>(255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0)
  @usableFromInline static let highMask = SIMD16<UInt8>(0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255)

  /// Sums of the low and high 8 lanes of a block (concrete wrapping operations only: the
  /// generic `lowHalf`/`wrappedSum` made the kernel 10× slower).
  @inlinable @inline(__always)
  static func halves(_ v: SIMD16<UInt8>) -> (Int32, Int32) {
    let low = PixelDifference.widenedSum(v & lowLanes), all = PixelDifference.widenedSum(v)
    return (Int32(truncatingIfNeeded: low), Int32(truncatingIfNeeded: all &- low))
  }

  /// For every cell (row-major, `cells(width:height:)` of them): `plain[c] = Σ |a - b|` and
  /// `excess[c] = Σ max(0, |a - b| - thresholds[c])` over its pixels. Both arrays are
  /// overwritten. Allocates nothing.
  @inlinable
  public static func measure(_ a: GrayView, _ b: GrayView, thresholds: UnsafePointer<UInt8>,
                             plain: UnsafeMutablePointer<Int32>, excess: UnsafeMutablePointer<Int32>) {
    PixelDifference.checkSameSize(a, b)
    let (columns, rows) = cells(width: a.width, height: a.height)
    plain.update(repeating: 0, count: columns * rows)
    excess.update(repeating: 0, count: columns * rows)
    let width = a.width, blocks = width &>> 4
    for y in 0..<a.height {
      let pa = UnsafeRawPointer(a.base + y &* a.stride), pb = UnsafeRawPointer(b.base + y &* b.stride)
      let row = (y &>> 3) &* columns
      var i = 0
      while i < blocks {
        let o = i &<< 4, c = row &+ (i &<< 1)
        let d = PixelDifference.absoluteDifference(pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self),
                                                   pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self))
        let t = (SIMD16<UInt8>(repeating: thresholds[c]) & lowLanes) | (SIMD16<UInt8>(repeating: thresholds[c &+ 1]) & highMask)
        let e = (d &- t).replacing(with: 0, where: d .< t)
        let (pl, ph) = halves(d), (el, eh) = halves(e)
        plain[c] &+= pl; plain[c &+ 1] &+= ph
        excess[c] &+= el; excess[c &+ 1] &+= eh
        i &+= 1
      }
      var j = blocks &<< 4
      while j < width {
        let d = PixelDifference.difference(pa, pb, at: j)
        let c = row &+ (j &>> 3), t = thresholds[c]
        plain[c] &+= Int32(d)
        excess[c] &+= d > t ? Int32(d &- t) : 0
        j &+= 1
      }
    }
  }

  /// For every cell (row-major): `plain[c] = Σ |a - b|` over its pixels, as `measure` without
  /// the excess (the change-of-light test's noise, `Relighting`). Overwritten. Allocates nothing.
  @inlinable
  public static func sums(_ a: GrayView, _ b: GrayView, into plain: UnsafeMutablePointer<Int32>) {
    PixelDifference.checkSameSize(a, b)
    let (columns, rows) = cells(width: a.width, height: a.height)
    plain.update(repeating: 0, count: columns * rows)
    let width = a.width, blocks = width &>> 4
    for y in 0..<a.height {
      let pa = UnsafeRawPointer(a.base + y &* a.stride), pb = UnsafeRawPointer(b.base + y &* b.stride)
      let row = (y &>> 3) &* columns
      var i = 0
      while i < blocks {
        let o = i &<< 4, c = row &+ (i &<< 1)
        let d = PixelDifference.absoluteDifference(pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self),
                                                   pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self))
        let (pl, ph) = halves(d)
        plain[c] &+= pl; plain[c &+ 1] &+= ph
        i &+= 1
      }
      var j = blocks &<< 4
      while j < width {
        plain[row &+ (j &>> 3)] &+= Int32(PixelDifference.difference(pa, pb, at: j))
        j &+= 1
      }
    }
  }

  /// Scalar twin of `sums(_:_:into:)`.
  @inlinable
  public static func sumsReference(_ a: GrayView, _ b: GrayView, into plain: UnsafeMutablePointer<Int32>) {
    PixelDifference.checkSameSize(a, b)
    let (columns, rows) = cells(width: a.width, height: a.height)
    for c in 0..<(columns * rows) { plain[c] = 0 }
    for y in 0..<a.height {
      for x in 0..<a.width { plain[(y / size) * columns + x / size] += abs(Int32(a[x, y]) - Int32(b[x, y])) }
    }
  }

  /// Scalar twin of `measure(_:_:thresholds:plain:excess:)`.
  @inlinable
  public static func measureReference(_ a: GrayView, _ b: GrayView, thresholds: UnsafePointer<UInt8>,
                                      plain: UnsafeMutablePointer<Int32>, excess: UnsafeMutablePointer<Int32>) {
    PixelDifference.checkSameSize(a, b)
    let (columns, rows) = cells(width: a.width, height: a.height)
    for c in 0..<(columns * rows) { plain[c] = 0; excess[c] = 0 }
    for y in 0..<a.height {
      for x in 0..<a.width {
        let d = abs(Int32(a[x, y]) - Int32(b[x, y]))
        let c = (y / size) * columns + x / size
        plain[c] += d
        excess[c] += max(0, d - Int32(thresholds[c]))
      }
    }
  }
}
