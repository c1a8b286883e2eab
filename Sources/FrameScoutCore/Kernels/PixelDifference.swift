// Per-pixel comparisons of two gray images of the same size: the absolute-difference
// image, the sum of absolute differences (SAD), and counts of pixels over a threshold.
//
// Each kernel comes twice: a SIMD version (`SIMD16<UInt8>`, concrete wrapping operations
// only, see shared/CRAFT.md §2) and a plain scalar `…Reference` twin that the tests hold
// it equal to. Rows are processed in 16-pixel blocks plus a scalar tail, so any width,
// stride and start address works (views of regions included).
//
// Measured here (Swift 6.3.1, `swift build -c release -Xcc -march=x86-64-v2`, 320×180,
// `framescout bench core`, fastest of 7): SAD 2.4 µs vs 27 µs for the scalar twin,
// count-over-threshold 1.5 vs 18 µs, fused changed-count 2.4 vs 36 µs. The
// absolute-difference *image* is only 1.2–1.5× its twin (1.75 vs 2.1–2.7 µs): the assembly
// shows LLVM auto-vectorises the scalar `UInt8(abs(Int(a) - Int(b)))` store loop into the
// very same `pminub/pmaxub/psubb` sequence that our `replacing(with:where: x .< y)` lowers
// to, so both are load/store-bound. A build with LLVM's vectorisers off
// (`-Xllvm -vectorize-loops=false -Xllvm -vectorize-slp=false`) shows the truly scalar
// twin at 27 µs — and also that `absoluteDifference` and `BackgroundModel.step` then slow
// down 20–30× (52 µs): their `SIMD16` select/compare code reaches vector instructions
// only through the SLP vectoriser. Keep the default optimiser pipeline. No generic-SIMD
// calls in any kernel body (checked with `-emit-assembly`, 2026-11).
// So the benchmark's scalar column for these four kernels runs the same twins compiled in
// FrameScoutScalarBaseline, the one target with the vectorisers off (they are @inlinable
// for that): absdiff 26.6 vs 1.64 µs (16×), SAD 29.7 vs 2.35 (12.6×), count-over 17.5 vs
// 1.50 (11.7×), fused count 35.4 vs 2.40 (14.8×), 2026-11-25.

/// Namespace for the pixel-difference kernels.
public enum PixelDifference {
  /// Even bytes of a `SIMD16<UInt8>` seen as `SIMD8<UInt16>`.
  @usableFromInline static let lowBytes = SIMD8<UInt16>(repeating: 0x00FF)

  @inlinable @inline(__always)
  static func checkSameSize(_ a: GrayView, _ b: GrayView) {
    precondition(a.width == b.width && a.height == b.height, "PixelDifference: \(a.width)x\(a.height) vs \(b.width)x\(b.height)")
  }

  /// `|x - y|` per lane without widening.
  @inlinable @inline(__always)
  static func absoluteDifference(_ x: SIMD16<UInt8>, _ y: SIMD16<UInt8>) -> SIMD16<UInt8> {
    (x &- y).replacing(with: y &- x, where: x .< y)
  }

  /// Sum of the 8 lanes, widened to `Int` first (`wrappedSum()` would wrap at 65,535).
  @inlinable @inline(__always)
  static func widenedSum(_ v: SIMD8<UInt16>) -> Int {
    var s = 0
    for k in 0..<8 { s &+= Int(v[k]) }
    return s
  }

  @inlinable @inline(__always)
  static func widenedSum(_ v: SIMD16<UInt8>) -> Int {
    let w = unsafeBitCast(v, to: SIMD8<UInt16>.self)
    return widenedSum((w & lowBytes) &+ (w &>> 8))
  }

  /// The walk every fused two-image kernel shares: both views row by row in 16-pixel
  /// blocks, each block pair into the accumulator, which is flushed after every
  /// `A.room` blocks (before its narrow lanes could overflow), and each row's tail pixels
  /// (past the last full block) into it too. Generic over a struct rather than closures:
  /// specialised, it compiles to the loops written out, where closures capturing the
  /// accumulator made SAD 3× and the dot product 4× slower (bench core, 2026-12-02).
  @inlinable @inline(__always)
  static func accumulate<A: BlockPairAccumulator>(_ a: GrayView, _ b: GrayView, into acc: inout A) {
    checkSameSize(a, b)
    let width = a.width, blocks = width &>> 4
    var room = A.room
    for y in 0..<a.height {
      let pa = UnsafeRawPointer(a.base + y &* a.stride), pb = UnsafeRawPointer(b.base + y &* b.stride)
      var i = 0
      while i < blocks {
        let end = Swift.min(blocks, i &+ room)
        room &-= end &- i
        while i < end {
          let o = i &<< 4
          acc.add(pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self), pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self))
          i &+= 1
        }
        if room == 0 { acc.flush(); room = A.room }
      }
      var j = blocks &<< 4
      while j < width {
        acc.add(pa.load(fromByteOffset: j, as: UInt8.self), pb.load(fromByteOffset: j, as: UInt8.self))
        j &+= 1
      }
    }
    acc.flush()
  }

  /// `|x - y|` of two pixels.
  @inlinable @inline(__always)
  static func absoluteDifference(_ x: UInt8, _ y: UInt8) -> UInt8 { x > y ? x &- y : y &- x }

  /// The pixel at byte `j` of a row, or `|a - b|` there when a second row is given (the
  /// scalar tail of kernels that read a difference image or two frames).
  @inlinable @inline(__always)
  static func difference(_ pa: UnsafeRawPointer, _ pb: UnsafeRawPointer?, at j: Int) -> UInt8 {
    let x = pa.load(fromByteOffset: j, as: UInt8.self)
    guard let pb else { return x }
    return absoluteDifference(x, pb.load(fromByteOffset: j, as: UInt8.self))
  }

  // MARK: Absolute-difference image

  /// Writes `|a - b|` per pixel (gray levels, 0…255) into `output`. All three must have the
  /// same size; `output` may be `a` or `b` itself. Allocates nothing.
  @inlinable
  public static func absolute(_ a: GrayView, _ b: GrayView, into output: MutableGrayView) {
    checkSameSize(a, b)
    precondition(output.width == a.width && output.height == a.height, "PixelDifference: output size mismatch")
    let width = a.width, blocks = width &>> 4
    for y in 0..<a.height {
      let pa = UnsafeRawPointer(a.base + y &* a.stride), pb = UnsafeRawPointer(b.base + y &* b.stride)
      let po = UnsafeMutableRawPointer(output.base + y &* output.stride)
      var i = 0
      while i < blocks {
        let o = i &<< 4
        let x = pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        let z = pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        po.storeBytes(of: absoluteDifference(x, z), toByteOffset: o, as: SIMD16<UInt8>.self)
        i &+= 1
      }
      var j = blocks &<< 4
      while j < width {
        let x = pa.load(fromByteOffset: j, as: UInt8.self), z = pb.load(fromByteOffset: j, as: UInt8.self)
        po.storeBytes(of: x > z ? x &- z : z &- x, toByteOffset: j, as: UInt8.self)
        j &+= 1
      }
    }
  }

  /// Scalar twin of `absolute(_:_:into:)`.
  /// Inlinable so FrameScoutScalarBaseline can compile it with LLVM's vectorisers off.
  @inlinable
  public static func absoluteReference(_ a: GrayView, _ b: GrayView, into output: MutableGrayView) {
    checkSameSize(a, b)
    precondition(output.width == a.width && output.height == a.height)
    for y in 0..<a.height {
      let ra = a.base + y * a.stride, rb = b.base + y * b.stride, ro = output.base + y * output.stride
      for x in 0..<a.width { ro[x] = UInt8(abs(Int(ra[x]) - Int(rb[x]))) }
    }
  }

  // MARK: Sum of absolute differences

  /// Σ |a - b| over all pixels, in gray levels (divide by `width·height·255` for a 0…1
  /// mean absolute frame difference). Allocates nothing.
  @inlinable
  public static func sumOfAbsoluteDifferences(_ a: GrayView, _ b: GrayView) -> Int {
    var sum = AbsoluteDifferenceSum()
    accumulate(a, b, into: &sum)
    return sum.total
  }

  /// Scalar twin of `sumOfAbsoluteDifferences(_:_:)`.
  /// Inlinable so FrameScoutScalarBaseline can compile it with LLVM's vectorisers off.
  @inlinable
  public static func sumOfAbsoluteDifferencesReference(_ a: GrayView, _ b: GrayView) -> Int {
    checkSameSize(a, b)
    var total = 0
    for y in 0..<a.height {
      let ra = a.base + y * a.stride, rb = b.base + y * b.stride
      for x in 0..<a.width { total &+= abs(Int(ra[x]) - Int(rb[x])) }
    }
    return total
  }

  // MARK: Counts over a threshold

  /// The number of pixels of `image` whose value is strictly greater than `threshold`
  /// (typically applied to a difference image: "pixels that changed by more than t").
  @inlinable
  public static func countOver(_ threshold: UInt8, in image: GrayView) -> Int {
    let width = image.width, blocks = width &>> 4
    let t = SIMD16<UInt8>(repeating: threshold), one = SIMD16<UInt8>(repeating: 1)
    var total = 0
    var acc = SIMD16<UInt8>()
    var room = 255          // UInt8 lanes hold 255 blocks
    for y in 0..<image.height {
      let p = UnsafeRawPointer(image.base + y &* image.stride)
      var i = 0
      while i < blocks {
        let end = Swift.min(blocks, i &+ room)
        room &-= end &- i
        while i < end {
          let x = p.loadUnaligned(fromByteOffset: i &<< 4, as: SIMD16<UInt8>.self)
          acc &+= SIMD16<UInt8>(repeating: 0).replacing(with: one, where: x .> t)
          i &+= 1
        }
        if room == 0 { total &+= widenedSum(acc); acc = SIMD16<UInt8>(); room = 255 }
      }
      var j = blocks &<< 4
      while j < width {
        if p.load(fromByteOffset: j, as: UInt8.self) > threshold { total &+= 1 }
        j &+= 1
      }
    }
    return total &+ widenedSum(acc)
  }

  /// Scalar twin of `countOver(_:in:)`.
  /// Inlinable so FrameScoutScalarBaseline can compile it with LLVM's vectorisers off.
  @inlinable
  public static func countOverReference(_ threshold: UInt8, in image: GrayView) -> Int {
    var total = 0
    for y in 0..<image.height {
      let r = image.base + y * image.stride
      for x in 0..<image.width where r[x] > threshold { total += 1 }
    }
    return total
  }

  /// The number of pixels where `|a - b| > threshold`: the absolute-difference image and
  /// the count fused, without writing the image.
  @inlinable
  public static func countChanged(_ a: GrayView, _ b: GrayView, threshold: UInt8) -> Int {
    var count = ChangedCount(threshold: threshold)
    accumulate(a, b, into: &count)
    return count.total
  }

  /// Scalar twin of `countChanged(_:_:threshold:)`.
  /// Inlinable so FrameScoutScalarBaseline can compile it with LLVM's vectorisers off.
  @inlinable
  public static func countChangedReference(_ a: GrayView, _ b: GrayView, threshold: UInt8) -> Int {
    checkSameSize(a, b)
    var total = 0
    for y in 0..<a.height {
      let ra = a.base + y * a.stride, rb = b.base + y * b.stride
      for x in 0..<a.width where abs(Int(ra[x]) - Int(rb[x])) > Int(threshold) { total += 1 }
    }
    return total
  }
}

/// What a fused two-image kernel adds up, block by block (see `PixelDifference.accumulate`).
@usableFromInline
protocol BlockPairAccumulator {
  /// Blocks the lanes can take before `flush` must empty them.
  static var room: Int { get }
  mutating func add(_ x: SIMD16<UInt8>, _ y: SIMD16<UInt8>)
  mutating func add(_ x: UInt8, _ y: UInt8)
  mutating func flush()
}

/// Σ |a - b|: 128 blocks fill the UInt16 lanes at most to 128 × 2 × 255 < 65,536.
@usableFromInline
struct AbsoluteDifferenceSum: BlockPairAccumulator {
  @usableFromInline static var room: Int { 128 }
  @usableFromInline var total = 0
  @usableFromInline var lanes = SIMD8<UInt16>()
  @inlinable init() {}
  @inlinable @inline(__always) mutating func add(_ x: SIMD16<UInt8>, _ y: SIMD16<UInt8>) {
    let w = unsafeBitCast(PixelDifference.absoluteDifference(x, y), to: SIMD8<UInt16>.self)
    lanes &+= (w & SIMD8<UInt16>(repeating: 0x00FF)) &+ (w &>> 8)
  }
  @inlinable @inline(__always) mutating func add(_ x: UInt8, _ y: UInt8) { total &+= Int(PixelDifference.absoluteDifference(x, y)) }
  @inlinable @inline(__always) mutating func flush() { total &+= PixelDifference.widenedSum(lanes); lanes = SIMD8<UInt16>() }
}

/// The count of `|a - b| > threshold`: 255 blocks fill the UInt8 lanes at most to 255.
@usableFromInline
struct ChangedCount: BlockPairAccumulator {
  @usableFromInline static var room: Int { 255 }
  @usableFromInline let threshold: UInt8
  @usableFromInline let t: SIMD16<UInt8>
  @usableFromInline var total = 0
  @usableFromInline var lanes = SIMD16<UInt8>()
  @inlinable init(threshold: UInt8) {
    self.threshold = threshold
    t = SIMD16<UInt8>(repeating: threshold)
  }
  @inlinable @inline(__always) mutating func add(_ x: SIMD16<UInt8>, _ y: SIMD16<UInt8>) {
    lanes &+= SIMD16<UInt8>(repeating: 0).replacing(with: SIMD16<UInt8>(repeating: 1), where: PixelDifference.absoluteDifference(x, y) .> t)
  }
  @inlinable @inline(__always) mutating func add(_ x: UInt8, _ y: UInt8) { if PixelDifference.absoluteDifference(x, y) > threshold { total &+= 1 } }
  @inlinable @inline(__always) mutating func flush() { total &+= PixelDifference.widenedSum(lanes); lanes = SIMD16<UInt8>() }
}
