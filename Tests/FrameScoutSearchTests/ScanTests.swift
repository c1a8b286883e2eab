import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// `MotionScanner` with default settings scored against TestVideos/*.truth.json motion truth.
final class ScanTests: XCTestCase {
  func path(_ name: String) throws -> String { try TestClips.path(name) }
  func truth(_ name: String) throws -> [String: Any] { try TestClips.truth(name) }

  func scan(_ paths: [String], _ configure: (inout ScanSettings) throws -> Void = { _ in }) throws -> ScanResult {
    var s = ScanSettings()
    try configure(&s)
    return try MotionScanner(paths: paths, settings: s).run()
  }

  /// Truth motion intervals as (start, end) seconds (end = the end of the last frame).
  func motion(_ clip: String) throws -> [(Double, Double)] {
    let t = try truth(clip)
    let fps = (t["fps"] as? Double) ?? 25
    // Seconds from frames at the clip's rate, or the stated times where a timestamp gap shifts them.
    return ((t["motion"] as? [[String: Any]]) ?? []).map { m in
      ((m["start_time"] as? Double) ?? Double(m["start"] as! Int) / fps, ((m["end_time"] as? Double) ?? Double(m["end"] as! Int) / fps) + 1 / fps)
    }
  }

  /// Every clip with motion truth: one event per truth interval (recall 1, precision 1 on
  /// these clips), start and end within 0.5 s; none on the noise, lighting and static clips.
  func testDefaultsFindEveryMotionIntervalAndNothingElse() throws {
    var scored = 0, quiet = 0
    for clip in try TestClips.all() {
      let t = try truth(clip)
      guard t["expect_error"] == nil, t["motion"] != nil else { continue }
      let expected = try motion(clip)
      let r = try scan([try path(clip)])
      XCTAssertEqual(r.events.count, expected.count, "\(clip): \(r.events.map { ($0.start.frame, $0.end.frame) })")
      for (e, (s, end)) in zip(r.events, expected) {
        XCTAssertEqual(e.kind, .motion)
        XCTAssertEqual(e.start.time, s, accuracy: 0.5, "\(clip) start")
        XCTAssertEqual(e.end.time + 1 / ((t["fps"] as? Double) ?? 25), end, accuracy: 0.5, "\(clip) end")
        XCTAssertGreaterThanOrEqual(e.score, ScanSettings.defaultThreshold)
        XCTAssertNotNil(e.box)
      }
      if expected.isEmpty { quiet += 1 } else { scored += 1 }
    }
    XCTAssertGreaterThanOrEqual(scored, 7, "clips with motion")
    XCTAssertGreaterThanOrEqual(quiet, 4, "clips without motion (noise, lighting, static)")
  }

  /// The motion box covers the person's path (the ground band) and not the sky.
  func testBoxCoversTheWalker() throws {
    let r = try scan([try path("passerby.mp4")])
    let box = try XCTUnwrap(r.events.first?.box)
    let person = 150...290   // the walker's rows (truth: y 150, height 140)
    XCTAssertLessThanOrEqual(box.y, person.lowerBound)
    XCTAssertGreaterThanOrEqual(box.y + box.height, person.upperBound)
    XCTAssertGreaterThan(box.y, 40, "the wall above the walker never moves")
  }

  /// The box is that of the changed pixels, within the region: a region cutting the
  /// walker's path (not on the cell grid's lines) gives a box inside it, tight on the
  /// walker's rows, where the cell grid's box would reach past it.
  func testBoxIsThePixelsThatChangedClippedToTheRegion() throws {
    let roi = PixelRect(x: 203, y: 171, width: 187, height: 97)
    let r = try scan([try path("passerby.mp4")]) { $0.regions = [try RegionSpec(parsing: "\(roi)")] }
    XCTAssertEqual(r.events.count, 1)
    for box in [try XCTUnwrap(r.events.first?.box), try XCTUnwrap(r.events.first?.peakBox)] {
      XCTAssertGreaterThanOrEqual(box.x, roi.x); XCTAssertGreaterThanOrEqual(box.y, roi.y)
      XCTAssertLessThanOrEqual(box.x + box.width, roi.x + roi.width); XCTAssertLessThanOrEqual(box.y + box.height, roi.y + roi.height)
    }
    let whole = try XCTUnwrap(r.events.first?.box)
    XCTAssertEqual(whole.x, roi.x, accuracy: 4, "the walker crosses the whole region: \(whole)")
    XCTAssertEqual(whole.x + whole.width, roi.x + roi.width, accuracy: 4, "\(whole)")
    // The walker (y 150-290) fills the region's rows.
    XCTAssertEqual(whole.y, roi.y, accuracy: 4, "\(whole)")
    // The peak frame's box is the walker there, narrower than the region.
    let peak = try XCTUnwrap(r.events.first?.peakBox)
    XCTAssertLessThan(peak.width, roi.width, "\(peak)")
  }

  /// Rain in front of an IR camera (streaks over the whole frame all the time) is not one
  /// endless event: the walker crossing during the rain is the one event.
  func testRainIsNotMotionThePersonIs() throws {
    let r = try scan([try path("rain_ir.mp4")])
    let motion = try XCTUnwrap((try truth("rain_ir.mp4")["motion"] as? [[String: Any]])?.first)
    XCTAssertEqual(r.events.count, 1, "\(r.events.map { ($0.start.frame, $0.end.frame) })")
    let e = try XCTUnwrap(r.events.first)
    XCTAssertEqual(e.start.frame, motion["start"] as! Int, accuracy: 12, "within 0.5 s")
    XCTAssertEqual(e.end.frame, motion["end"] as! Int, accuracy: 12, "within 0.5 s")
  }

  /// A region the walker never enters gives no event; excluding the clock keeps the event
  /// and keeps the clock out of its box.
  func testRegionsAndExclusions() throws {
    let top = try scan([try path("passerby.mp4")]) { $0.regions = [try RegionSpec(parsing: "0,0,640,100")] }
    XCTAssertTrue(top.events.isEmpty, "\(top.events.map { ($0.start.frame, $0.end.frame) })")
    let t = try truth("osd_clock.mp4")
    let clock = (t["osd"] as! [String: Any])["box"] as! [Int]
    let r = try scan([try path("osd_clock.mp4")]) { $0.excludes = [try RegionSpec(parsing: clock.map(String.init).joined(separator: ","))] }
    XCTAssertEqual(r.events.count, 1)
    let box = try XCTUnwrap(r.events.first?.box)
    XCTAssertGreaterThanOrEqual(box.y, clock[1] + clock[3] - 20, "box \(box) reaches into the clock")
    // Percent and polygon regions resolve to the same answer as pixels.
    let pct = try scan([try path("passerby.mp4")]) { $0.regions = [try RegionSpec(parsing: "0,0,100%,27.7%")] }
    XCTAssertTrue(pct.events.isEmpty)
    let poly = try scan([try path("passerby.mp4")]) { $0.regions = [try RegionSpec(parsing: "0,150;640,150;640,300;0,300")] }
    XCTAssertEqual(poly.events.count, 1)
  }

  /// Several files are one timeline: a file boundary is no event, and events keep their
  /// own file's frame numbers with timeline offsets.
  func testFilesAreOneTimeline() throws {
    let s = try path("static.mkv"), p = try path("passerby.mp4")
    let r = try scan([s, p, s])
    XCTAssertEqual(r.events.count, 1, "\(r.events.map { ($0.file, $0.start.frame) })")
    let e = try XCTUnwrap(r.events.first)
    XCTAssertEqual(e.file, p)
    let expected = try motion("passerby.mp4")[0]
    XCTAssertEqual(e.start.time, expected.0, accuracy: 0.5)
    guard let timeline = e.timelineStart else { return XCTFail("no timeline_start") }
    XCTAssertEqual(timeline, 10 + e.start.time, accuracy: 0.05, "static.mkv lasts 10 s")
    let twice = try scan([p, p])
    XCTAssertEqual(twice.events.count, 2)
  }

  /// A raised threshold hides the walker, a --from/--to window limits the scan.
  func testThresholdAndWindow() throws {
    let high = try scan([try path("passerby.mp4")]) { $0.threshold = 0.9 }
    XCTAssertTrue(high.events.isEmpty)
    let before = try scan([try path("passerby.mp4")]) { $0.to = 4.0 }
    XCTAssertTrue(before.events.isEmpty)
    XCTAssertLessThanOrEqual(before.framesDecoded, 101)
    let window = try scan([try path("passerby.mp4")]) { $0.from = 6.0; $0.to = 8.0 }
    XCTAssertEqual(window.events.count, 1)
    XCTAssertGreaterThanOrEqual(window.events[0].start.time, 6.0 - 1e-6)
    XCTAssertLessThanOrEqual(window.events[0].end.time, 8.0 + 1e-6)
  }

  /// --every N analyses one frame in N and still finds the walker.
  func testEveryNthFrame() throws {
    let r = try scan([try path("passerby.mp4")]) { $0.every = 3; $0.decodeAll = true }
    XCTAssertEqual(r.events.count, 1)
    XCTAssertEqual(r.framesAnalysed, 125)
    let expected = try motion("passerby.mp4")[0]
    XCTAssertEqual(r.events[0].start.time, expected.0, accuracy: 0.5)
  }
}

/// Decoding in keyframe chunks on several threads must give exactly what one stream gives.
final class ChunkedScanTests: XCTestCase {
  func testChunksGiveTheSameFramesAndEvents() throws {
    var compared = 0
    for clip in try TestClips.all() {
      let t = try TestClips.truth(clip)
      guard t["expect_error"] == nil, t["motion"] != nil else { continue }
      let path = try TestClips.path(clip)
      func run(_ chunked: Bool) throws -> (ScanResult, [String]) {
        var s = ScanSettings()
        s.chunked = chunked
        s.chunkFrames = 40
        var scanner = try MotionScanner(paths: [path], settings: s)
        var samples: [String] = []
        scanner.onSample = { samples.append("\($0.position.frame) \($0.position.time) \($0.score) \($0.pixelThreshold)") }
        return (try scanner.run(), samples)
      }
      let (one, oneSamples) = try run(false)
      let (many, manySamples) = try run(true)
      XCTAssertEqual(manySamples, oneSamples, "\(clip): per-frame scores")
      XCTAssertEqual(many.events.map { "\($0.start.frame)-\($0.end.frame) \($0.score) \(String(describing: $0.box))" },
                     one.events.map { "\($0.start.frame)-\($0.end.frame) \($0.score) \(String(describing: $0.box))" }, clip)
      XCTAssertEqual(many.framesDecoded, one.framesDecoded, clip)
      compared += 1
    }
    XCTAssertGreaterThanOrEqual(compared, 15)
  }
}

/// Skipping idle GOPs (the default) must find exactly what decoding every frame finds.
final class IdleSkipScanTests: XCTestCase {
  func events(_ r: ScanResult) -> [String] {
    // The score to 4 decimals (as JSON writes it): the idle levels average fewer frames
    // when idle GOPs are skipped, which moves a score in the 6th decimal (measured: 0.312494
    // vs 0.312496 on passerby.mp4 + bag_left.mp4).
    r.events.map { "\($0.start.frame)-\($0.end.frame) peak \($0.peak.frame) \(String(format: "%.4f", $0.score)) \(String(describing: $0.box))" }
  }

  /// Every clip: the same events (frames, peak, score, box) with skipping on and with
  /// `decodeAll`; the same seconds scanned; and the clips without motion at their start or
  /// end skip something (a clip where motion fills every GOP, or noise, may skip nothing).
  func testSkippingChangesNoEventOnAnyClip() throws {
    var compared = 0, skippedOn: [String] = []
    for clip in try TestClips.all() {
      let t = try TestClips.truth(clip)
      guard t["expect_error"] == nil else { continue }
      let path = try TestClips.path(clip)
      func run(_ decodeAll: Bool) throws -> ScanResult {
        var s = ScanSettings()
        s.decodeAll = decodeAll
        return try MotionScanner(paths: [path], settings: s).run()
      }
      let all = try run(true), skipping = try run(false)
      XCTAssertEqual(events(skipping), events(all), clip)
      XCTAssertEqual(skipping.duration, all.duration, accuracy: 1e-9, clip)
      XCTAssertEqual(all.framesSkipped, 0, clip)
      XCTAssertEqual(skipping.framesDecoded + skipping.framesSkipped, all.framesDecoded, clip)
      if skipping.framesSkipped > 0 { skippedOn.append(clip) }
      compared += 1
    }
    XCTAssertGreaterThanOrEqual(compared, 19)
    // The idle ones: clips whose motion leaves idle GOPs after it (on these 12-16 s clips
    // the first GOPs are the baseline and always decoded, and where the GOPs' sizes swing
    // with the grain or the light, nothing is skipped: measured, only these two skip).
    for clip in ["passerby.mp4", "parcel_taken.mp4"] { XCTAssertTrue(skippedOn.contains(clip), "\(clip) skipped nothing (\(skippedOn))") }
  }

  /// With other settings (a region, every 2nd frame, a lower threshold) too.
  func testSkippingChangesNoEventWithOtherSettings() throws {
    for clip in ["passerby.mp4", "bag_left.mp4", "parcel_taken.mp4", "osd_clock.mp4"] {
      let path = try TestClips.path(clip)
      for configure: (inout ScanSettings) -> Void in [{ $0.every = 2 }, { $0.threshold = 0.03 }, { $0.minEvent = 0.16; $0.mergeGap = 0.4 },
                                                       { $0.regions = [try! RegionSpec(parsing: "0,50%,100%,50%")] }] {
        var s = ScanSettings()
        configure(&s)
        let skipping = try MotionScanner(paths: [path], settings: s).run()
        s.decodeAll = true
        let all = try MotionScanner(paths: [path], settings: s).run()
        XCTAssertEqual(events(skipping), events(all), clip)
      }
    }
  }

  /// Two files of one timeline: an event may not move across the file boundary.
  func testSkippingOnATimeline() throws {
    let paths = [try TestClips.path("passerby.mp4"), try TestClips.path("bag_left.mp4")]
    var s = ScanSettings()
    let skipping = try MotionScanner(paths: paths, settings: s).run()
    s.decodeAll = true
    let all = try MotionScanner(paths: paths, settings: s).run()
    XCTAssertEqual(events(skipping), events(all))
    XCTAssertEqual(skipping.skipping.map(\.file), paths)
  }
}
