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

  /// The plain cell statistics of a `side`×`side` grid (cell edges at i·width/side), for
  /// the cell kernels to equal.
  func cellReference(_ v: GrayView, side: Int) -> [(mean: Double, deviation: Double)] {
    var out: [(Double, Double)] = []
    for j in 0..<side {
      for i in 0..<side {
        var sum = 0.0, squares = 0.0, n = 0.0
        for y in (j * v.height / side)..<((j + 1) * v.height / side) {
          for x in (i * v.width / side)..<((i + 1) * v.width / side) { let p = Double(v[x, y]); sum += p; squares += p * p; n += 1 }
        }
        let mean = n > 0 ? sum / n : 0
        out.append((mean, n > 0 ? max(0, squares / n - mean * mean).squareRoot() : 0))
      }
    }
    return out
  }

  /// Cell deviations, written from any start index, equal the plain per-cell statistics
  /// over the geometry grid (odd widths, strides, all-0 and all-255 content).
  func testCellDeviationsEqualReference() {
    var rng = SplitMix64(seed: 47)
    for g in Geometry.grid where g.width >= 16 && g.height >= 16 {
      for content in [Content.random, .zeros, .full, .alternating, .lowNoise] {
        let image = g.image(content, &rng)
        image.withView { v in
          var out = [Float](repeating: -1, count: 3 * 256)
          RegionStatistics.cellDeviations(v, side: 16, into: &out, at: 256)
          let reference = cellReference(v, side: 16)
          XCTAssertTrue(out[0..<256].allSatisfy { $0 == -1 } && out[512...].allSatisfy { $0 == -1 }, "\(g): only its cells written")
          for k in 0..<256 { XCTAssertEqual(Double(out[256 + k]), reference[k].deviation, accuracy: 1e-3, "\(g) \(content) cell \(k)") }
        }
      }
    }
  }

  /// The cells' mean colour (U − 128, V − 128) of a rectangle in luma pixels equals the
  /// plain means of the chroma samples it covers (4:2:0 and 4:4:4); a rectangle with fewer
  /// chroma samples than cells across, or outside the planes, gives none.
  func testCellColoursEqualReference() {
    var rng = SplitMix64(seed: 53)
    for (shift, rect) in [(1, PixelRect(x: 6, y: 10, width: 70, height: 41)), (0, PixelRect(x: 3, y: 1, width: 33, height: 17)),
                          (1, PixelRect(x: 0, y: 0, width: 80, height: 64))] {
      let u = Geometry(width: 40 << (1 - shift), height: 32 << (1 - shift), offsetX: 3, offsetY: 1, padding: 5).image(.random, &rng)
      let v = Geometry(width: 40 << (1 - shift), height: 32 << (1 - shift), offsetX: 0, offsetY: 0, padding: 9).image(.lowNoise, &rng)
      u.withView { uv in v.withView { vv in
        let planes = ChromaPlanes(u: uv, v: vv, shiftX: shift, shiftY: shift)
        var out = [Float](repeating: 0, count: 512)
        XCTAssertTrue(planes.cellColours(in: rect, side: 16, into: &out, at: 0))
        let c = PixelRect(x: rect.x >> shift, y: rect.y >> shift, width: ((rect.x + rect.width) >> shift) - (rect.x >> shift),
                          height: ((rect.y + rect.height) >> shift) - (rect.y >> shift))
        let ru = cellReference(uv.cropped(to: c), side: 16), rv = cellReference(vv.cropped(to: c), side: 16)
        for k in 0..<256 {
          XCTAssertEqual(Double(out[k]), ru[k].mean - 128, accuracy: 1e-3, "U cell \(k) of \(rect)")
          XCTAssertEqual(Double(out[256 + k]), rv[k].mean - 128, accuracy: 1e-3, "V cell \(k) of \(rect)")
        }
        var untouched = [Float](repeating: 7, count: 512)
        XCTAssertFalse(planes.cellColours(in: PixelRect(x: 0, y: 0, width: 30 >> (1 - shift), height: 40), side: 16, into: &untouched, at: 0))
        XCTAssertFalse(planes.cellColours(in: PixelRect(x: 40, y: 40, width: 80, height: 64), side: 16, into: &untouched, at: 0))
        XCTAssertTrue(untouched.allSatisfy { $0 == 7 })
      } }
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
