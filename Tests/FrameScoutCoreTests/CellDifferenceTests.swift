@testable import FrameScoutCore
import XCTest

/// `CellDifference.measure` against its scalar twin, and `LocalMotion` on pictures whose
/// motion is known.
final class CellDifferenceTests: XCTestCase {
  /// Two pictures `w`×`h` with row stride `stride`, filled by `fill(x, y, picture)`.
  func pictures(_ w: Int, _ h: Int, stride: Int, _ fill: (Int, Int, Int) -> UInt8) -> [[UInt8]] {
    (0..<2).map { p in (0..<(stride * h)).map { i in i % stride < w ? fill(i % stride, i / stride, p) : 0xAB } }
  }

  func testKernelEqualsScalarTwin() {
    var seed: UInt64 = 7
    func next() -> UInt8 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: seed >> 33) }
    let fills: [(String, (Int, Int, Int) -> UInt8)] = [
      ("random", { _, _, _ in next() }), ("zero", { _, _, _ in 0 }), ("0 vs 255", { _, _, p in p == 0 ? 0 : 255 }),
      ("gradient", { x, y, p in UInt8(truncatingIfNeeded: x * 3 + y * 5 + p * 9) })]
    for (w, h, stride) in [(1, 1, 1), (7, 5, 9), (16, 8, 16), (17, 9, 20), (33, 17, 48), (160, 90, 160), (161, 91, 176)] {
      for (name, fill) in fills {
        let px = pictures(w, h, stride: stride, fill)
        let (c, r) = CellDifference.cells(width: w, height: h)
        var thresholds = (0..<(c * r)).map { UInt8(truncatingIfNeeded: $0 * 37) }
        var fastPlain = [Int32](repeating: -1, count: c * r), fastExcess = fastPlain, slowPlain = fastPlain, slowExcess = fastPlain
        var fastSums = fastPlain, slowSums = fastPlain
        px[0].withUnsafeBufferPointer { a in
          px[1].withUnsafeBufferPointer { b in
            let va = GrayView(base: a.baseAddress!, width: w, height: h, stride: stride)
            let vb = GrayView(base: b.baseAddress!, width: w, height: h, stride: stride)
            thresholds.withUnsafeMutableBufferPointer { t in
              CellDifference.measure(va, vb, thresholds: t.baseAddress!, plain: &fastPlain, excess: &fastExcess)
              CellDifference.measureReference(va, vb, thresholds: t.baseAddress!, plain: &slowPlain, excess: &slowExcess)
            }
            CellDifference.sums(va, vb, into: &fastSums)
            CellDifference.sumsReference(va, vb, into: &slowSums)
          }
        }
        XCTAssertEqual(fastPlain, slowPlain, "\(w)x\(h) stride \(stride) \(name)")
        XCTAssertEqual(fastExcess, slowExcess, "\(w)x\(h) stride \(stride) \(name)")
        XCTAssertEqual(fastSums, slowSums, "sums \(w)x\(h) stride \(stride) \(name)")
        XCTAssertEqual(fastSums, slowPlain, "sums are measure's plain sums, \(w)x\(h) stride \(stride) \(name)")
      }
    }
  }

  /// A bright square moving 2 px a frame over a flat picture: mass on the track of the
  /// previous frame's motion, two steps more than one, nothing for a repeated picture.
  func testLocalMotionOfAMovingSquare() {
    let w = 160, h = 90
    func frame(_ x0: Int) -> [UInt8] { (0..<(w * h)).map { i in (i % w >= x0 && i % w < x0 + 10 && i / w >= 40 && i / w < 52) ? 200 : 50 } }
    let motion = LocalMotion()
    var measures: [LocalMotion.Measure?] = []
    for x in [20, 22, 24, 26, 26, 28] {
      let f = frame(x)
      f.withUnsafeBufferPointer { measures.append(motion.measure(GrayView(base: $0.baseAddress!, width: w, height: h, stride: w))) }
    }
    XCTAssertNil(measures[0])
    let m = measures.compactMap { $0 }
    XCTAssertEqual(m.count, 5)
    XCTAssertGreaterThan(m[1].mass, 0)
    XCTAssertEqual(m[2].onTrack, m[2].mass, accuracy: 1e-6, "all of it where the square moved before")
    XCTAssertGreaterThan(m[2].twoStep, 1.5 * m[2].mass)
    XCTAssertEqual(m[3].mass, 0, "the repeated picture")
    XCTAssertEqual(m[4].mass, m[2].mass, accuracy: 1e-6)
  }
}
