import FrameScoutCore
import XCTest

/// Region statistics, dot products, integral images and normalised cross-correlation.
final class RegionStatisticsTests: XCTestCase {
  func testStatisticsAndDotProductEqualReference() {
    var rng = SplitMix64(seed: 31)
    for g in Geometry.grid {
      for (ca, cb) in [(Content.random, Content.random), (.full, .full), (.zeros, .alternating), (.lowNoise, .random)] {
        var g2 = g
        g2.offsetX = (g.offsetX + 5) % 16
        let a = g.image(ca, &rng), b = g2.image(cb, &rng)
        a.withView { va in b.withView { vb in
          XCTAssertEqual(RegionStatistics.measure(va), RegionStatistics.measureReference(va), "\(g) \(ca)")
          XCTAssertEqual(RegionStatistics.dotProduct(va, vb), RegionStatistics.dotProductReference(va, vb), "\(g) \(ca)/\(cb)")
        } }
      }
    }
    // Many blocks of 255s: both accumulators must be flushed in time.
    let big = PaddedImage(width: 2048, height: 300, offsetX: 1) { _, _ in 255 }
    big.withView { v in
      XCTAssertEqual(RegionStatistics.measure(v), RegionStatistics(count: 614_400, sum: 614_400 * 255, sumOfSquares: 614_400 * 65_025))
      XCTAssertEqual(RegionStatistics.dotProduct(v, v), 614_400 * 65_025)
    }
  }

  func testMeanAndVariance() {
    let img = PaddedImage(width: 4, height: 1) { x, _ in [10, 20, 30, 40][x] }
    let s = img.withView { RegionStatistics.measure($0) }
    XCTAssertEqual(s.mean, 25)
    XCTAssertEqual(s.variance, 125)
    XCTAssertEqual(s.standardDeviation, 125.0.squareRoot())
  }

  func testIntegralImageEqualsReferenceAndSums() {
    var rng = SplitMix64(seed: 41)
    for g in Geometry.grid.prefix(40) {
      let img = g.image(.random, &rng)
      img.withView { v in
        let fast = IntegralImage(v), slow = IntegralImage.reference(v)
        XCTAssertEqual(fast.sums, slow.sums, "\(g)")
        XCTAssertEqual(fast.squares, slow.squares, "\(g)")
        for _ in 0..<5 {
          let x = Int.random(in: 0..<g.width, using: &rng), y = Int.random(in: 0..<g.height, using: &rng)
          let r = PixelRect(x: x, y: y, width: Int.random(in: 0...(g.width - x), using: &rng), height: Int.random(in: 0...(g.height - y), using: &rng))
          XCTAssertEqual(fast.statistics(in: r), RegionStatistics.measureReference(v.cropped(to: r)), "\(g) \(r)")
        }
      }
    }
  }

  func testNormalisedCrossCorrelation() {
    var rng = SplitMix64(seed: 51)
    let scene = PaddedImage(width: 120, height: 70, offsetX: 3, padding: 5) { _, _ in UInt8.random(in: 0...255, using: &rng) }
    let target = PixelRect(x: 61, y: 23, width: 19, height: 13)
    // The template is the target area, darker and with less contrast: NCC is 1 there.
    let template = scene.withView { v in
      PaddedImage(width: target.width, height: target.height) { x, y in UInt8(Double(v[target.x + x, target.y + y]) * 0.6 + 10) }
    }
    let matcher = template.withView { TemplateMatcher(template: $0) }
    scene.withView { v in
      let integral = IntegralImage(v)
      for (x, y) in [(0, 0), (61, 23), (100, 57), (37, 11)] {
        let fast = matcher.correlation(in: v, x: x, y: y), slow = matcher.correlationReference(in: v, x: x, y: y)
        XCTAssertEqual(fast, slow, "at \(x),\(y)")
        XCTAssertEqual(matcher.correlation(in: v, integral: integral, x: x, y: y), slow, "at \(x),\(y) (integral)")
      }
      XCTAssertEqual(matcher.correlation(in: v, x: 61, y: 23), 1, accuracy: 0.01)
      let best = matcher.bestMatch(in: v, integral: integral, search: PixelRect(x: 30, y: 5, width: 80, height: 60))
      XCTAssertEqual(best.x, 61)
      XCTAssertEqual(best.y, 23)
      XCTAssertLessThan(matcher.correlation(in: v, x: 10, y: 10), 0.5)
    }
    // Flat windows score 0.
    let flat = PaddedImage(width: 30, height: 30) { _, _ in 77 }
    flat.withView { XCTAssertEqual(matcher.correlation(in: $0, x: 2, y: 2), 0) }
  }
}
