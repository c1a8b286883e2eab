/// Normalised cross-correlation (NCC) of a template — a picture of the object being
/// looked for — against same-sized windows of an image:
///
///     ncc = (n·Σt·i − Σt·Σi) / √((n·Σt² − (Σt)²) · (n·Σi² − (Σi)²))
///
/// in −1…1, unchanged by any brightness offset or positive gain of either side. Windows or
/// templates with no contrast (zero variance) score 0. The integer sums are exact, so the
/// SIMD path and its scalar reference give the same score.
public struct TemplateMatcher: Sendable {
  /// The template's pixels (owned copy).
  public let template: GrayImage
  /// The template's own statistics, computed once.
  public let statistics: RegionStatistics

  /// Copies `template` (its statistics are computed once here).
  public init(template: GrayView) {
    precondition(template.width > 0 && template.height > 0, "TemplateMatcher: empty template")
    self.template = GrayImage(copying: template)
    statistics = RegionStatistics.measure(template)
  }

  public var width: Int { template.width }
  public var height: Int { template.height }

  /// The NCC score from exact sums: `dot` = Σt·i, `window` = the window's statistics.
  @inlinable
  public func score(dot: Int, window: RegionStatistics) -> Double {
    let n = statistics.count
    let vt = n &* statistics.sumOfSquares &- statistics.sum &* statistics.sum
    let vi = n &* window.sumOfSquares &- window.sum &* window.sum
    guard vt > 0, vi > 0 else { return 0 }
    let num = n &* dot &- statistics.sum &* window.sum
    return Double(num) / (Double(vt) * Double(vi)).squareRoot()
  }

  /// NCC of the template with the window of `image` whose top-left corner is `(x, y)`.
  /// One SIMD pass for Σt·i and one for the window statistics; allocates nothing.
  @inlinable
  public func correlation(in image: GrayView, x: Int, y: Int) -> Double {
    let window = image.cropped(to: PixelRect(x: x, y: y, width: width, height: height))
    return template.withView { t in score(dot: RegionStatistics.dotProduct(t, window), window: RegionStatistics.measure(window)) }
  }

  /// The same, with the window statistics from a prepared `integral` of `image`
  /// (for scanning many positions).
  @inlinable
  public func correlation(in image: GrayView, integral: IntegralImage, x: Int, y: Int) -> Double {
    let r = PixelRect(x: x, y: y, width: width, height: height)
    let window = image.cropped(to: r)
    return template.withView { t in score(dot: RegionStatistics.dotProduct(t, window), window: integral.statistics(in: r)) }
  }

  /// Scalar twin of `correlation(in:x:y:)`.
  public func correlationReference(in image: GrayView, x: Int, y: Int) -> Double {
    let window = image.cropped(to: PixelRect(x: x, y: y, width: width, height: height))
    return template.withView { t in score(dot: RegionStatistics.dotProductReference(t, window), window: RegionStatistics.measureReference(window)) }
  }

  /// The best-scoring window position inside `search` (a rectangle of `image` at least as
  /// large as the template), stepping `step` pixels, and its score. Allocates nothing but
  /// needs `integral` prepared from `image`.
  public func bestMatch(in image: GrayView, integral: IntegralImage, search: PixelRect, step: Int = 1) -> (x: Int, y: Int, score: Double) {
    precondition(search.width >= width && search.height >= height && step > 0, "TemplateMatcher: search area smaller than the template")
    var best = (x: search.x, y: search.y, score: -2.0)
    var y = search.y
    while y + height <= search.y + search.height {
      var x = search.x
      while x + width <= search.x + search.width {
        let s = correlation(in: image, integral: integral, x: x, y: y)
        if s > best.score { best = (x, y, s) }
        x += step
      }
      y += step
    }
    return best
  }
}
