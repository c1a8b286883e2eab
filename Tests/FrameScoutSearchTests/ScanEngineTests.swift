import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// The scan engine apart from its decode driver: fed frames by hand it gives what the
/// scanner gives; its event rule and its settings on their own.
final class ScanEngineTests: XCTestCase {
  /// Decodes `paths` as one timeline by hand and feeds every frame to a `MotionEngine`.
  func scanByHand(_ paths: [String], settings: ScanSettings) throws -> (events: [MotionEvent], samples: [MotionSample], tally: MotionTally) {
    let timeline = try Timeline(paths: paths)
    let first = timeline.entries[0].info
    let grid = try MotionGrid(geometry: ScanGeometry(settings: settings, frameWidth: first.width, frameHeight: first.height))
    var engine = MotionEngine(settings: settings, grid: grid, files: paths, clock: timeline.entries[0].clock)
    var samples: [MotionSample] = []
    for (k, entry) in timeline.entries.enumerated() {
      let decoder = try VideoDecoder(path: entry.path, options: DecodeOptions(analysisWidth: grid.geometry.analysisWidth))
      try decoder.forEachFrame { frame in
        guard let gray = frame.gray else { return .next }
        let position = FramePosition(file: k, frame: frame.index, time: frame.time, timeline: entry.offset + frame.time)
        samples.append(engine.process(gray, at: position))
        return .next
      }
    }
    return (engine.finish(), samples, engine.tally)
  }

  func testEngineFedByHandGivesTheScannersResult() throws {
    var settings = ScanSettings()
    settings.chunked = false
    settings.decodeAll = true   // the hand-fed engine sees every frame (IdleSkipScanTests holds skipping equal)
    let cases = [["passerby.mp4"], ["bag_left.mp4"], ["light_switch.mp4"], ["osd_clock.mp4"], ["static.mkv", "passerby.mp4", "passerby.mp4"]]
    for names in cases {
      let paths = try names.map { try TestClips.path($0) }
      var scanner = try MotionScanner(paths: paths, settings: settings)
      var samples: [MotionSample] = []
      scanner.onSample = { samples.append($0) }
      let driven = try scanner.run()
      let byHand = try scanByHand(paths, settings: settings)
      XCTAssertEqual(byHand.events, driven.events, "\(names)")
      XCTAssertEqual(byHand.samples, samples, "\(names)")
      XCTAssertEqual(byHand.tally.framesAnalysed, driven.framesAnalysed, "\(names)")
      XCTAssertEqual(byHand.tally.lightingCorrections, driven.lightingCorrections, "\(names)")
    }
  }

  /// A grid on a 640x360 frame (320x180 analysed) without regions.
  func grid(_ settings: ScanSettings) throws -> MotionGrid {
    try MotionGrid(geometry: ScanGeometry(settings: settings, frameWidth: 640, frameHeight: 360))
  }

  /// Feeds the rule 25 fps frames from 0 to `seconds`, scored by `score(t)` on every cell.
  func events(_ settings: ScanSettings = ScanSettings(), seconds: Double, score: (Double) -> Double) throws -> [MotionEvent] {
    let g = try grid(settings)
    var rule = MotionEventRule(settings: settings, grid: g, files: ["cam.mp4"], frameDuration: 0.04)
    for n in 0..<Int(seconds * 25) {
      let t = Double(n) / 25, s = score(t)
      rule.feed(FramePosition(file: 0, frame: n, time: t, timeline: t), score: s, threshold: 0.06,
                cells: [Double](repeating: s, count: g.count))
    }
    return rule.finish()
  }

  func testRuleMakesEventsOfRunsBridgesGapsAndMerges() throws {
    // Two seconds of motion: one event, starting `persistence - 1` frames before the first
    // active frame (the oldest of the window), padded by pre/post.
    let one = try events(seconds: 10) { $0 >= 2 && $0 < 4 ? 0.3 : 0 }
    XCTAssertEqual(one.count, 1)
    XCTAssertEqual(one[0].start.frame, 48)
    XCTAssertEqual(one[0].end.frame, 99)
    XCTAssertEqual(one[0].framesWithMotion, 50)
    XCTAssertEqual(one[0].paddedStart, 1.92 - 1.5, accuracy: 1e-9)
    XCTAssertEqual(one[0].paddedEnd, 3.96 + 2, accuracy: 1e-9)
    XCTAssertEqual(one[0].box, PixelRect(x: 0, y: 0, width: 640, height: 360))
    XCTAssertNil(one[0].timelineStart)
    // A gap under `bridge` (0.4 s) is bridged; one under `mergeGap` merges two runs.
    XCTAssertEqual(try events(seconds: 10) { ($0 >= 2 && $0 < 3) || ($0 >= 3.2 && $0 < 4) ? 0.3 : 0 }.count, 1)
    let merged = try events(seconds: 12) { ($0 >= 2 && $0 < 3.5) || ($0 >= 5 && $0 < 6.5) ? 0.3 : 0 }
    XCTAssertEqual(merged.count, 1)
    XCTAssertEqual(merged[0].end.frame, 162)
    // Further apart than `mergeGap`: two events. Shorter than `minEvent` (0.4 s): none.
    XCTAssertEqual(try events(seconds: 14) { ($0 >= 2 && $0 < 3.5) || ($0 >= 7 && $0 < 8.5) ? 0.3 : 0 }.count, 2)
    XCTAssertTrue(try events(seconds: 10) { $0 >= 2 && $0 < 2.2 ? 0.3 : 0 }.isEmpty)
    // The peak is the busiest frame.
    let peaked = try events(seconds: 10) { $0 >= 2 && $0 < 4 ? ($0 >= 3 && $0 < 3.04 ? 0.9 : 0.3) : 0 }
    XCTAssertEqual(peaked[0].peak.frame, 75)
    XCTAssertEqual(peaked[0].score, 0.9)
  }

  func testMinEventAppliesToTheMergedEvent() throws {
    var long = ScanSettings()
    long.minEvent = 1
    // Three bursts of 6 frames (0.24 s), 1 s apart (a car seen between lamp posts): each
    // shorter than `minEvent`, merged they last 2.8 s — one event from the first burst's
    // first frame (less the persistence window) to the last burst's last frame.
    func burst(_ t: Double, at starts: [Int]) -> Bool { let n = Int((t * 25).rounded()); return starts.contains { n >= $0 && n < $0 + 6 } }
    let bursts = try events(long, seconds: 10) { burst($0, at: [50, 81, 112]) ? 0.3 : 0 }
    XCTAssertEqual(bursts.count, 1)
    XCTAssertEqual(bursts[0].start.frame, 48)
    XCTAssertEqual(bursts[0].end.frame, 117)
    XCTAssertEqual(bursts[0].framesWithMotion, 18)
    // One burst alone is no event; nor two bursts further apart than `mergeGap`.
    XCTAssertTrue(try events(long, seconds: 10) { burst($0, at: [50]) ? 0.3 : 0 }.isEmpty)
    XCTAssertTrue(try events(long, seconds: 10) { burst($0, at: [50, 112]) ? 0.3 : 0 }.isEmpty)
  }

  func testSelectFindsTheValueOfEachRank() {
    var rng = SystemRandomNumberGenerator()
    for n in [1, 2, 3, 144, 145] {
      let values = (0..<n).map { _ in Double(Int.random(in: 0...9, using: &rng)) / 10 }
      for rank in [0, n / 2, n - 1] {
        var v = values
        XCTAssertEqual(MotionScorer.select(&v, rank: rank), values.sorted()[rank], "\(values) rank \(rank)")
      }
    }
  }

  func testSettingsCheckThemselvesNamingTheSetting() {
    XCTAssertNoThrow(try ScanSettings().validate())
    func failure(_ change: (inout ScanSettings) -> Void) -> SettingError? {
      var s = ScanSettings()
      change(&s)
      do { try s.validate(); return nil } catch { return error }
    }
    XCTAssertEqual(failure { $0.threshold = 0 }, SettingError("threshold", "must be more than 0 and at most 1"))
    XCTAssertEqual(failure { $0.minEvent = -1 }, SettingError("min_event", "must be a duration from 0 to 3600 s"))
    XCTAssertEqual(failure { $0.post = 3601 }, SettingError("post", "must be a duration from 0 to 3600 s"))
    XCTAssertEqual(failure { $0.width = 8 }, SettingError("width", "must be from 16 to 3840"))
    XCTAssertEqual(failure { $0.every = 0 }, SettingError("every", "must be 1 or more"))
    XCTAssertEqual(failure { $0.threads = -1 }, SettingError("threads", "must be 0 or more"))
    XCTAssertEqual(failure { $0.from = 5; $0.to = 5 }, SettingError("to", "must be after `from`"))
  }

  func testParametersBeforeAndAfterTheFrameIsKnown() throws {
    var s = ScanSettings()
    s.regions = [try RegionSpec(parsing: "0,50%,100%,50%")]
    s.width = 1000
    XCTAssertEqual(s.parameters.map(\.0), ["roi_spec", "exclude_spec", "threshold", "threshold_auto", "min_event", "merge_gap", "pre", "post",
                                           "width", "every", "from", "to", "decode_all", "metric", "stream", "format", "fps"])
    XCTAssertEqual(s.parameters.first { $0.0 == "width" }?.1, .int(1000))
    let geometry = try ScanGeometry(settings: s, frameWidth: 640, frameHeight: 360)
    let resolved = s.parameters(on: geometry)
    XCTAssertEqual(resolved.map(\.0).prefix(4), ["roi", "roi_spec", "exclude", "exclude_spec"])
    XCTAssertEqual(resolved.first { $0.0 == "roi" }?.1, .array([.rect(PixelRect(x: 0, y: 180, width: 640, height: 180))]))
    XCTAssertEqual(resolved.first { $0.0 == "width" }?.1, .int(640), "the analysis width actually used")
    var tiny = s
    tiny.regions = [try RegionSpec(parsing: "0,0,1,1")]
    XCTAssertThrowsError(try ScanGeometry(settings: tiny, frameWidth: 640, frameHeight: 360)) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "roi")
    }
  }

  func testRegionListNamesTheLine() throws {
    let list = try RegionList(parsing: "# cam 3\n0,0,10,10\n\n  exclude 5,5,20,20  # clock\n10%,0,50%,100%\n")
    XCTAssertEqual(list.include.map(\.text), ["0,0,10,10", "10%,0,50%,100%"])
    XCTAssertEqual(list.exclude.map(\.text), ["5,5,20,20"])
    XCTAssertThrowsError(try RegionList(parsing: "0,0,10,10\nexclude 5,5\n")) { XCTAssertTrue("\($0)".hasPrefix("line 2: "), "\($0)") }
  }
}
