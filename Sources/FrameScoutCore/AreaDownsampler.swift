/// Reduces a gray image by area averaging (box filter): destination pixel (i, j) is the
/// rounded mean of the source columns `xEdges[i]..<xEdges[i+1]` and rows
/// `yEdges[j]..<yEdges[j+1]`, where `edges[k] = k * source / destination` (integer floor).
/// Integer factors are the common case (1280→320 is 4×4); other factors get boxes of
/// ⌊f⌋ or ⌈f⌉ pixels. Never enlarges.
///
/// Prepared once per geometry (owns its scratch, freed in `deinit`); `downsample`
/// allocates nothing, so a decoder reuses one downsampler for every frame.
public final class AreaDownsampler {
  public let sourceWidth: Int
  public let sourceHeight: Int
  public let width: Int
  public let height: Int
  /// Box edges: destination column i covers source columns xEdges[i]..<xEdges[i+1].
  @usableFromInline let xEdges: UnsafeMutablePointer<Int>
  @usableFromInline let yEdges: UnsafeMutablePointer<Int>
  /// Column sums of the source rows that make up one destination row.
  @usableFromInline let columnSums: UnsafeMutablePointer<UInt32>
  /// Fixed-point reciprocals of the box areas, `width` per distinct row height
  /// (boxes are ⌊f⌋ or ⌈f⌉ rows high, so at most two sets); `reciprocalHeights` names them.
  @usableFromInline let reciprocals: UnsafeMutablePointer<UInt64>
  @usableFromInline let reciprocalHeights: (Int, Int)

  /// The destination size for a requested analysis width: the width is clamped to the
  /// source width, and the height keeps the aspect ratio (rounded, at least 1).
  public static func size(forSourceWidth sw: Int, sourceHeight sh: Int, width requested: Int) -> (width: Int, height: Int) {
    let w = max(1, min(requested, sw))
    let h = max(1, min(sh, Int((Double(sh) * Double(w) / Double(sw)).rounded())))
    return (w, h)
  }

  public init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) {
    precondition(sourceWidth > 0 && sourceHeight > 0 && width > 0 && height > 0
      && width <= sourceWidth && height <= sourceHeight, "AreaDownsampler: cannot map \(sourceWidth)x\(sourceHeight) to \(width)x\(height)")
    self.sourceWidth = sourceWidth
    self.sourceHeight = sourceHeight
    self.width = width
    self.height = height
    xEdges = .allocate(capacity: width + 1)
    yEdges = .allocate(capacity: height + 1)
    for i in 0...width { xEdges[i] = i * sourceWidth / width }
    for j in 0...height { yEdges[j] = j * sourceHeight / height }
    columnSums = .allocate(capacity: sourceWidth)
    columnSums.initialize(repeating: 0, count: sourceWidth)
    let low = sourceHeight / height
    reciprocalHeights = (low, low + 1)
    reciprocals = .allocate(capacity: 2 * width)
    for (k, rows) in [low, low + 1].enumerated() {
      for i in 0..<width { reciprocals[k * width + i] = Self.reciprocal(count: (xEdges[i + 1] - xEdges[i]) * rows) }
    }
  }

  deinit {
    xEdges.deallocate()
    yEdges.deallocate()
    columnSums.deallocate()
    reciprocals.deallocate()
  }

  /// `round(sum / count)` computed as `((2·sum + count) · m) >> 32` with `m = ⌈2³² / 2·count⌉`.
  /// Exact while `(2·sum + count) · 2·count < 2³²`, i.e. for boxes up to 2,048 pixels
  /// (45×45); larger boxes use a division (checked by the tests against the reference).
  @inlinable
  static func reciprocal(count: Int) -> UInt64 {
    count <= 2048 ? ((UInt64(1) << 32) + UInt64(2 * count) - 1) / UInt64(2 * count) : 0
  }

  /// Reduces `source` (which must be `sourceWidth`×`sourceHeight`) into `destination`
  /// (`width`×`height`). Allocates nothing. Even integer factors (1280→320 is 4×4,
  /// 1920→320 is 6×6, 640→320 is 2×2) take the SIMD path; others the scalar one.
  @inlinable
  public func downsample(_ source: GrayView, into destination: MutableGrayView) {
    precondition(source.width == sourceWidth && source.height == sourceHeight, "AreaDownsampler: source is \(source.width)x\(source.height), prepared for \(sourceWidth)x\(sourceHeight)")
    precondition(destination.width == width && destination.height == height, "AreaDownsampler: destination size mismatch")
    if usesPairPath { downsamplePairs(source, into: destination, rows: 0..<height) } else { downsampleScalar(source, into: destination) }
  }

  /// `downsample(_:into:)`, adding every row of `source` (`width` bytes each, top to bottom)
  /// to `hasher` on the way: on the pair path each band of box rows is hashed and then
  /// reduced while it is in the L1 cache, so a frame's luma plane is read from memory once
  /// for both (the raw-frame hash of the audit's fingerprints, `ContentHasher`). The hash is
  /// the same as adding the rows one by one before or after. Allocates nothing.
  /// Measured 2026-12 on the 2-minute 720p benchmark clip (2 cores, -march=x86-64-v2):
  /// see the numbers at `FingerprintStream.make`.
  @inlinable
  public func downsample(_ source: GrayView, into destination: MutableGrayView, hashing hasher: inout ContentHasher) {
    precondition(source.width == sourceWidth && source.height == sourceHeight, "AreaDownsampler: source is \(source.width)x\(source.height), prepared for \(sourceWidth)x\(sourceHeight)")
    precondition(destination.width == width && destination.height == height, "AreaDownsampler: destination size mismatch")
    guard usesPairPath else {
      for y in 0..<sourceHeight { hasher.add(source.base + y &* source.stride, count: sourceWidth) }
      downsampleScalar(source, into: destination)
      return
    }
    let fy = sourceHeight / height
    for j in 0..<height {
      let top = source.base + j &* fy &* source.stride
      for y in 0..<fy { hasher.add(top + y &* source.stride, count: sourceWidth) }
      downsamplePairs(source, into: destination, rows: j..<(j &+ 1))
    }
  }

  /// Horizontal factor is an even integer and the vertical factor an integer ≤ 128
  /// (so a column pair summed over the box rows fits 16 bits: 128·2·255 < 65536).
  @inlinable
  public var usesPairPath: Bool {
    sourceWidth % width == 0 && (sourceWidth / width) % 2 == 0 && sourceHeight % height == 0 && sourceHeight / height <= 128
  }

  /// SIMD path. For each destination row and each 16-byte block of source columns, the
  /// box rows are loaded as `SIMD16<UInt8>`, bit-cast to `SIMD8<UInt16>` and folded into
  /// 8 column-pair sums (`(w & 0xFF) &+ (w &>> 8)`), accumulated over the rows in a
  /// register; then `fx/2` adjacent pair sums make one output (for fx = 4 by a second
  /// bit-cast fold to `SIMD4<UInt32>`). Measured 2026-11 on this machine (720p → 320×180,
  /// Swift 6.3.1, -march=x86-64-v2): see the notes in README's benchmark section.
  /// Reduces destination rows `rows` only (the fused hash goes band by band).
  @inlinable
  func downsamplePairs(_ source: GrayView, into destination: MutableGrayView, rows: Range<Int>) {
    let fx = sourceWidth / width, fy = sourceHeight / height
    let half = fx / 2
    let blocks = sourceWidth / 16
    let pairs = columnSums    // reused as pair sums (UInt32 for the scalar tail and k != 2)
    let m = Self.reciprocal(count: fx * fy)
    let count = UInt64(fx * fy)
    let low32 = SIMD4<UInt32>(repeating: 0xFFFF)
    let area = fx * fy
    let shift = area & (area - 1) == 0 ? area.trailingZeroBitCount : -1
    let shiftVector = SIMD4<UInt32>(repeating: UInt32(max(0, shift)))
    let bias = SIMD4<UInt32>(repeating: UInt32(area / 2))
    let low64 = SIMD2<UInt64>(repeating: 0xFFFF_FFFF)
    let shift64 = SIMD2<UInt64>(repeating: UInt64(max(0, shift)))
    let bias64 = SIMD2<UInt64>(repeating: UInt64(area / 2))
    for j in rows {
      let top = source.base + (j &* fy &* source.stride)
      let out = destination.base + j &* destination.stride
      if half == 2 && blocks > 0 {
        // fx = 4: one block of 16 columns gives 4 outputs.
        for b in 0..<blocks {
          let acc = Self.pairSums(top + (b &* 16), rows: fy, stride: source.stride)
          let v = unsafeBitCast(acc, to: SIMD4<UInt32>.self)
          let q = (v & low32) &+ (v &>> 16)
          let o = out + (b &* 4)
          if shift >= 0 {
            // Power-of-two box (4×4 = 16 for 720p): round and divide in the vector.
            let r = (q &+ bias) &>> shiftVector
            o[0] = UInt8(truncatingIfNeeded: r[0]); o[1] = UInt8(truncatingIfNeeded: r[1])
            o[2] = UInt8(truncatingIfNeeded: r[2]); o[3] = UInt8(truncatingIfNeeded: r[3])
          } else {
            o[0] = Self.rounded(q[0], count, m); o[1] = Self.rounded(q[1], count, m)
            o[2] = Self.rounded(q[2], count, m); o[3] = Self.rounded(q[3], count, m)
          }
        }
        // Tail columns past the last full block.
        for i in (blocks &* 4)..<width { out[i] = Self.rounded(boxSum(top, stride: source.stride, x: i &* 4, w: 4, h: fy), count, m) }
      } else if half == 4 && blocks > 0 {
        // fx = 8 (1280→160, the audit's analysis width): one block of 16 columns gives 2
        // outputs, the pair sums folded twice in the vector (to 4-column, then 8-column sums).
        // Measured 2026-12 (720p → 160×90, perf on the 2-minute benchmark clip): the generic
        // path below spent about a third of this function's time storing and re-adding the
        // pair sums one by one.
        for b in 0..<blocks {
          let acc = Self.pairSums(top + (b &* 16), rows: fy, stride: source.stride)
          let v = unsafeBitCast(acc, to: SIMD4<UInt32>.self)
          let q = unsafeBitCast((v & low32) &+ (v &>> 16), to: SIMD2<UInt64>.self)
          let e = (q & low64) &+ (q &>> 32)
          let o = out + (b &* 2)
          if shift >= 0 {
            let r = (e &+ bias64) &>> shift64
            o[0] = UInt8(truncatingIfNeeded: r[0]); o[1] = UInt8(truncatingIfNeeded: r[1])
          } else {
            o[0] = Self.rounded(UInt32(truncatingIfNeeded: e[0]), count, m)
            o[1] = Self.rounded(UInt32(truncatingIfNeeded: e[1]), count, m)
          }
        }
        for i in (blocks &* 2)..<width { out[i] = Self.rounded(boxSum(top, stride: source.stride, x: i &* 8, w: 8, h: fy), count, m) }
      } else {
        for b in 0..<blocks {
          let acc = Self.pairSums(top + (b &* 16), rows: fy, stride: source.stride)
          let p = pairs + (b &* 8)
          for k in 0..<8 { p[k] = UInt32(acc[k]) }
        }
        var c = blocks &* 16
        while c < sourceWidth {
          pairs[c &>> 1] = boxSum(top, stride: source.stride, x: c, w: 2, h: fy)
          c &+= 2
        }
        for i in 0..<width {
          var s: UInt32 = 0
          let p = pairs + i &* half
          for k in 0..<half { s &+= p[k] }
          out[i] = Self.rounded(s, count, m)
        }
      }
    }
  }

  /// Sums of horizontal pixel pairs over `rows` rows of 16 columns from `top`: 8 lanes, each
  /// two columns wide.
  @inlinable @inline(__always)
  static func pairSums(_ top: UnsafePointer<UInt8>, rows: Int, stride: Int) -> SIMD8<UInt16> {
    let low16 = SIMD8<UInt16>(repeating: 0x00FF)
    var acc = SIMD8<UInt16>()
    var r = top
    for _ in 0..<rows {
      let w = unsafeBitCast(UnsafeRawPointer(r).loadUnaligned(as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
      acc &+= (w & low16) &+ (w &>> 8)
      r += stride
    }
    return acc
  }

  @inlinable @inline(__always)
  static func rounded(_ s: UInt32, _ count: UInt64, _ m: UInt64) -> UInt8 {
    let n = UInt64(s) &* 2 &+ count
    return m != 0 ? UInt8(truncatingIfNeeded: (n &* m) &>> 32) : UInt8(truncatingIfNeeded: n / (2 &* count))
  }

  @inlinable
  func boxSum(_ top: UnsafePointer<UInt8>, stride: Int, x: Int, w: Int, h: Int) -> UInt32 {
    var s: UInt32 = 0
    for y in 0..<h { for k in 0..<w { s &+= UInt32(top[y &* stride &+ x &+ k]) } }
    return s
  }

  /// Scalar path for any factor: column sums over the box rows, then box sums.
  @inlinable
  func downsampleScalar(_ source: GrayView, into destination: MutableGrayView) {
    let sw = sourceWidth, sums = columnSums, xe = xEdges
    for j in 0..<height {
      let y0 = yEdges[j], y1 = yEdges[j &+ 1]
      let rowHeight = y1 &- y0
      // Vertical pass: the first row initialises, the others add. A plain loop over
      // unsafe pointers with wrapping adds; LLVM vectorises it (u8 → u32 widening adds).
      var row = source.base + y0 &* source.stride
      for x in 0..<sw { sums[x] = UInt32(row[x]) }
      var y = y0 &+ 1
      while y < y1 {
        row = source.base + y &* source.stride
        for x in 0..<sw { sums[x] &+= UInt32(row[x]) }
        y &+= 1
      }
      let rec = reciprocals + (rowHeight == reciprocalHeights.0 ? 0 : width)
      let out = destination.base + j &* destination.stride
      for i in 0..<width {
        let x0 = xe[i], x1 = xe[i &+ 1]
        var s: UInt32 = 0
        var x = x0
        while x < x1 { s &+= sums[x]; x &+= 1 }
        out[i] = Self.rounded(s, UInt64((x1 &- x0) &* rowHeight), rec[i])
      }
    }
  }

  /// The obvious version, kept as the reference the fast path is tested against.
  public static func downsampleReference(_ source: GrayView, width: Int, height: Int) -> GrayImage {
    var out = GrayImage(width: width, height: height)
    for j in 0..<height {
      let y0 = j * source.height / height, y1 = (j + 1) * source.height / height
      for i in 0..<width {
        let x0 = i * source.width / width, x1 = (i + 1) * source.width / width
        var sum = 0
        for y in y0..<y1 { for x in x0..<x1 { sum += Int(source[x, y]) } }
        let count = (x1 - x0) * (y1 - y0)
        out[i, j] = UInt8((2 * sum + count) / (2 * count))
      }
    }
    return out
  }
}
