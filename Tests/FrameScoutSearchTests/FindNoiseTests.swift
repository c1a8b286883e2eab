import FrameScoutCore
@testable import FrameScoutSearch
import XCTest

/// Noise-aware acceptance (`PatchNoise`) on synthetic patches: a box seen through heavy grain
/// correlates with its clean picture as the formula expects and counts at the lowered
/// threshold, where the fixed one misses it; grainy bare pavement never counts.
final class FindNoiseTests: XCTestCase {
  static let (w, h) = (48, 40)

  /// Deterministic Gaussian noise (an LCG and Box-Muller).
  struct Grain {
    var state: UInt64
    mutating func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }
    mutating func gaussian() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
  }

  /// A taped box (light body, dark tape across and down, a shaded side) on pavement.
  static func box(_ x: Int, _ y: Int) -> Double {
    if (18..<23).contains(y) || (21..<26).contains(x) { return 70 }
    if x < 6 || x >= 42 || y < 5 || y >= 35 { return 100 }
    return 150 + Double(x - 6) * 0.8 - Double(y - 5) * 0.6
  }

  /// Bare pavement where the box stood: a dark kerb line and a paving joint cross exactly
  /// under its tapes (the crop's structure without the box), paving joints every 12 pixels.
  static func pavement(_ x: Int, _ y: Int) -> Double {
    if (18..<23).contains(y) || (21..<26).contains(x) { return 72 }
    return x % 12 == 0 || y % 12 == 0 ? 104 : 118
  }

  static func picture(_ signal: (Int, Int) -> Double, noise sigma: Double, seed: UInt64) -> GrayImage {
    var g = Grain(state: seed)
    var img = GrayImage(width: w, height: h)
    for y in 0..<h { for x in 0..<w { img[x, y] = UInt8(max(0, min(255, (signal(x, y) + sigma * g.gaussian()).rounded()))) } }
    return img
  }

  static func ncc(_ a: GrayImage, _ b: GrayImage) -> Double {
    a.withView { va in b.withView { vb in
      PatchNoise.correlation(va, vb, RegionStatistics.measure(va), RegionStatistics.measure(vb))
    } }
  }

  static func variance(_ a: GrayImage) -> Double { a.withView { RegionStatistics.measure($0).variance } }

  /// Two grainy looks of a spot give its noise variance: σ² = (1 − ncc)·var.
  func testPairVarianceMeasuresTheGrain() {
    for sigma in [4.0, 12, 24] {
      let a = Self.picture(Self.box, noise: sigma, seed: 1), b = Self.picture(Self.box, noise: sigma, seed: 2)
      let v = a.withView { va in b.withView { PatchNoise.pairVariance(va, $0) } }
      XCTAssertEqual(v.squareRoot(), sigma, accuracy: sigma * 0.15, "sigma \(sigma)")
    }
  }

  /// The finest-detail estimate reads white noise on a smooth picture, and not the box's edges.
  func testSpatialVarianceReadsWhiteNoiseNotEdges() {
    let clean = Self.picture(Self.box, noise: 0, seed: 1)
    XCTAssertLessThan(clean.withView { PatchNoise.spatialVariance(of: $0) }, 1)
    let noisy = Self.picture(Self.box, noise: 8, seed: 3)
    XCTAssertEqual(noisy.withView { PatchNoise.spatialVariance(of: $0) }.squareRoot(), 8, accuracy: 1.6)
  }

  /// A clean target against the box through grain of σ 36 (the box's own standard deviation
  /// is about 34): the score falls under the fixed 0.75 and lands where ρ_expected says; the lowered
  /// threshold takes it. A clean look and a grainy target are covered too.
  func testTheBoxThroughGrainScoresAsExpectedAndCounts() {
    for (targetSigma, windowSigma) in [(0.0, 36.0), (8, 32), (0, 0)] {
      let target = Self.picture(Self.box, noise: targetSigma, seed: 11)
      let look = Self.picture(Self.box, noise: windowSigma, seed: 12), again = Self.picture(Self.box, noise: windowSigma, seed: 13)
      let score = Self.ncc(target, look)
      let expected = PatchNoise.expectedCorrelation(
        targetVariance: Self.variance(target), targetNoise: target.withView { PatchNoise.spatialVariance(of: $0) },
        windowVariance: Self.variance(look), windowNoise: look.withView { l in again.withView { PatchNoise.pairVariance(l, $0) } })
      XCTAssertEqual(score, expected, accuracy: 0.06, "target σ \(targetSigma), window σ \(windowSigma)")
      let lowered = PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: expected, chanceLevel: 0.2)
      XCTAssertGreaterThanOrEqual(score, lowered, "target σ \(targetSigma), window σ \(windowSigma)")
      if windowSigma >= 30 { XCTAssertLessThan(score, 0.76, "the fixed threshold would miss it") }
      if windowSigma == 0 { XCTAssertEqual(lowered, 0.76, accuracy: 0.01) }
    }
  }

  /// Bare pavement through the same grain, at the threshold lowered for it: the kerb line
  /// and joint under the tapes make it correlate with the box (0.69 without grain), never
  /// enough. Against its background (another grainy look of the pavement) it is the
  /// background again once the NCCs are corrected for the grain — uncorrected, a clean target
  /// correlates with the grainy spot more than the grainy background does, and the difference
  /// correlation sits near 0.5, so the background check alone passed 12 of these 20.
  func testANoisyEmptySpotIsNotAccepted() {
    let target = Self.picture(Self.box, noise: 0, seed: 21)
    var place = FindPlace(scale: 0, x: 0, y: 0, width: Self.w, height: Self.h)
    let background = Self.picture(Self.pavement, noise: 24, seed: 22), other = Self.picture(Self.pavement, noise: 24, seed: 23)
    place.background = background.withView { TemplateMatcher(template: $0) }
    place.targetToBackground = Self.ncc(target, background)
    let noise = background.withView { b in other.withView { PatchNoise.pairVariance(b, $0) } }
    let backgroundShare = PatchNoise.signalShare(variance: Self.variance(background), noise: noise)
    var rejectedByBackground = 0, uncorrected = 0
    for seed in UInt64(30)..<UInt64(50) {
      let spot = Self.picture(Self.pavement, noise: 24, seed: seed)
      let expected = PatchNoise.expectedCorrelation(targetVariance: Self.variance(target), targetNoise: 0,
                                                    windowVariance: Self.variance(spot), windowNoise: noise)
      let threshold = PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: expected, chanceLevel: 0.2)
      let share = FindPlace.SignalShare(target: 1, look: PatchNoise.signalShare(variance: Self.variance(spot), noise: noise),
                                        background: backgroundShare)
      let score = Self.ncc(target, spot), fb = Self.ncc(spot, background)
      XCTAssertLessThan(score, threshold, "seed \(seed)")
      XCTAssertFalse(place.shows(score: score, colour: true, backgroundScore: fb, threshold: threshold, share: share), "seed \(seed)")
      if !place.shows(score: score, colour: true, backgroundScore: fb, threshold: -1, share: share) { rejectedByBackground += 1 }
      if !place.shows(score: score, colour: true, backgroundScore: fb, threshold: -1) { uncorrected += 1 }
    }
    XCTAssertEqual(rejectedByBackground, 20, "the background check alone, corrected for the grain")
    XCTAssertLessThan(uncorrected, 20, "uncorrected, the check does not hold in this grain (so this test can fail)")
    // The box through the same grain passes the corrected background check.
    for seed in UInt64(60)..<UInt64(70) {
      let look = Self.picture(Self.box, noise: 24, seed: seed)
      let share = FindPlace.SignalShare(target: 1, look: PatchNoise.signalShare(variance: Self.variance(look), noise: noise),
                                        background: backgroundShare)
      XCTAssertTrue(place.shows(score: Self.ncc(target, look), colour: true, backgroundScore: Self.ncc(look, background),
                                threshold: 0.3, share: share), "seed \(seed)")
    }
  }

  /// The threshold is lowered only for grain, and stays 0.1 clear of chance: for a target that
  /// random texture matches well (light_off_removed's: 0.73 at its smallest size), above
  /// `minimumScore` even without grain.
  func testThresholdStaysClearOfChance() {
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 1, chanceLevel: 0.3), 0.76, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 0.7, chanceLevel: nil), 0.76, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 0.7, chanceLevel: 0.3), 0.535, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 0.7, chanceLevel: 0.5), 0.6, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 0.7, chanceLevel: 0.72), 0.82, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.threshold(minimumScore: 0.75, margin: 0.01, expected: 1, chanceLevel: 0.73), 0.83, accuracy: 1e-12)
    XCTAssertEqual(PatchNoise.expectedCorrelation(targetVariance: 100, targetNoise: 0, windowVariance: 100, windowNoise: 99), 0.5)
  }

  /// A place with `looks` (scores: −2 where the appearance gate skipped every window) and
  /// their patches.
  static func place(_ patches: [GrayImage], scores: [Double]) -> FindPlace {
    var place = FindPlace(scale: 0, x: 0, y: 0, width: w, height: h)
    for (k, p) in patches.enumerated() {
      place.looks.append(FindPlace.Look(frame: k * 25, time: Double(k), x: 0, y: 0, score: scores[k], colour: true))
      place.patches.append(p)
    }
    return place
  }

  /// The box in the dark (a quarter of its brightness through grain of σ 7, as the street light
  /// off leaves night_box_removed's box: skipped by the appearance gate) before the light comes
  /// on and it is found: the skipped looks are the same thing as the lit one beside them and
  /// are bridged. Bare flat pavement in the dark before a box is set down, or after it is
  /// taken, is not; nor is a look the gate let through (it is judged by its score).
  func testSkippedLooksOfTheObjectUnderOtherLightAreBridged() {
    let dark = { (x: Int, y: Int) in Self.box(x, y) * 0.25 }
    let flat = { (_: Int, _: Int) in 30.0 }
    let lit = (0..<4).map { Self.picture(Self.box, noise: 3, seed: 100 + UInt64($0)) }
    let shownLit = [Bool](repeating: false, count: 5) + [Bool](repeating: true, count: 4)
    let skippedDark = [Double](repeating: -2, count: 5) + [Double](repeating: 0.95, count: 4)
    let boxInTheDark = (0..<5).map { Self.picture(dark, noise: 7, seed: 200 + UInt64($0)) } + lit
    XCTAssertEqual(Self.place(boxInTheDark, scores: skippedDark).bridged(shownLit), [Bool](repeating: true, count: 9))
    let emptyInTheDark = (0..<5).map { Self.picture(flat, noise: 7, seed: 300 + UInt64($0)) } + lit
    XCTAssertEqual(Self.place(emptyInTheDark, scores: skippedDark).bridged(shownLit), shownLit)
    // Taken away: the bare spot after it, flat, is skipped and stays unshown.
    let taken = lit + (0..<5).map { Self.picture(flat, noise: 2, seed: 400 + UInt64($0)) }
    let shownThenTaken = [Bool](repeating: true, count: 4) + [Bool](repeating: false, count: 5)
    XCTAssertEqual(Self.place(taken, scores: Array(skippedDark.reversed())).bridged(shownThenTaken), shownThenTaken)
    // The dark box's looks not skipped (scored, under the threshold): not bridged.
    let scored = [Double](repeating: 0.5, count: 5) + [Double](repeating: 0.95, count: 4)
    XCTAssertEqual(Self.place(boxInTheDark, scores: scored).bridged(shownLit), shownLit)
  }

  /// A cast shadow over the object for a while, the object as before on both sides of it, is
  /// not the place's background (beside_taken's bin: 0.85 under person A's shadow for 24 s,
  /// 0.99 before and after); the bare spot after the object is taken is.
  func testAShadowBetweenTwoLooksOfTheObjectIsNotItsBackground() {
    let shadowed = { (x: Int, y: Int) in Self.box(x, y) * (x < Self.w / 2 ? 0.6 : 1) }
    let target = Self.picture(Self.box, noise: 0, seed: 500)
    let matcher = target.withView { TemplateMatcher(template: $0) }
    func looks(_ signals: [(Int, Int) -> Double]) -> FindPlace {
      let patches = signals.enumerated().map { Self.picture($0.element, noise: 2, seed: 600 + UInt64($0.offset)) }
      return Self.place(patches, scores: patches.map { Self.ncc(target, $0) })
    }
    let box: (Int, Int) -> Double = Self.box, bare: (Int, Int) -> Double = { x, y in x % 12 < 2 || y % 12 < 2 ? 70 : 118 }
    var place = looks([box, box, box] + [shadowed, shadowed, shadowed, shadowed] + [box, box, box])
    XCTAssertLessThan(place.looks[4].score, 0.95, "the shadow lowers the score (so it would be chosen)")
    place.chooseBackground(target: matcher)
    XCTAssertNil(place.backgroundLook, "between two alike looks of the object")
    // Taken away after the shadow: the bare spot is the background.
    place = looks([box, box, box] + [shadowed, shadowed, shadowed] + [bare, bare, bare])
    place.chooseBackground(target: matcher)
    XCTAssertEqual(place.backgroundLook.map { $0 >= 6 }, true, "the bare spot")
  }
}
