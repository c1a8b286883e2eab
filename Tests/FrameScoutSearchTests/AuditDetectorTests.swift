import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import XCTest

/// The audit's detectors on fingerprint streams written by hand (the facts of a real clip,
/// signals set frame by frame), and the driver as the sum of its detectors.
final class AuditDetectorTests: XCTestCase {
  /// `n` frames at 25 fps, a keyframe every 10, every picture signal flat: nothing to find.
  func stream(_ n: Int) throws -> FingerprintStream {
    let real = try Fingerprints.stream("passerby.mp4")
    var s = FingerprintStream(path: "hand.mp4", info: real.info, clock: real.clock)
    s.time = (0..<n).map { Double($0) / 25 }
    s.pts = (0..<n).map { Int64($0) * 512 }
    s.isKeyframe = (0..<n).map { $0 % 10 == 0 }
    s.isCorrupt = Array(repeating: false, count: n)
    s.packetSize = Array(repeating: 5000, count: n)
    s.durationTicks = Array(repeating: 512, count: n)
    s.phash = Array(repeating: 0, count: n)
    s.contentHash = (0..<n).map { UInt64($0) }
    s.grid = Array(repeating: 0, count: n * FingerprintStream.cells)
    s.brightness = Array(repeating: 0, count: n)
    s.change = Array(repeating: 0, count: n)
    s.formats = [(0, 640, 360, "yuv420p")]
    return s
  }

  func describe(_ findings: [AuditFinding]) -> [String] { findings.map { "\($0.kind.rawValue) #\($0.start.frame)-#\($0.end.frame)" } }

  func testFlatStreamHasNoFindings() throws {
    let r = FrameAudit().audit(try stream(200))
    XCTAssertEqual(describe(r.findings), [])
    XCTAssertEqual(r.keyframeInterval, 10)
    XCTAssertEqual(r.nominalInterval ?? 0, 0.04, accuracy: 1e-12)
  }

  /// 12 frames missing before frame 50, frame 120 stamped with frame 119's time: the
  /// timestamp detector finds both, and the driver reports exactly what it found.
  func testTimestampGapAndRepeatAreTheDriversFindings() throws {
    var s = try stream(200)
    for k in 0..<200 { s.time[k] = Double(k + (k >= 50 ? 12 : 0) - (k >= 120 ? 1 : 0)) / 25 }
    let (found, gapFrames) = TimestampCheck(settings: AuditSettings()).run(s, nominal: 0.04)
    XCTAssertEqual(describe(found), ["timestamp-gap #50-#50", "irregular-timestamps #119-#120"])
    XCTAssertEqual(gapFrames, [50])
    XCTAssertEqual(found[0].message, "timestamp gap of 480 ms (12 frames at 25 fps) before frame 50")
    guard case .timestampGap(let previous, let interval, let missing, _) = found[0].evidence else { return XCTFail("\(found[0].evidence)") }
    XCTAssertEqual(previous, 49)
    XCTAssertEqual(missing, 12)
    XCTAssertEqual(interval, 520, accuracy: 1e-9)
    XCTAssertEqual(found[1].message, "timestamp repeated: frame 120 has the same time as frame 119")
    XCTAssertEqual(FrameAudit().audit(s).findings, found)
  }

  /// One interval in three 30 % long: a variable frame rate, said once for the whole run.
  func testIrregularIntervalsAreAVariableRate() throws {
    var s = try stream(100)
    var t = 0.0
    for k in 0..<100 { s.time[k] = t; t += k % 3 == 2 ? 0.052 : 0.04 }
    let found = TimestampCheck(settings: AuditSettings()).run(s, nominal: 0.04).findings
    XCTAssertEqual(describe(found), ["irregular-timestamps #3-#99"])
    XCTAssertEqual(found.first?.evidence, .variableRate(irregularIntervals: 33))
  }

  /// A grid that moves every frame, with frames 60–64 repeating frame 59 exactly.
  func testDuplicateRunInMotion() throws {
    var s = try stream(120)
    for k in 0..<120 {
      for c in 0..<FingerprintStream.cells { s.grid[k * FingerprintStream.cells + c] = sin(Float(c) + Float(k) * 0.05) }
      s.change[k] = k == 0 ? 0 : 0.5
    }
    for k in 60...64 {
      for c in 0..<FingerprintStream.cells { s.grid[k * FingerprintStream.cells + c] = s.grid[59 * FingerprintStream.cells + c] }
      s.change[k] = 0.01
      s.contentHash[k] = s.contentHash[59]
    }
    let motion = s.layoutChange
    let (found, runEnds) = DuplicateCheck(settings: AuditSettings()).run(s, motion: motion, skipping: [])
    XCTAssertEqual(describe(found), ["duplicate-frame #60-#64"])
    XCTAssertEqual(runEnds, [65])
    XCTAssertEqual(found.first?.message, "5 frames identical to frame 59 (bit-identical)")
    guard case .duplicate(let copyOf, let frames, let identical, _, _, _, _, _)? = found.first?.evidence else { return XCTFail() }
    XCTAssertEqual([copyOf, frames], [59, 5])
    XCTAssertTrue(identical)
    // The jump back into motion after the run is a discontinuity on its own, but the run
    // explains it: the driver reports the duplicates only.
    let cuts = DiscontinuityCheck(settings: AuditSettings())
    XCTAssertEqual(describe(cuts.run(s, motion: motion, skipping: []).findings), ["discontinuity #65-#65"])
    XCTAssertEqual(describe(cuts.run(s, motion: motion, skipping: runEnds).findings), [])
    XCTAssertEqual(FrameAudit().audit(s).findings, found)
  }

  /// The grid and the whole-picture change calm for one frame (an auto-gain dip) while the
  /// local motion goes on: no repeat. The same frame with its local motion gone is one.
  func testARepeatNeedsItsLocalMotionToStopWhereItIsMeasured() throws {
    var s = try stream(120)
    for k in 0..<120 {
      for c in 0..<FingerprintStream.cells { s.grid[k * FingerprintStream.cells + c] = sin(Float(c) + Float(k) * 0.05) }
      s.change[k] = k == 0 ? 0 : 0.5
    }
    for c in 0..<FingerprintStream.cells { s.grid[60 * FingerprintStream.cells + c] = s.grid[59 * FingerprintStream.cells + c] * 0.999 }
    s.change[60] = 0.1
    s.motion = (0..<120).map { $0 == 0 ? 0 : 0.12 }
    let check = DuplicateCheck(settings: AuditSettings())
    XCTAssertEqual(describe(check.run(s, motion: s.layoutChange, skipping: []).findings), [], "the walkers walk on")
    s.motion[60] = 0.001
    XCTAssertEqual(describe(check.run(s, motion: s.layoutChange, skipping: []).findings), ["duplicate-frame #60-#60"])
  }

  /// A run of frames whose motion mass drops while some cell in each still moves measurably
  /// (a starved encoder's tiny frames as a walker enters) is no repeat; the same run with
  /// nothing moving is one.
  func testARepeatHasNoMovingPart() throws {
    var s = try walking(120)
    s.motionSpeed = (0..<120).map { $0 == 0 ? 0 : 0.7 }
    s.motionSpeedCoarse = s.motionSpeed
    for k in 63...64 { s.motion[k] = 0.005; s.motionOnTrack[k] = 0; s.change[k] = 0.01 }   // keyframes at 60 and 70
    let check = PauseCheck(settings: AuditSettings())
    XCTAssertEqual(describe(check.run(s, skipping: []).duplicates), [], "its parts still move")
    for k in 63...64 { s.motionSpeed[k] = 0; s.motionSpeedCoarse[k] = 0 }
    XCTAssertEqual(describe(check.run(s, skipping: []).duplicates), ["duplicate-frame #63-#64"])
  }

  /// Single repeats at a steady spacing become one pattern; scattered ones stay as they are.
  func testSteadyRepeatsAreOneFrameRateConversion() throws {
    let s = try stream(100)
    func repeats(_ frames: [Int]) -> [AuditFinding] {
      frames.map { s.finding($0, $0, confidence: 1, "", .duplicate(copyOf: $0 - 1, frames: 1, bitIdentical: true, change: 0,
                                                                    changeBefore: 0.5, motionBefore: 0.03, motionAfter: 0.03, jumpAfter: 0.03)) }
    }
    let merged = FrameRateConversion.merge(repeats([6, 12, 18, 24, 30]), in: s)
    XCTAssertEqual(describe(merged), ["duplicate-frame #6-#30"])
    XCTAssertEqual(merged.first?.evidence, .frameRateConversion(period: 6, repeats: 5))
    XCTAssertEqual(FrameRateConversion.merge(repeats([6, 13, 40, 41]), in: s), repeats([6, 13, 40, 41]))
  }

  /// Keyframes every 10 frames, then every 20 from frame 100, four times the size from
  /// frame 120: an interval change and a size step; a new picture size at frame 30.
  func testEncoderChanges() throws {
    var s = try stream(300)
    for k in 0..<300 { s.isKeyframe[k] = k < 100 ? k % 10 == 0 : k % 20 == 0 }
    for k in stride(from: 120, to: 300, by: 20) { s.packetSize[k] = 20000 }
    s.formats.append((30, 320, 180, "yuv420p"))
    let (found, usual) = EncoderCheck().run(s)
    XCTAssertEqual(usual, 10)
    XCTAssertEqual(describe(found), ["gop-change #100-#120", "gop-change #100-#120", "gop-change #30-#30"])
    XCTAssertEqual(found.map(\.evidence), [.keyframeInterval(before: 10, after: 20), .keyframeSize(before: 5000, after: 20000, ratio: 4),
                                          .pictureFormat(width: 320, height: 180, pixelFormat: "yuv420p")])
    XCTAssertEqual(found[0].message, "keyframe interval changes from 10 to 20 frames at frame 100")
  }

  func testDamage() throws {
    var s = try stream(50)
    for k in 40...42 { s.isCorrupt[k] = true }
    var damage = DamageReport()
    damage.truncated = true
    s.damage = damage
    let found = DamageCheck.run(s)
    XCTAssertEqual(describe(found), ["corrupt-data #40-#42", "corrupt-data #49-#49"])
    XCTAssertEqual(found.map(\.message), ["3 frames decoded with errors (damage concealed)", "the file ends early (truncated)"])
    XCTAssertEqual(found.map(\.evidence), [.corruptFrames(count: 3), .damage(damage)])
  }

  /// Settings name themselves as the JSON does, in one block for audit and batch.
  func testSettingsValidateAndDescribeThemselves() throws {
    XCTAssertNoThrow(try AuditSettings().validate())
    XCTAssertEqual(AuditSettings().parameters.map(\.0), ["gap_factor", "irregular_tolerance", "variable_rate_fraction", "minimum_motion",
                                                          "duplicate_fraction", "duplicate_motion", "discontinuity_minimum", "discontinuity_ratio",
                                                          "light_changed", "light_textured", "light_kept",
                                                          "minimum_local_motion", "motion_window", "steady_ratio", "continuity_ratio",
                                                          "jump_ratio", "two_step_ratio", "jump_score", "coherence", "on_track_fraction",
                                                          "displacement_ratio", "fine_range", "pause_fraction", "resume_fraction", "pause_change", "isolation",
                                                          "freeze_seconds"])
    var bad = AuditSettings()
    bad.gapFactor = 0.5
    XCTAssertThrowsError(try bad.validate()) { XCTAssertEqual($0 as? SettingError, SettingError("gap_factor", "must be from 1 to 100")) }
    bad = AuditSettings()
    bad.duplicateFraction = .nan
    XCTAssertThrowsError(try bad.validate()) { XCTAssertEqual(($0 as? SettingError)?.setting, "duplicate_fraction") }
    XCTAssertNoThrow(try CompareSettings().validate())
    XCTAssertEqual(CompareSettings().parameters.map(\.0), ["minimum_motion", "difference_minimum"])
    var compare = CompareSettings()
    compare.differenceMinimum = -1
    XCTAssertThrowsError(try compare.validate()) { XCTAssertEqual(($0 as? SettingError)?.setting, "difference_minimum") }
  }

  // MARK: Motion continuity (local motion signals written by hand)

  /// A walker's steady steps: `step` a frame, two steps `coherent` times one, all on track;
  /// the whole-picture change follows the motion plus a little noise.
  func walking(_ n: Int, step: Float = 0.15, coherent: Float = 1.8) throws -> FingerprintStream {
    var s = try stream(n)
    s.motion = (0..<n).map { $0 == 0 ? 0 : step * (1 + 0.1 * sin(Float($0) * 0.7)) }
    s.motionOnTrack = s.motion
    s.motionTwoStep = s.motion.map { $0 * coherent }
    s.noiseThreshold = Array(repeating: 3, count: n)
    s.change = s.motion.map { $0 * 2 + 0.1 }
    return s
  }

  /// One removed frame doubles a step; twelve make one large jump. Both are found at their
  /// frame, with the measured values as evidence; steady walking alone gives nothing.
  func testRemovedFramesAreJumpsInSteadyMotion() throws {
    XCTAssertEqual(describe(FrameAudit().audit(try walking(200)).findings), [])
    var s = try walking(200)
    s.motion[60] *= 2; s.motionOnTrack[60] = s.motion[60]; s.motionTwoStep[60] = s.motion[60] * 1.5; s.motionTwoStep[61] *= 1.5
    s.motion[140] *= 9; s.motionOnTrack[140] = s.motion[140]; s.motionTwoStep[140] = s.motion[140]
    let found = JumpCheck(settings: AuditSettings()).run(s, skipping: [])
    XCTAssertEqual(describe(found), ["missing-frames #60-#60", "missing-frames #140-#140"])
    guard case .motionJump(let before, let at, let after, _, let onTrack, _, let missing, nil)? = found.first?.evidence else {
      return XCTFail("\(String(describing: found.first))")
    }
    XCTAssertEqual(at, Double(s.motion[60]), accuracy: 1e-6)
    XCTAssertLessThan(before, at / 1.6); XCTAssertLessThan(after, at / 1.6)
    XCTAssertEqual(onTrack, at, accuracy: 1e-6)
    XCTAssertEqual(missing, 1)
    XCTAssertEqual(describe(FrameAudit().audit(s).findings), ["missing-frames #60-#60", "missing-frames #140-#140"])
  }

  /// Where the displacement is measured it decides: a step whose mass grew only 1.35x (a
  /// saturated step, under `jumpScore` by the mass) but whose moving parts moved twice as
  /// far is a removed frame; a step whose mass grew 1.8x while the parts moved as far as
  /// ever (a shadow or a limb changing more picture) is none; and a doubled displacement
  /// followed by another large one is not isolated. Beyond a pixel a step is measured on
  /// the half picture.
  func testTheDisplacementDecidesWhereItIsMeasured() throws {
    func walker(massAt: Float, speedAt: Float, next: Float = 1, steady: Float = 0.6) throws -> FingerprintStream {
      var s = try walking(120, coherent: 1.5)
      s.motionSpeed = (0..<120).map { $0 == 0 ? 0 : steady * (1 + 0.05 * sin(Float($0) * 1.3)) }
      s.motionSpeedCoarse = s.motionSpeed.map { $0 * 0.8 + 0.1 }
      let level = max(median(s.motion, 55, 59), median(s.motion, 61, 65))
      s.motion[60] = massAt * level; s.motionOnTrack[60] = s.motion[60]; s.motionTwoStep[60] = s.motion[60] * 1.05
      s.motionSpeed[60] *= speedAt; s.motionSpeedCoarse[60] *= speedAt; s.motionSpeed[61] *= next; s.motionSpeedCoarse[61] *= next
      return s
    }
    let check = JumpCheck(settings: AuditSettings())
    var saturated = try walker(massAt: 1.35, speedAt: 2)
    let found = check.run(saturated, skipping: [])
    XCTAssertEqual(describe(found), ["missing-frames #60-#60"])
    let measured = (saturated.motionSpeed, saturated.motionSpeedCoarse)
    (saturated.motionSpeed, saturated.motionSpeedCoarse) = ([], [])
    XCTAssertEqual(describe(check.run(saturated, skipping: [])), [], "by the mass alone it is none")
    (saturated.motionSpeed, saturated.motionSpeedCoarse) = measured
    guard case .motionJump(_, _, _, _, _, _, let missing, let d?)? = found.first?.evidence else { return XCTFail("\(found)") }
    XCTAssertEqual(missing, 1)
    XCTAssertEqual(d.at, Double(saturated.motionSpeed[60]), accuracy: 1e-6)
    XCTAssertFalse(d.coarse)
    XCTAssertEqual(describe(check.run(try walker(massAt: 1.8, speedAt: 1.05), skipping: [])), [], "the parts moved as far as ever")
    XCTAssertEqual(describe(check.run(try walker(massAt: 1.8, speedAt: 2, next: 1.8), skipping: [])), [], "not isolated")
    let fast = try walker(massAt: 1.35, speedAt: 2, steady: 1.6)
    guard case .motionJump(_, _, _, _, _, _, _, let coarse?)? = check.run(fast, skipping: []).first?.evidence else { return XCTFail() }
    XCTAssertTrue(coarse.coarse)
    XCTAssertEqual(coarse.at, Double(fast.motionSpeedCoarse[60]), accuracy: 1e-6)
  }

  /// The same doubled step where the motion is incoherent (rain: two steps change no more
  /// than one), off the track of the motion (a light), or followed by another large step,
  /// is no removed frame.
  func testJumpsInIncoherentOrPictureWideChangeAreNotRemovals() throws {
    var rain = try walking(120, coherent: 1.05)
    rain.motion[60] *= 2; rain.motionOnTrack[60] = rain.motion[60]; rain.motionTwoStep[60] = rain.motion[60]
    XCTAssertEqual(describe(JumpCheck(settings: AuditSettings()).run(rain, skipping: [])), [])
    var light = try walking(120)
    light.motion[60] *= 2; light.motionTwoStep[60] = light.motion[60]
    XCTAssertEqual(describe(JumpCheck(settings: AuditSettings()).run(light, skipping: [])), [], "mass off the track")
    var pair = try walking(120)
    for k in [60, 61] { pair.motion[k] *= 2; pair.motionOnTrack[k] = pair.motion[k]; pair.motionTwoStep[k] = pair.motion[k] }
    XCTAssertEqual(describe(JumpCheck(settings: AuditSettings()).run(pair, skipping: [])), [], "two large steps in a row")
  }

  /// A frame repeated amid motion has no step and (its noise repeated too) little change;
  /// motion goes on after it. A run of 2 s is a frozen picture. A walker slowing to a stop
  /// is neither.
  func testRepeatsAndFreezesAmidMotion() throws {
    var s = try walking(300)
    for k in [50, 120, 121, 122] { s.motion[k] = 0; s.motionOnTrack[k] = 0; s.change[k] = 0.01 }
    for k in 200...249 { s.motion[k] = 0; s.motionOnTrack[k] = 0; s.change[k] = 0.01 }
    s.motion[250] = 3
    let r = PauseCheck(settings: AuditSettings()).run(s, skipping: [])
    XCTAssertEqual(describe(r.duplicates), ["duplicate-frame #50-#50", "duplicate-frame #120-#122"])
    XCTAssertEqual(describe(r.frozen), ["frozen-picture #200-#249"])
    XCTAssertEqual(r.runEnds, [51, 123, 250])
    guard case .frozen(let copyOf, let frames, _, _, let at, _, _, _)? = r.frozen.first?.evidence else { return XCTFail() }
    XCTAssertEqual(copyOf, 199); XCTAssertEqual(frames, 50); XCTAssertEqual(at, 0)
    XCTAssertEqual(describe(FrameAudit().audit(s).findings), ["duplicate-frame #50-#50", "duplicate-frame #120-#122", "frozen-picture #200-#249"])
    var stop = try walking(200)
    for k in 95..<100 { stop.motion[k] = stop.motion[k] * Float(100 - k) / 6 }
    for k in 100..<200 { stop.motion[k] = 0; stop.change[k] = 0.02 }
    XCTAssertEqual(describe(PauseCheck(settings: AuditSettings()).run(stop, skipping: []).duplicates), [])
  }
}

/// Fingerprints number a raw stream on its clock: the user's rate when given.
final class FingerprintClockTests: XCTestCase {
  func testRawStreamIsCountedAtTheUsersRate() throws {
    var settings = FingerprintSettings()
    settings.open.fps = 30
    let s = try FingerprintStream.make(path: try Fingerprints.path("parcel_taken.h264"), settings: settings)
    XCTAssertEqual(s.timingSource, .user)
    XCTAssertEqual(s.frameRate, 30)
    XCTAssertEqual(s.time[30], 1, accuracy: 1e-9)
    XCTAssertEqual(try Fingerprints.stream("parcel_taken.h264").frameRate, 25, "the demuxer's rate without --fps")
    XCTAssertEqual(try Fingerprints.stream("passerby.mp4").frameRate, 25)
    XCTAssertTrue(FrameAudit().audit(s).warnings.contains("no frame timestamps (user frame rate): timestamp checks skipped"))
  }
}

/// The comparison's steps, run one by one, give the driver's answer.
final class CompareStepTests: XCTestCase {
  func testStepsGiveTheDriversAnswer() throws {
    let a = try Fingerprints.stream("passerby.mp4"), b = try Fingerprints.stream("passerby_trim.mp4")
    let driver = FootageComparison().compare(a, b)
    let alignment = ComparisonAlignment(a, b, settings: CompareSettings())
    guard let (fit, ambiguous) = alignment.align() else { return XCTFail("no alignment") }
    XCTAssertEqual(fit.offset, 40)
    XCTAssertEqual(fit.offset, driver.offsetFrames)
    XCTAssertEqual(ambiguous, driver.ambiguous)
    let pairing = ComparisonPairing(alignment, offset: fit.offset, threshold: CompareSettings().differenceMinimum)
    XCTAssertEqual(pairing.overlapA, driver.overlapA?.frames)
    XCTAssertEqual(pairing.overlapB, driver.overlapB?.frames)
    XCTAssertEqual(driver.overlapA?.start, a.point(40))
    XCTAssertEqual(driver.offsetSeconds, 1.6, accuracy: 1e-9)
  }
}
