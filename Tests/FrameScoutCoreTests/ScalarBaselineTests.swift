import FrameScoutCore
import FrameScoutScalarBaseline
import XCTest

/// The benchmark's scalar baseline (the twins compiled with the vectorisers off) computes
/// what the SIMD kernels compute.
final class ScalarBaselineTests: XCTestCase {
  func testBaselineEqualsSIMDKernels() {
    var rng = SplitMix64(seed: 23)
    for g in Geometry.grid {
      var g2 = g
      g2.offsetX = (g.offsetX + 7) % 16
      let a = g.image(.random, &rng), b = g2.image(.lowNoise, &rng)
      var fast = PaddedImage(width: a.width, height: a.height, offsetX: 1) { _, _ in 0 }
      var slow = fast
      a.withView { va in b.withView { vb in
        fast.withMutableView { PixelDifference.absolute(va, vb, into: $0) }
        slow.withMutableView { ScalarBaseline.absolute(va, vb, into: $0) }
        XCTAssertEqual(ScalarBaseline.sumOfAbsoluteDifferences(va, vb), PixelDifference.sumOfAbsoluteDifferences(va, vb), "\(g)")
        XCTAssertEqual(ScalarBaseline.countChanged(va, vb, threshold: 9), PixelDifference.countChanged(va, vb, threshold: 9), "\(g)")
        XCTAssertEqual(ScalarBaseline.countOver(100, in: va), PixelDifference.countOver(100, in: va), "\(g)")
      } }
      XCTAssertEqual(fast.pixels, slow.pixels, "\(g)")
    }
  }
}
