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
  /// (`width`×`height`). Allocates nothing.
  @inlinable
  public func downsample(_ source: GrayView, into destination: MutableGrayView) {
    precondition(source.width == sourceWidth && source.height == sourceHeight, "AreaDownsampler: source is \(source.width)x\(source.height), prepared for \(sourceWidth)x\(sourceHeight)")
    precondition(destination.width == width && destination.height == height, "AreaDownsampler: destination size mismatch")
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
        let count = UInt64((x1 &- x0) &* rowHeight)
        let m = rec[i]
        let n = UInt64(s) &* 2 &+ count
        out[i] = m != 0 ? UInt8(truncatingIfNeeded: (n &* m) &>> 32) : UInt8(truncatingIfNeeded: n / (2 &* count))
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
