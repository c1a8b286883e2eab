import XCTest
@testable import FrameScoutCore

/// The displacement of moving parts (`CellFlow`) and the change-of-light test (`Relighting`)
/// on pictures made here: a smooth texture shifted by known amounts, relit, or replaced.
final class CellFlowTests: XCTestCase {
  /// A smooth random texture (sums of sinusoids) at sub-pixel offset `dx` (pixels, to the right),
  /// optionally relit (`gain`, `offset`); `seed` picks another texture.
  func texture(_ w: Int, _ h: Int, dx: Double = 0, gain: Double = 1, offset: Double = 0, seed: UInt64 = 7) -> GrayImage {
    var rng = SplitMix64(seed: seed)
    let waves = (0..<6).map { _ in (Double.random(in: 0.15...0.6, using: &rng), Double.random(in: 0.15...0.6, using: &rng),
                                     Double.random(in: 0...6.28, using: &rng)) }
    var image = GrayImage(width: w, height: h)
    for y in 0..<h {
      for x in 0..<w {
        var v = 0.0
        for (fx, fy, p) in waves { v += _cosine(fx * (Double(x) - dx) + fy * Double(y) + p) }
        image[x, y] = UInt8(max(0, min(255, (100 + 18 * v) * gain + offset)).rounded())
      }
    }
    return image
  }

  /// Every cell weighs 1.
  func speed(_ a: GrayImage, _ b: GrayImage) -> CellFlow.Speed? {
    let flow = CellFlow()
    let (c, r) = CellDifference.cells(width: a.width, height: a.height)
    let weights = [Float](repeating: 1, count: c * r)
    _ = a.withView { flow.measure($0, weights: weights) }
    return b.withView { flow.measure($0, weights: weights) }
  }

  /// Half a pixel and one pixel come out as such on the picture itself; a step twice as long
  /// measures about twice as long (what a removed frame does); beyond the fine measure's
  /// range the half picture still measures it.
  func testDisplacementGrowsWithTheStep() throws {
    let base = texture(160, 96)
    let half = try XCTUnwrap(speed(base, texture(160, 96, dx: 0.5)))
    let one = try XCTUnwrap(speed(base, texture(160, 96, dx: 1)))
    let three = try XCTUnwrap(speed(base, texture(160, 96, dx: 3)))
    XCTAssertEqual(half.fine, 0.5, accuracy: 0.1)
    XCTAssertEqual(one.fine, 1, accuracy: 0.2)
    XCTAssertGreaterThan(one.fine / half.fine, 1.7)
    XCTAssertEqual(three.coarse, 3, accuracy: 0.75)
    XCTAssertGreaterThan(three.coarse / one.coarse, 2.2)
    XCTAssertNil(base.withView { CellFlow().measure($0, weights: [Float](repeating: 1, count: 240)) }, "the first picture")
    let still = try XCTUnwrap(speed(base, base))
    XCTAssertEqual(still.fine, 0, accuracy: 1e-4)
  }

  /// Cells of zero weight are left out: nothing weighed, nothing moved.
  func testOnlyWeightedCellsCount() throws {
    let flow = CellFlow()
    let a = texture(64, 64), b = texture(64, 64, dx: 1)
    let none = [Float](repeating: 0, count: 64)
    _ = a.withView { flow.measure($0, weights: none) }
    let s = try XCTUnwrap(b.withView { flow.measure($0, weights: none) })
    XCTAssertEqual(s.fine, 0); XCTAssertEqual(s.coarse, 0)
  }

  /// Noise on a still texture, then: the same texture brighter and of more contrast (a light
  /// switched on) changes most cells and keeps their texture; another texture (a cut)
  /// changes them and keeps little.
  func testAChangeOfLightKeepsTheTexture() throws {
    func run(_ last: GrayImage) throws -> Relighting.Measure {
      let r = Relighting()
      var rng = SplitMix64(seed: 3)
      let base = texture(160, 96)
      for _ in 0..<8 {
        var noisy = base
        for y in 0..<96 { for x in 0..<160 { noisy[x, y] = UInt8(max(0, min(255, Double(base[x, y]) + 1.5 * rng.gaussian()))) } }
        _ = noisy.withView { r.measure($0) }
      }
      return try XCTUnwrap(last.withView { r.measure($0) })
    }
    let relit = try run(texture(160, 96, gain: 1.8, offset: -40))
    XCTAssertGreaterThan(relit.changed, 0.8)
    XCTAssertGreaterThan(relit.textured, 0.5)
    XCTAssertGreaterThan(relit.kept, 0.9)
    let cut = try run(texture(160, 96, seed: 99))
    XCTAssertGreaterThan(cut.textured, 0.3)
    XCTAssertLessThan(cut.kept, 0.4)
    let same = try run(texture(160, 96))
    XCTAssertLessThan(same.changed, 0.05)
  }

  /// The vectorised running mean and noise equal the scalar twin's, measure for measure, bit
  /// for bit (the audit's signals and lighting findings print them): noisy textures, a change
  /// of light, a cut, flat and saturated pictures, a change of size, odd sizes and strides.
  func testRelightingEqualsScalarTwin() {
    for (w, h, pad) in [(160, 90, 0), (161, 91, 5), (17, 9, 3), (8, 8, 0), (320, 180, 16)] {
      let fast = Relighting(), slow = Relighting(scalarReference: true)
      var rng = SplitMix64(seed: UInt64(w * 1000 + h))
      let base = texture(w, h)
      var pictures: [GrayImage] = []
      for k in 0..<14 {
        var p = k == 9 ? texture(w, h, gain: 1.8, offset: -40) : k == 11 ? texture(w, h, seed: 99) : base
        for y in 0..<h { for x in 0..<w { p[x, y] = UInt8(max(0, min(255, Double(p[x, y]) + 2.5 * rng.gaussian()))) } }
        pictures.append(p)
      }
      pictures.append(GrayImage(width: w, height: h))
      var white = GrayImage(width: w, height: h)
      for y in 0..<h { for x in 0..<w { white[x, y] = 255 } }
      pictures.append(white)
      pictures.append(texture(w + 1, h))
      pictures += (0..<8).map { _ in texture(w + 1, h, dx: 0.5) }
      for (k, p) in pictures.enumerated() {
        // The picture with a row stride wider than its width (padding bytes set).
        let stride = p.width + pad
        var bytes = [UInt8](repeating: 0xAB, count: stride * p.height)
        for y in 0..<p.height { for x in 0..<p.width { bytes[y * stride + x] = p[x, y] } }
        bytes.withUnsafeBufferPointer { b in
          let v = GrayView(base: b.baseAddress!, width: p.width, height: p.height, stride: stride)
          let a = fast.measure(v), e = slow.measure(v)
          XCTAssertEqual(a, e, "\(w)x\(h) pad \(pad), picture \(k)")
        }
      }
    }
  }
}
