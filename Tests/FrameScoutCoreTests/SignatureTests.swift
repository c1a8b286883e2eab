import FrameScoutCore
import XCTest

/// The region signature must separate "an object was added or removed" from "the light
/// changed / the picture is noisier / it was re-compressed" with a clear margin.
final class SignatureTests: XCTestCase {
  struct Case { let name: String; let scene: Scene }

  static let unchanged: [Case] = [
    Case(name: "new noise", scene: Scene(noiseSigma: 3, noiseSeed: 2)),
    Case(name: "night grain σ 8", scene: Scene(noiseSigma: 8, noiseSeed: 3)),
    Case(name: "darker (gain 0.6)", scene: Scene(gain: 0.6, noiseSigma: 3, noiseSeed: 4)),
    Case(name: "brighter (+35)", scene: Scene(offset: 35, noiseSigma: 3, noiseSeed: 5)),
    Case(name: "gain 1.25 − 20", scene: Scene(gain: 1.25, offset: -20, noiseSigma: 3, noiseSeed: 6)),
    Case(name: "dusk: gain 0.45, grain σ 6", scene: Scene(gain: 0.45, offset: 5, noiseSigma: 6, noiseSeed: 7)),
    Case(name: "re-compressed (step 12)", scene: Scene(noiseSigma: 3, noiseSeed: 8, compressionStep: 12)),
    Case(name: "re-compressed + darker", scene: Scene(gain: 0.8, noiseSigma: 3, noiseSeed: 9, compressionStep: 16)),
  ]

  static let changed: [Case] = [
    Case(name: "dark object", scene: Scene(object: Scene.objectRect, objectLevel: 40, noiseSigma: 3, noiseSeed: 10)),
    Case(name: "light object", scene: Scene(object: Scene.objectRect, objectLevel: 175, noiseSigma: 3, noiseSeed: 11)),
    Case(name: "mid-gray object, grain σ 8", scene: Scene(object: Scene.objectRect, objectLevel: 105, noiseSigma: 8, noiseSeed: 12)),
    Case(name: "object, darker light", scene: Scene(object: Scene.objectRect, objectLevel: 60, gain: 0.7, noiseSigma: 3, noiseSeed: 13)),
    Case(name: "object, re-compressed", scene: Scene(object: Scene.objectRect, objectLevel: 150, noiseSigma: 3, noiseSeed: 14, compressionStep: 12)),
  ]

  func distances(region: PixelRect) -> (unchanged: [(String, Double)], changed: [(String, Double)]) {
    let maker = SignatureMaker(regionWidth: region.width, regionHeight: region.height)
    let reference = Scene(noiseSigma: 3).render().withView { maker.signature(of: $0.cropped(to: region)) }
    let withObject = Self.changed[0].scene.render().withView { maker.signature(of: $0.cropped(to: region)) }
    func d(_ c: Case) -> Double { c.scene.render().withView { reference.distance(to: maker.signature(of: $0.cropped(to: region))) } }
    var unchanged = Self.unchanged.map { ($0.name, d($0)) }
    var changed = Self.changed.map { ($0.name, d($0)) }
    // Removal is the mirror: the object was there and is gone.
    let empty = Scene(noiseSigma: 3, noiseSeed: 20).render().withView { maker.signature(of: $0.cropped(to: region)) }
    changed.append(("object removed", withObject.distance(to: empty)))
    // With the object present throughout, lighting and noise are still no change.
    let objectDimmer = Scene(object: Scene.objectRect, objectLevel: 40, gain: 0.7, offset: 10, noiseSigma: 5, noiseSeed: 21).render()
    unchanged.append(("object present, dimmer", objectDimmer.withView { withObject.distance(to: maker.signature(of: $0.cropped(to: region))) }))
    return (unchanged, changed)
  }

  /// `threshold` must separate the two groups, and every change must score at least
  /// `ratio` times the worst non-change. The distance is an RMS over the thumbnail, so it
  /// scales with the square root of the changed fraction of the region: a fixed threshold
  /// belongs to a region size and object size.
  func assertMargin(region: PixelRect, label: String, threshold: Double, ratio: Double = 3) {
    let (unchanged, changed) = distances(region: region)
    let worstSame = unchanged.map(\.1).max()!, leastChanged = changed.map(\.1).min()!
    let table = (unchanged.map { "  same     \($0.0): \($0.1)" } + changed.map { "  changed  \($0.0): \($0.1)" }).joined(separator: "\n")
    XCTAssertLessThan(worstSame, threshold, "\(label)\n\(table)")
    XCTAssertGreaterThan(leastChanged, threshold, "\(label)\n\(table)")
    XCTAssertGreaterThan(leastChanged, ratio * worstSame, "\(label)\n\(table)")
    print("signature distances, \(label) (least change / worst non-change = \(leastChanged / worstSame)):\n\(table)")
  }

  /// The object covers a quarter of the watched region.
  func testMarginOnRegionAroundObject() {
    assertMargin(region: PixelRect(x: 144, y: 80, width: 144, height: 80), label: "144×80 region, object 25%", threshold: 0.12)
  }

  /// The object is 5% of the whole frame.
  func testMarginOnWholeFrame() {
    assertMargin(region: PixelRect(x: 0, y: 0, width: 320, height: 180), label: "whole frame, object 5%", threshold: 0.05)
  }

  func testUpdateReusesAndMatchesFreshSignature() {
    let region = PixelRect(x: 10, y: 10, width: 100, height: 60)
    let maker = SignatureMaker(regionWidth: 100, regionHeight: 60)
    let a = Scene(noiseSigma: 3).render(), b = Scene(object: Scene.objectRect, noiseSigma: 3).render()
    var s = a.withView { maker.signature(of: $0.cropped(to: region)) }
    b.withView { maker.update(&s, from: $0.cropped(to: region)) }
    let fresh = b.withView { maker.signature(of: $0.cropped(to: region)) }
    XCTAssertEqual(s.thumbnail, fresh.thumbnail)
    XCTAssertEqual(s.hash, fresh.hash)
    XCTAssertEqual(s.statistics, fresh.statistics)
    XCTAssertEqual(s.distance(to: fresh), 0)
    let c = s.comparison(with: fresh)
    XCTAssertEqual(c.hashDistance, 0)
    XCTAssertEqual(c.brightnessChange, 0)
  }

  /// A flat region stays "unchanged" under grain (the contrast floor), and does not when
  /// something appears on it.
  func testFlatRegion() {
    let maker = SignatureMaker(regionWidth: 64, regionHeight: 48)
    func flat(_ level: Double, sigma: Double, seed: UInt64, blob: Bool = false) -> Signature {
      var rng = SplitMix64(seed: seed)
      let img = PaddedImage(width: 64, height: 48) { x, y in
        let v = (blob && x >= 20 && x < 44 && y >= 12 && y < 36 ? level + 50 : level) + sigma * rng.gaussian()
        return UInt8(max(0, min(255, v.rounded())))
      }
      return img.withView { maker.signature(of: $0) }
    }
    let a = flat(90, sigma: 3, seed: 1)
    let same = [flat(90, sigma: 3, seed: 2), flat(60, sigma: 5, seed: 3), flat(130, sigma: 8, seed: 4)].map { a.distance(to: $0) }
    let changed = [flat(90, sigma: 3, seed: 5, blob: true), flat(60, sigma: 8, seed: 6, blob: true)].map { a.distance(to: $0) }
    print("signature distances, flat 64×48 region: same \(same), blob \(changed)")
    XCTAssertGreaterThan(changed.min()!, 2 * same.max()!, "same \(same), blob \(changed)")
  }
}
