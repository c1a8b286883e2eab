import FrameScoutCore
import XCTest

final class BackgroundModelTests: XCTestCase {
  func assertSameBackground(_ a: BackgroundModel, _ b: BackgroundModel, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    var diffs = 0
    for y in 0..<a.height { for x in 0..<a.width where a.value(x: x, y: y) != b.value(x: x, y: y) { diffs += 1 } }
    XCTAssertEqual(diffs, 0, label, file: file, line: line)
  }

  func testUpdateAndDifferenceEqualReference() {
    var rng = SplitMix64(seed: 21)
    for g in Geometry.grid {
      for rate in [1.0 / 256, 0.05, 0.5, 1.0] {
        let first = g.image(.random, &rng)
        var fast = first.withView { BackgroundModel(first: $0, learningRate: rate) }
        var slow = fast
        for step in 0..<4 {
          let frame = g.image([Content.random, .full, .zeros, .lowNoise][step], &rng)
          frame.withView { v in fast.update(with: v); slow.updateReference(with: v) }
          assertSameBackground(fast, slow, "\(g) rate \(rate) step \(step)")
          var d1 = PaddedImage(width: g.width, height: g.height, offsetX: 2, padding: 1) { _, _ in 0 }
          var d2 = PaddedImage(width: g.width, height: g.height) { _, _ in 0 }
          let probe = g.image(.random, &rng)
          probe.withView { v in
            d1.withMutableView { fast.difference(v, into: $0) }
            d2.withMutableView { slow.differenceReference(v, into: $0) }
          }
          XCTAssertEqual(d1.pixels, d2.pixels, "\(g) rate \(rate) step \(step) difference")
        }
      }
    }
  }

  func testConvergesAndForgets() {
    let dark = PaddedImage(width: 33, height: 5) { _, _ in 20 }, bright = PaddedImage(width: 33, height: 5) { x, _ in UInt8(200 + x % 3) }
    var model = dark.withView { BackgroundModel(first: $0, learningRate: 0.1) }
    XCTAssertEqual(model.rateNumerator, 26)
    // After one step the background moved by ⌊180·256·26/256⌋/256 ≈ 18 gray levels.
    bright.withView { model.update(with: $0) }
    XCTAssertEqual(Int(model.value(x: 0, y: 0)) >> 8, 20 + 180 * 26 / 256)
    for _ in 0..<200 { bright.withView { model.update(with: $0) } }
    var out = PaddedImage(width: 33, height: 5) { _, _ in 0 }
    out.withMutableView { model.render(into: $0) }
    let expected = bright.pixels
    XCTAssertTrue(zip(out.pixels, expected).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "settles within one gray level")
    var diff = PaddedImage(width: 33, height: 5) { _, _ in 0 }
    bright.withView { v in diff.withMutableView { model.difference(v, into: $0) } }
    XCTAssertLessThanOrEqual(diff.pixels.max()!, 1)
    // Learning rate 1 copies the frame.
    var copy = dark.withView { BackgroundModel(first: $0, learningRate: 1) }
    bright.withView { copy.update(with: $0) }
    XCTAssertEqual(copy.value(x: 4, y: 2), UInt16(bright.pixels[2 * 33 + 4]) << 8)
  }

  func testForegroundStandsOut() {
    let empty = Scene(noiseSigma: 3).render()
    var model = empty.withView { BackgroundModel(first: $0, learningRate: 0.05) }
    for s in 0..<10 { Scene(noiseSigma: 3, noiseSeed: UInt64(s)).render().withView { model.update(with: $0) } }
    let withObject = Scene(object: Scene.objectRect, noiseSigma: 3, noiseSeed: 77).render()
    var diff = GrayImage(width: 320, height: 180)
    withObject.withView { v in diff.withMutableView { model.difference(v, into: $0) } }
    let (changed, inObject) = diff.withView { d in
      (PixelDifference.countOver(25, in: d), PixelDifference.countOver(25, in: d.cropped(to: Scene.objectRect)))
    }
    XCTAssertGreaterThan(Double(inObject), 0.8 * 72 * 40)
    XCTAssertLessThan(changed - inObject, 200)
  }
}
