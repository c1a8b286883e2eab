import FrameScoutCore
import XCTest

final class NoiseEstimateTests: XCTestCase {
  func testEqualsReferenceOverGrid() {
    var rng = SplitMix64(seed: 61)
    for g in Geometry.grid {
      for (ca, cb) in [(Content.random, Content.random), (.lowNoise, .lowNoise), (.zeros, .full), (.full, .full)] {
        var g2 = g
        g2.offsetX = (g.offsetX + 9) % 16
        let a = g.image(ca, &rng), b = g2.image(cb, &rng)
        a.withView { va in b.withView { vb in
          XCTAssertEqual(NoiseEstimate.between(va, vb), NoiseEstimate.reference(va, vb), "\(g) \(ca)/\(cb)")
          XCTAssertEqual(NoiseEstimate.of(difference: va), NoiseEstimate.reference(va, nil), "\(g) \(ca)")
        } }
      }
    }
  }

  /// Grainier footage gives a proportionally larger estimate, and a moving object
  /// (5% of the frame) barely moves it.
  func testTracksGrainNotObjects() {
    for sigma in [2.0, 5.0, 10.0] {
      let a = Scene(noiseSigma: sigma, noiseSeed: 1).render(), b = Scene(noiseSigma: sigma, noiseSeed: 2).render()
      let c = Scene(object: Scene.objectRect, noiseSigma: sigma, noiseSeed: 3).render()
      let calm = a.withView { va in b.withView { NoiseEstimate.between(va, $0) } }
      let busy = a.withView { va in c.withView { NoiseEstimate.between(va, $0) } }
      XCTAssertEqual(calm.sigma, sigma, accuracy: 0.25 * sigma + 0.6, "σ \(sigma)")
      XCTAssertLessThanOrEqual(abs(busy.medianAbsoluteDifference - calm.medianAbsoluteDifference), 1, "σ \(sigma)")
      XCTAssertGreaterThanOrEqual(Int(calm.threshold()), 8)
    }
  }
}
