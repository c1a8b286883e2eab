import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import XCTest

/// `watch`'s engine core on its own: frames fed by hand, and its settings.
final class RegionChangeDetectorTests: XCTestCase {
  /// A 64×64 frame: a smooth gradient, with a checkerboard object filling the region
  /// 16,16,16,16 while `object` is true.
  func frame(object: Bool) -> GrayImage {
    var image = GrayImage(width: 64, height: 64)
    for y in 0..<64 { for x in 0..<64 { image[x, y] = UInt8(60 + x) } }
    if object { for y in 16..<32 { for x in 16..<32 { image[x, y] = (x / 4 + y / 4) % 2 == 0 ? 230 : 20 } } }
    return image
  }

  func position(_ n: Int) -> FramePosition {
    FramePosition(file: 0, frame: n, time: Double(n) / 25, timeline: Double(n) / 25)
  }

  /// The object taken away at #30 (25 fps), hold 0.4 s: one disappearance at #30, the old
  /// state last seen at #29, in place since #0. A passer-by for 5 frames is no change, and
  /// the warm-up (the first 24 frames) leaves the passer-by's frames out of the first state.
  func testObjectTakenAwayOnSyntheticFrames() throws {
    let region = try RegionSpec(parsing: "16,16,16,16").resolve(frameWidth: 64, frameHeight: 64)
    var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 0.4, paths: ["synthetic"])
    var distances: [Double?] = []
    for n in 0..<60 {
      let passing = (10..<15).contains(n)
      var image = frame(object: n < 30 && !passing)
      if passing { for y in 16..<32 { for x in 16..<32 { image[x, y] = 128 } } }
      distances.append(image.withView { detector.process($0, at: position(n)) })
    }
    XCTAssertTrue(distances[0..<RegionModel.frames].allSatisfy { $0 == nil }, "the warm-up frames teach the state")
    XCTAssertEqual(distances[RegionModel.frames] ?? -1, 0, accuracy: 1e-6, "the passer-by's frames are not in the state")
    let changes = detector.finish()
    XCTAssertEqual(changes.count, 1, "\(changes.map { "\($0.kind) #\($0.after.frame)" })")
    guard let c = changes.first else { return }
    XCTAssertEqual(c.kind, .disappeared)
    XCTAssertEqual(c.after.frame, 30)
    XCTAssertEqual(c.before.frame, 29)
    XCTAssertEqual(c.previousStateSince.frame, 0)
    XCTAssertEqual(c.start, TimePoint(frame: 30, time: 1.2))
    XCTAssertEqual(c.end, c.start)
    XCTAssertEqual(c.file, "synthetic")
    XCTAssertEqual(c.region, region.bounds)
    XCTAssertGreaterThan(c.score, 0.2)
    XCTAssertGreaterThan(c.contrastBefore, c.contrastAfter * 1.5)
    XCTAssertFalse(c.wasHidden)
  }

  /// Gaussian grain from a fixed seed (xorshift + Box–Muller), for reproducible noisy frames.
  struct Grain {
    var state: UInt64
    mutating func uniform() -> Double {
      state ^= state << 13; state ^= state >> 7; state ^= state << 17
      return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }
    mutating func gaussian() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
  }

  /// A dark, low-contrast 96×96 scene (a faint box of +14 gray levels on a textured
  /// ground) under grain of σ `sigma` (from `sigmaAfter` at frame `noiseStep` on); the
  /// box is gone from frame `removal` on.
  func grainyFrame(_ n: Int, removal: Int?, sigma: Double, sigmaAfter: Double? = nil, noiseStep: Int = .max,
                   grain: inout Grain) -> GrayImage {
    var image = GrayImage(width: 96, height: 96)
    let s = n >= noiseStep ? (sigmaAfter ?? sigma) : sigma
    for y in 0..<96 {
      for x in 0..<96 {
        var v = 30.0 + 6 * sin(Double(x) / 5) * cos(Double(y) / 7)
        if (removal.map { n < $0 } ?? true) && (36..<60).contains(x) && (40..<60).contains(y) { v += 14 }
        image[x, y] = UInt8(max(0, min(255, (v + s * grain.gaussian()).rounded())))
      }
    }
    return image
  }

  /// In grain that makes one frame's distance to the state about as large as the threshold,
  /// the faint box's removal is found at its exact frame, and grain alone (even when it
  /// doubles, as when a camera's gain rises) is no change.
  func testRemovalInHeavyGrainIsFoundAtItsFrame() throws {
    let region = try RegionSpec(parsing: "32,36,32,28").resolve(frameWidth: 96, frameHeight: 96)
    func run(removal: Int?, sigmaAfter: Double? = nil) -> (changes: [RegionChange], noise: Double) {
      var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 2, paths: ["grain"])
      var grain = Grain(state: 0x9E37_79B9_7F4A_7C15)
      for n in 0..<300 {
        let image = grainyFrame(n, removal: removal, sigma: 10, sigmaAfter: sigmaAfter, noiseStep: 150, grain: &grain)
        image.withView { _ = detector.process($0, at: position(n)) }
      }
      return (detector.finish(), detector.firstStateNoise)
    }
    let removed = run(removal: 137)
    XCTAssertGreaterThan(removed.noise, 0.15, "the grain is heavy: one frame's distance to the state is near the threshold")
    XCTAssertEqual(removed.changes.map(\.after.frame), [137], "\(removed.changes.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(removed.changes.first?.kind, .disappeared)
    XCTAssertEqual(removed.changes.first?.before.frame, 136)
    XCTAssertEqual(run(removal: nil).changes.count, 0, "grain alone")
    XCTAssertEqual(run(removal: nil, sigmaAfter: 20).changes.count, 0, "grain that doubles at #150")
  }

  /// A 128×128 textured street: paving (a fine pattern) with a dark box at 50..<78 × 50..<74
  /// while `box`; the whole frame times `light` (a gain that grows from left to right by
  /// `slope`); `shadow` darkens x < `shadowEdge` to that factor, texture and all; `limb`
  /// paints a bright bar over the region's top rows, `hand` a lighter patch over its corner.
  func street(box: Bool, light: Double = 1, slope: Double = 0, shadow: Double = 1, shadowEdge: Int = 0,
              limb: Bool = false, hand: Bool = false) -> GrayImage {
    var image = GrayImage(width: 128, height: 128)
    for y in 0..<128 {
      for x in 0..<128 {
        var v = 110 + 25 * sin(Double(x) * 1.3) * cos(Double(y) * 0.9) + ((x / 6 + y / 6) % 2 == 0 ? 12 : -12)
        if box && (50..<78).contains(x) && (50..<74).contains(y) { v = 45 + Double((x + y) % 3) }
        if x < shadowEdge { v *= shadow }
        if limb && (44..<84).contains(x) && (40..<47).contains(y) { v = 230 }
        if hand && (40..<49).contains(x) && (40..<48).contains(y) { v = 150 }
        v *= light * (1 + slope * (Double(x) / 127 - 0.5))
        image[x, y] = UInt8(max(0, min(255, v.rounded())))
      }
    }
    return image
  }

  func watchStreet(_ frames: Int, hold: Double = 2, _ make: (Int) -> GrayImage) throws -> [RegionChange] {
    let region = try RegionSpec(parsing: "40,40,48,44").resolve(frameWidth: 128, frameHeight: 128)
    var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: hold, paths: ["street"])
    for n in 0..<frames { make(n).withView { _ = detector.process($0, at: position(n)) } }
    return detector.finish()
  }

  /// A floodlight switched on at #60 (the whole scene 1.4× brighter, more so on the right):
  /// no change. The box taken away under the same light at #140: one disappearance there.
  func testALightSwitchedIsNoChangeButARemovalUnderItIs() throws {
    let lit = try watchStreet(240) { n in self.street(box: n < 140, light: n < 60 ? 1 : 1.4, slope: n < 60 ? 0 : 0.4) }
    XCTAssertEqual(lit.map(\.after.frame), [140], "\(lit.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(lit.first?.kind, .disappeared)
    XCTAssertEqual(try watchStreet(200) { n in self.street(box: true, light: n < 60 ? 1 : 1.4, slope: n < 60 ? 0 : 0.4) }.count, 0)
  }

  /// The box taken away at #80 while a shadow (half the light, texture kept) lies over the
  /// left of the region until #95: the change is at #80, not where the shadow leaves. A
  /// bright limb over the region's top rows until #85 as a box is left at #80: the change is
  /// at #86, the first frame that shows the box unhidden.
  func testShadowsDoNotHideTheNewLookLimbsDo() throws {
    let shaded = try watchStreet(200) { n in self.street(box: n < 80, shadow: (60..<95).contains(n) ? 0.5 : 1, shadowEdge: 62) }
    XCTAssertEqual(shaded.map(\.after.frame), [80], "\(shaded.map { "\($0.kind) #\($0.after.frame)" })")
    let limb = try watchStreet(200) { n in self.street(box: n >= 80, limb: (70..<86).contains(n)) }
    XCTAssertEqual(limb.map(\.after.frame), [86], "\(limb.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(limb.first?.kind, .appeared)
  }

  /// The street under grain of σ `sigma` (a fixed seed per frame); `shadow` darkens x < 62
  /// to that factor with a penumbra 8 pixels wide (a cast shadow's soft edge); `coat` paints
  /// x < 62 a smooth dark gray (someone's coat: no paving pattern under it) before the grain.
  func grainyStreet(_ n: Int, box: Bool, shadow: Double = 1, coat: Bool = false, sigma: Double) -> GrayImage {
    var image = street(box: box)
    var grain = Grain(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(n) &* 0x1000_0001)
    for y in 0..<128 {
      for x in 0..<128 {
        let soft = min(1, max(0, Double(x - 58) / 8))
        let v = coat && x < 62 ? 58 : Double(image[x, y]) * (shadow + (1 - shadow) * soft)
        image[x, y] = UInt8(max(0, min(255, (v + sigma * grain.gaussian()).rounded())))
      }
    }
    return image
  }

  /// In grain that hides the paving's texture cell by cell (a cell's mean moves by more
  /// than the texture test allows), the box taken away at #80 while the leaving person's
  /// shadow lies over the left of the region until #95 is still placed at #80: the
  /// paving's fine pattern runs on under the shadow. A smooth coat over the same part
  /// until #95 has no paving pattern: the change is placed where it leaves.
  func testAShadowInGrainIsToldByThePatternItKeeps() throws {
    let shaded = try watchStreet(200) { n in self.grainyStreet(n, box: n < 80, shadow: (60..<95).contains(n) ? 0.5 : 1, sigma: 9) }
    XCTAssertEqual(shaded.map(\.after.frame), [80], "\(shaded.map { "\($0.kind) #\($0.after.frame)" })")
    let coat = try watchStreet(200) { n in self.grainyStreet(n, box: n < 80, coat: (60..<95).contains(n), sigma: 9) }
    XCTAssertEqual(coat.map(\.after.frame), [95], "\(coat.map { "\($0.kind) #\($0.after.frame)" })")
  }

  /// The 1/16 of the cells that differ most are left out of the change test only where
  /// they reach in from the region's edge (an arm, a neighbour's shadow): the same values
  /// scattered inside the region (a thin object's frame and wheels) count.
  func testOnlyCellsFromTheEdgeAreLeftOutOfTheChangeTest() {
    let side = Signature.thumbnailSide
    var edge = [Float](repeating: 0.01, count: side * side)
    for y in 0..<4 { for x in 0..<4 { edge[y * side + x] = 1 } }        // a corner clump
    var inside = [Float](repeating: 0.01, count: side * side)
    for k in 0..<16 { inside[(2 + (k / 4) * 3) * side + 2 + (k % 4) * 3] = 1 }   // scattered, clear of the edge
    XCTAssertEqual(meanLeavingOutEdgeIntrusions(edge), 0.01, accuracy: 1e-6)
    XCTAssertEqual(meanLeavingOutEdgeIntrusions(inside), (16 + 0.01 * 240) / 256, accuracy: 1e-6)
  }

  /// A 160×128 scene with a wall's dark foot (y < 64) over bright paving, and, while
  /// `bicycle`, two black tyres (rings of radius 15, 6 pixels thick, with a pale rim inside)
  /// standing on the paving at the wall's foot, joined by a thin dark frame, with their
  /// shadow on the paving below and around them (x 50..<122, down to y 90).
  func wallFoot(_ n: Int, bicycle: Bool) -> GrayImage {
    var image = GrayImage(width: 160, height: 128)
    var grain = Grain(state: 0x51AB_0C3D_0000_0001 &+ UInt64(n) &* 0x1000_0001)
    for y in 0..<128 {
      for x in 0..<160 {
        var v = y < 64 ? 62 + 10 * sin(Double(x) * 0.7 + Double(y) * 0.3) : 165 + ((x % 12 == 0 || y % 10 == 0) ? -30 : 0)
        if bicycle {
          if y >= 64 && y < 90 && (50..<122).contains(x) { v *= 0.55 }
          for cx in [62.0, 106.0] {
            let r = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - 72) * (Double(y) - 72)).squareRoot()
            if (9..<15).contains(r) { v = 28 } else if (8..<9).contains(r) { v = 150 }
          }
          if (62..<107).contains(x) && abs(Double(y) - 60 - Double(x - 62) * 0.25) < 1.5 { v = 30 }
        }
        image[x, y] = UInt8(max(0, min(255, (v + 3 * grain.gaussian()).rounded())))
      }
    }
    return image
  }

  /// A bicycle left against a wall, in a box drawn with a margin (the region's border runs
  /// over the wall and the paving in both looks): appeared, and taken away: disappeared.
  /// The tyres and their shadow are dark, as dark as the wall's foot above them, so the
  /// changed cells' mean matches their unchanged neighbours' pooled mean better with the
  /// bicycle than with the bright paving it hides (pooled: 72 empty, 46 with the bicycle,
  /// the wrong way round); edge by edge across their outline it is the right way (3 and 17).
  func testABicycleAgainstAWallIsToldByTheStepAtItsOutline() throws {
    let region = try RegionSpec(parsing: "40,24,92,60").resolve(frameWidth: 160, frameHeight: 128)
    func watch(_ bicycle: (Int) -> Bool) -> [RegionChange] {
      var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 2, paths: ["wall"])
      for n in 0..<200 { wallFoot(n, bicycle: bicycle(n)).withView { _ = detector.process($0, at: position(n)) } }
      return detector.finish()
    }
    let left = watch { $0 >= 80 }, taken = watch { $0 < 80 }
    XCTAssertEqual(left.map(\.after.frame), [80], "\(left.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(left.first?.kind, .appeared, "\(left.map { "\($0.contrastBefore) \($0.contrastAfter)" })")
    XCTAssertEqual(taken.map(\.after.frame), [80], "\(taken.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(taken.first?.kind, .disappeared, "\(taken.map { "\($0.contrastBefore) \($0.contrastAfter)" })")
  }

  /// A colour frame of the street (4:2:0): grey paving, with a smooth blue holdall at
  /// 50..<78 × 50..<74 while `bag` (flat gray level 45: no texture to tell shade by);
  /// `shadow` darkens x < 64 to that factor, gray level and colour alike (a leg's shadow,
  /// sharp-edged, across the bag and the paving); `hand` paints a hand over the region's
  /// top-left corner, skin-coloured but exactly as bright as the paving under it.
  func colourStreet(bag: Bool, shadow: Double = 1, hand: Bool = false) -> (luma: GrayImage, u: GrayImage, v: GrayImage) {
    var luma = street(box: false, shadow: shadow, shadowEdge: 64)
    var u = GrayImage(width: 64, height: 64, fill: 128), v = GrayImage(width: 64, height: 64, fill: 128)
    func colour(_ x: Int, _ y: Int, _ du: Double, _ dv: Double) {
      u[x / 2, y / 2] = UInt8((128 + du).rounded())
      v[x / 2, y / 2] = UInt8((128 + dv).rounded())
    }
    for y in 0..<128 {
      for x in 0..<128 {
        let dim = x < 64 ? shadow : 1
        if bag && (50..<78).contains(x) && (50..<74).contains(y) {
          luma[x, y] = UInt8((45 * dim).rounded())
          colour(x, y, 30 * dim, -12 * dim)
        }
        if hand && (40..<50).contains(x) && (40..<52).contains(y) { colour(x, y, -14, 22) }
      }
    }
    return (luma, u, v)
  }

  func watchColourStreet(_ frames: Int, _ make: (Int) -> (luma: GrayImage, u: GrayImage, v: GrayImage)) throws -> (changes: [RegionChange], detector: RegionChangeDetector) {
    let region = try RegionSpec(parsing: "40,40,48,44").resolve(frameWidth: 128, frameHeight: 128)
    var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 2, paths: ["street"])
    for n in 0..<frames {
      let f = make(n)
      f.luma.withView { l in f.u.withView { u in f.v.withView { v in
        _ = detector.process(l, chroma: ChromaPlanes(u: u, v: v, shiftX: 1, shiftY: 1), at: position(n))
      } } }
    }
    return (detector.finish(), detector)
  }

  /// A smooth blue holdall left at #80 in the sharp shadow of the leaving person's leg
  /// (half the light, over its left part and the paving) until #100: the change is at #80,
  /// told by colour (the shadow dims the bag's blue alike, as it dims its gray level),
  /// not where the shadow leaves. The same frames without colour planes cannot tell the
  /// shadow on the flat bag from something over it.
  func testAShadowOnASmoothColouredObjectIsToldByItsColour() throws {
    let shaded = try watchColourStreet(200) { n in self.colourStreet(bag: n >= 80, shadow: (80..<100).contains(n) ? 0.5 : 1) }
    XCTAssertEqual(shaded.changes.map(\.after.frame), [80], "\(shaded.changes.map { "\($0.kind) #\($0.after.frame)" })")
    XCTAssertEqual(shaded.changes.first?.kind, .appeared)
    let grey = try watchStreet(200) { n in self.colourStreet(bag: n >= 80, shadow: (80..<100).contains(n) ? 0.5 : 1).luma }
    XCTAssertEqual(grey.map(\.after.frame), [100], "\(grey.map { "\($0.kind) #\($0.after.frame)" })")
  }

  /// The holdall left at #80 while a hand as bright as the paving, but skin-coloured, is
  /// still over the region's corner until #90: the change is at #90, the first frame the
  /// new look shows unhidden. Without colour planes the hand cannot be seen: #80.
  func testAHandOfThePavingsBrightnessIsToldByItsColour() throws {
    let hand = try watchColourStreet(200) { n in self.colourStreet(bag: n >= 80, hand: (60..<90).contains(n)) }
    XCTAssertEqual(hand.changes.map(\.after.frame), [90], "\(hand.changes.map { "\($0.kind) #\($0.after.frame)" })")
    let grey = try watchStreet(200) { n in self.colourStreet(bag: n >= 80, hand: (60..<90).contains(n)).luma }
    XCTAssertEqual(grey.map(\.after.frame), [80], "\(grey.map { "\($0.kind) #\($0.after.frame)" })")
  }

  /// The new state is learned from the end of the hold, not from its first frames: a box
  /// left at #80 while a light hand is over the region's corner until #92 (faint enough
  /// for those frames to match the new look as a whole: 12 of the candidate's first 24
  /// frames) is placed at #92, and the state the detector goes on with is the box alone (a
  /// frame of it is at distance 0), not a blend of the box and the hand.
  func testTheNewStateIsLearnedFromTheEndOfTheHold() throws {
    let region = try RegionSpec(parsing: "40,40,48,44").resolve(frameWidth: 128, frameHeight: 128)
    var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 2, paths: ["street"])
    for n in 0..<200 { street(box: n >= 80, hand: (70..<92).contains(n)).withView { _ = detector.process($0, at: position(n)) } }
    XCTAssertEqual(detector.finish().map(\.after.frame), [92], "\(detector.finish().map { "\($0.kind) #\($0.after.frame)" })")
    let distance = street(box: true).withView { detector.process($0, at: position(200)) }
    XCTAssertEqual(distance ?? 1, 0, accuracy: 1e-6, "the new state is the box without the hand")
  }

  /// A frame that does not hold the region is skipped, not judged.
  func testFrameSmallerThanTheRegionIsSkipped() throws {
    let region = try RegionSpec(parsing: "16,16,16,16").resolve(frameWidth: 64, frameHeight: 64)
    var detector = RegionChangeDetector(region: region, threshold: 0.2, hold: 0.4, paths: ["synthetic"])
    let small = GrayImage(width: 20, height: 20)
    XCTAssertNil(small.withView { detector.process($0, at: position(0)) })
    XCTAssertNil(frame(object: true).withView { detector.process($0, at: position(1)) }, "still the first frame")
  }

  /// Every frame of a clip fed by hand to the detector (with the threshold the run chose)
  /// gives exactly the changes the exhaustive driver reports.
  func testFramesFedByHandGiveTheDriversChanges() throws {
    let clip = try TestClips.path("parcel_taken.mp4")
    var s = WatchSettings(region: try RegionSpec(parsing: "392,146,56,44"))
    s.exhaustive = true
    let watcher = try RegionWatcher(paths: [clip], settings: s)
    let driven = try watcher.run()
    XCTAssertEqual(driven.changes.count, 1)
    var detector = RegionChangeDetector(region: watcher.resolvedRegion, threshold: driven.sampling.effectiveThreshold,
                                        hold: s.hold, paths: [clip])
    let decoder = try VideoDecoder(path: clip, options: DecodeOptions(analysisWidth: nil))
    try decoder.forEachFrame { frame in
      detector.process(frame.luma, at: FramePosition(file: 0, frame: frame.index, time: frame.time, timeline: frame.time))
      return .next
    }
    let byHand = detector.finish()
    XCTAssertEqual(byHand.map(\.kind), driven.changes.map(\.kind))
    XCTAssertEqual(byHand.map(\.after), driven.changes.map(\.after))
    XCTAssertEqual(byHand.map(\.before), driven.changes.map(\.before))
    XCTAssertEqual(byHand.map(\.previousStateSince), driven.changes.map(\.previousStateSince))
    XCTAssertEqual(byHand.map(\.score), driven.changes.map(\.score))
    XCTAssertEqual(byHand.map(\.contrastBefore), driven.changes.map(\.contrastBefore))
  }

  func testWatchSettingsCheckThemselves() throws {
    var s = WatchSettings(region: try RegionSpec(parsing: "392,146,56,44"))
    XCTAssertNoThrow(try s.validate())
    func rejected(_ change: (inout WatchSettings) -> Void) -> SettingError? {
      var t = s
      change(&t)
      do { try t.validate() } catch { return error }
      return nil
    }
    XCTAssertEqual(rejected { $0.hold = 0.1 }, SettingError("hold", "must be a duration from 0.2 s to 600 s"))
    XCTAssertEqual(rejected { $0.hold = .nan }?.setting, "hold")
    XCTAssertEqual(rejected { $0.step = 0.01 }, SettingError("step", "must be a duration from 0.04 s to 600 s"))
    XCTAssertEqual(rejected { $0.threshold = 1 }, SettingError("threshold", "must be between 0 and 1"))
    XCTAssertEqual(rejected { $0.threads = -1 }, SettingError("threads", "must be 0 or more"))
    XCTAssertEqual(rejected { $0.from = 5; $0.to = 2 }, SettingError("to", "must be after `from`"))
    s.step = 2
    XCTAssertNoThrow(try s.validate())
  }

  /// `parameters` is the JSON block `watch --json` writes: the region resolved once the
  /// frame is known, step null when exhaustive.
  func testWatchSettingsDescribeThemselves() throws {
    var s = WatchSettings(region: try RegionSpec(parsing: "10%,10%,20%,20%"))
    XCTAssertEqual(s.parameters.map(\.0), ["roi", "roi_spec", "hold", "threshold", "mode", "step", "from", "to", "stream", "format", "fps"])
    XCTAssertEqual(JSONValue.object(s.parameters).serialized(), JSONValue.object([
      ("roi", .array([])), ("roi_spec", "10%,10%,20%,20%"), ("hold", 5.0), ("threshold", 0.2), ("mode", "coarse"), ("step", 5.0),
      ("from", .null), ("to", .null), ("stream", .null), ("format", .null), ("fps", .null)]).serialized())
    s.frameSize = (640, 360)
    s.exhaustive = true
    s.open.fps = 50
    let p = JSONValue.object(s.parameters)
    XCTAssertEqual(p["roi"], .array([.rect(PixelRect(x: 64, y: 36, width: 128, height: 72))]))
    XCTAssertEqual(p["mode"], "exhaustive")
    XCTAssertEqual(p["step"], .null)
    XCTAssertEqual(p["fps"], 50.0)
  }
}
