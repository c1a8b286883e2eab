import FrameScoutCore
import XCTest

/// `BoxBlur.apply` (from the integral image) equals its scalar twin, pixel for pixel.
final class BoxBlurTests: XCTestCase {
  func testBlurEqualsItsScalarTwin() {
    var rng = SplitMix64(seed: 77)
    for (w, h) in [(1, 1), (7, 3), (33, 17), (64, 9)] {
      for fill in ["random", "0", "255"] {
        let img = PaddedImage(width: w, height: h, offsetX: 3, padding: 5) { _, _ in
          fill == "random" ? UInt8.random(in: 0...255, using: &rng) : (fill == "0" ? 0 : 255)
        }
        for r in [0, 1, 2, 5] {
          img.withView { v in
            var fast = GrayImage(width: w, height: h), slow = GrayImage(width: w, height: h)
            fast.withMutableView { BoxBlur.apply(integral: IntegralImage(v), radius: r, into: $0) }
            slow.withMutableView { BoxBlur.applyReference(v, radius: r, into: $0) }
            XCTAssertEqual(fast.pixels, slow.pixels, "\(w)x\(h) \(fill) r=\(r)")
            if r == 0 { XCTAssertEqual(fast.pixels, GrayImage(copying: v).pixels) }
          }
        }
      }
    }
  }
}
