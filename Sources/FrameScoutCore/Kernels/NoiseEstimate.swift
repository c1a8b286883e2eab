/// How grainy the footage is, from the difference of two frames (or a difference image):
/// the median absolute difference (MAD) over all pixels. As long as less than half the
/// picture really changes, the median ignores the moving parts and measures the sensor
/// and compression noise, so a change threshold set at a few times the noise adapts to
/// clean daylight and grainy night footage alike.
///
/// For independent Gaussian noise of σ per frame, `a − b` has σ√2 and its absolute value
/// has median `0.6745·σ√2 ≈ 0.954·σ`, so `sigma ≈ MAD / 0.954` (gray levels).
public struct NoiseEstimate: Hashable, Sendable {
  /// The median absolute difference, in gray levels: the ⌈n/2⌉-th smallest `|a − b|`.
  public var medianAbsoluteDifference: Int
  /// Pixels that were looked at.
  public var count: Int
  /// The ⌈0.9·n⌉-th smallest `|a − b|`: where the noise's tail starts. Compressed footage
  /// (MJPEG, low-bit-rate H.264) has heavier tails than Gaussian noise, so a threshold set
  /// from the median alone lets too many noise pixels through; this one sees the tail.
  public var upperDecile: Int

  public init(medianAbsoluteDifference: Int, count: Int, upperDecile: Int = 0) {
    self.medianAbsoluteDifference = medianAbsoluteDifference
    self.count = count
    self.upperDecile = upperDecile
  }

  /// Estimated per-frame noise standard deviation in gray levels (see the type's note).
  public var sigma: Double { Double(medianAbsoluteDifference) / (0.674_489_75 * 2.0.squareRoot()) }

  /// A change threshold for difference images, in gray levels: `max(minimum, factor × MAD)`
  /// rounded up, capped at 254 (the difference of two frames exceeds it only for real
  /// change or rare noise outliers).
  public func threshold(factor: Double = 3, minimum: Int = 8) -> UInt8 {
    UInt8(min(254, max(minimum, Int((factor * Double(medianAbsoluteDifference)).rounded(.up)))))
  }

  /// The rank-`⌈n/2⌉` value of a 256-bin histogram.
  @inlinable
  static func median(histogram: UnsafeMutablePointer<UInt32>, count: Int) -> Int {
    rank(histogram: histogram, (count + 1) / 2)
  }

  /// The rank-`r` (1-based) value of a 256-bin histogram.
  @inlinable
  static func rank(histogram: UnsafeMutablePointer<UInt32>, _ r: Int) -> Int {
    var seen = 0
    for v in 0..<256 {
      seen &+= Int(histogram[v])
      if seen >= r { return v }
    }
    return 0
  }

  /// The noise of a difference image (values are `|a − b|`). Allocates nothing (the
  /// histograms live on the stack).
  @inlinable
  public static func of(difference: GrayView) -> NoiseEstimate {
    measure(difference, nil)
  }

  /// The noise between two frames of the same size, fusing the absolute difference.
  /// Allocates nothing.
  @inlinable
  public static func between(_ a: GrayView, _ b: GrayView) -> NoiseEstimate {
    PixelDifference.checkSameSize(a, b)
    return measure(a, b)
  }

  /// Differences are made 16 at a time with SIMD; a histogram has no vector form, so they
  /// go into four interleaved histograms (no store-to-load stall between equal
  /// neighbours), summed at the end.
  @inlinable
  static func measure(_ a: GrayView, _ b: GrayView?) -> NoiseEstimate {
    let n = a.width &* a.height
    guard n > 0 else { return NoiseEstimate(medianAbsoluteDifference: 0, count: 0) }
    return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { h in
      let hist = h.baseAddress!
      hist.initialize(repeating: 0, count: 1024)
      let width = a.width, blocks = width &>> 4
      for y in 0..<a.height {
        let pa = UnsafeRawPointer(a.base + y &* a.stride)
        let pb = b.map { UnsafeRawPointer($0.base + y &* $0.stride) }
        var i = 0
        while i < blocks {
          let o = i &<< 4
          var d = pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
          if let pb { d = PixelDifference.absoluteDifference(d, pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)) }
          var k = 0
          while k < 16 {
            hist[Int(d[k])] &+= 1
            hist[256 &+ Int(d[k &+ 1])] &+= 1
            hist[512 &+ Int(d[k &+ 2])] &+= 1
            hist[768 &+ Int(d[k &+ 3])] &+= 1
            k &+= 4
          }
          i &+= 1
        }
        var j = blocks &<< 4
        while j < width {
          let d = PixelDifference.difference(pa, pb, at: j)
          hist[Int(d)] &+= 1
          j &+= 1
        }
      }
      for v in 0..<256 { hist[v] &+= hist[256 &+ v] &+ hist[512 &+ v] &+ hist[768 &+ v] }
      return NoiseEstimate(medianAbsoluteDifference: median(histogram: hist, count: n), count: n,
                           upperDecile: rank(histogram: hist, (n &* 9 &+ 9) / 10))
    }
  }

  /// Scalar twin of `between(_:_:)` (pass `b: nil` for `of(difference:)`): sorts all
  /// differences and takes the ⌈n/2⌉-th smallest.
  public static func reference(_ a: GrayView, _ b: GrayView?) -> NoiseEstimate {
    var all: [Int] = []
    for y in 0..<a.height {
      for x in 0..<a.width { all.append(b.map { abs(Int(a[x, y]) - Int($0[x, y])) } ?? Int(a[x, y])) }
    }
    guard !all.isEmpty else { return NoiseEstimate(medianAbsoluteDifference: 0, count: 0) }
    all.sort()
    return NoiseEstimate(medianAbsoluteDifference: all[(all.count + 1) / 2 - 1], count: all.count,
                         upperDecile: all[(all.count * 9 + 9) / 10 - 1])
  }
}
