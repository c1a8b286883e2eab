import Foundation
import XCTest

/// DVR-Scan's own test suite as our peer suite: its test clips (a real motorway camera,
/// and a variable-frame-rate copy of it), run with FrameScout's equivalent of each of
/// DVR-Scan's test settings, must give the events DVR-Scan's tests expect
/// (`tests/test_scan_context.py`, listed in shared/peers/dvr-scan/README.md). The clips are
/// read where they are (shared/peers/dvr-scan beside the project, or FRAMESCOUT_PEERS),
/// never copied; the tests skip with a message where they are absent.
///
/// Equivalents: DVR-Scan's `min_event_len` of 4 frames is `--min-event 0.16`, its
/// `time_pre_event` is `--pre`, and its `time_post_event` is both the time an event waits
/// for more motion (`--merge-gap`) and the padding after it (`--post`). DVR-Scan's end
/// frames include that padding (capped at the last frame); FrameScout's `end` is the last
/// frame with motion, so ends are compared with DVR-Scan's minus its padding.
final class PeerSuiteTests: XCTestCase {
  static let roi = "631,532,210,127"
  /// Frames DVR-Scan's events may differ by (the tolerance).
  static let tolerance = 6

  /// The folder of DVR-Scan's clips, or a skip.
  func peers() throws -> URL {
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["FRAMESCOUT_PEERS"] { candidates.append(URL(fileURLWithPath: env)) }
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    for _ in 0..<6 {
      dir = dir.deletingLastPathComponent()
      candidates.append(dir.appendingPathComponent("shared/peers/dvr-scan"))
    }
    for c in candidates where FileManager.default.fileExists(atPath: c.appendingPathComponent("traffic_camera.mp4").path) { return c }
    throw XCTSkip("DVR-Scan's test clips are not here (shared/peers/dvr-scan beside the project, or FRAMESCOUT_PEERS): peer suite skipped")
  }

  struct Event {
    var start: Int, end: Int, paddedStart: Double, startTime: Double, timelineStart: Double?
  }

  /// `framescout scan --json` on `files` (names in the peers folder) with `options`.
  func scan(_ files: [String], _ options: [String]) throws -> [Event] {
    let dir = try peers()
    let r = try runProcess(builtFramescout(), ["scan", "--quiet", "--json", "--roi", Self.roi] + options
                           + files.map { dir.appendingPathComponent($0).path })
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.output) as? [String: Any])
    let events = try XCTUnwrap(doc["events"] as? [[String: Any]])
    return events.map { e in
      let start = e["start"] as! [String: Any], end = e["end"] as! [String: Any]
      return Event(start: start["frame"] as! Int, end: end["frame"] as! Int, paddedStart: e["padded_start"] as! Double,
                   startTime: start["time"] as! Double, timelineStart: e["timeline_start"] as? Double)
    }
  }

  /// Asserts `events` match `expected` (start, last frame with motion) within the tolerance.
  func assertEvents(_ events: [Event], _ expected: [(Int, Int)], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(events.count, expected.count, "\(what): \(events.map { ($0.start, $0.end) })", file: file, line: line)
    for (e, x) in zip(events, expected) {
      XCTAssertLessThanOrEqual(abs(e.start - x.0), Self.tolerance, "\(what): start #\(e.start), DVR-Scan #\(x.0)", file: file, line: line)
      XCTAssertLessThanOrEqual(abs(e.end - x.1), Self.tolerance, "\(what): end #\(e.end), DVR-Scan #\(x.1) without its padding", file: file, line: line)
    }
  }

  func testTrafficCameraGivesDVRScansEvents() throws {
    let dvr = ["--min-event", "0.16", "--pre", "0"]
    // min_event_len=4, time_pre_event=0 (post-event padding 2 s, merge 2 s): (9, 149),
    // (358, 491), (542, 576 = the last frame); motion stops at 99, 441, 553 (below).
    assertEvents(try scan(["traffic_camera.mp4"], dvr), [(9, 99), (358, 441), (542, 553)], "DVR-Scan's defaults")
    // time_post_event=40 frames: (9, 139), (358, 481), (542, 576): the same motion.
    assertEvents(try scan(["traffic_camera.mp4"], dvr + ["--merge-gap", "1.6", "--post", "1.6"]), [(9, 99), (358, 441), (542, 553)],
                 "time_post_event 40 frames")
    // time_post_event=10 frames: six events, the motion stopping at 20, 99, 377, 407, 441, 553.
    assertEvents(try scan(["traffic_camera.mp4"], dvr + ["--merge-gap", "0.4", "--post", "0.4"]),
                 [(9, 20), (50, 99), (358, 377), (394, 407), (428, 441), (542, 553)], "time_post_event 10 frames")
    // time_post_event=10, merge_window=120 frames: (9, 109), (358, 563).
    assertEvents(try scan(["traffic_camera.mp4"], dvr + ["--merge-gap", "4.8", "--post", "0.4"]), [(9, 99), (358, 553)],
                 "merge window 120 frames")
  }

  func testPaddingBeforeAndASeekIntoTheMiddle() throws {
    // time_pre_event=5 frames: DVR-Scan's events start at 3, 352, 536 — its starts less 6
    // frames (it pads one frame more than asked). The padded start is the start less 5
    // frames here, and the starts are DVR-Scan's within the tolerance.
    let padded = try scan(["traffic_camera.mp4"], ["--min-event", "0.16", "--pre", "0.2"])
    XCTAssertEqual(padded.count, 3)
    for (e, x) in zip(padded, [3, 352, 536]) {
      XCTAssertEqual(Int((e.paddedStart * 25).rounded()), e.start - 5, "padded start of #\(e.start)")
      XCTAssertLessThanOrEqual(abs(e.start - (x + 6)), Self.tolerance, "start #\(e.start), DVR-Scan #\(x + 6) unpadded")
    }
    // Scanning from a seek into the middle (frame 200): the second passage, from #360.
    let middle = try scan(["traffic_camera.mp4"], ["--min-event", "0.16", "--pre", "0", "--from", "#200"])
    XCTAssertGreaterThanOrEqual(middle.count, 1)
    if let first = middle.first { XCTAssertLessThanOrEqual(abs(first.start - 360), Self.tolerance, "after a seek: #\(first.start)") }
  }

  func testEveryPassageDVRScanFindsIsFoundAtOurDefaults() throws {
    // DVR-Scan's three passages as frame ranges of motion; each must overlap an event.
    let events = try scan(["traffic_camera.mp4"], [])
    for (a, b) in [(9, 99), (358, 441), (542, 553)] {
      XCTAssertTrue(events.contains { $0.start <= b && $0.end >= a }, "passage #\(a)-#\(b) not found: \(events.map { ($0.start, $0.end) })")
    }
    XCTAssertEqual(events.count, 3, "three passages, no other event: \(events.map { ($0.start, $0.end) })")
  }

  func testVariableFrameRateStartsInPresentationTime() throws {
    // The VFR copy (frames 288-575 at 12.5 fps): starts at 0.4, 17.2 and 31.9 s (±0.6 s).
    let expected = [0.4, 17.2, 31.9]
    let one = try scan(["traffic_camera_vfr.mp4"], ["--min-event", "0.16", "--pre", "0"])
    XCTAssertEqual(one.count, 3, "\(one.map(\.startTime))")
    for (e, x) in zip(one, expected) { XCTAssertEqual(e.startTime, x, accuracy: 0.6) }
    // The file twice as one timeline: the same starts, then the same plus the first file's
    // true duration (34.56 s: its last frame at 34.48 s lasts 0.08 s), monotonic.
    let twice = try scan(["traffic_camera_vfr.mp4", "traffic_camera_vfr.mp4"], ["--min-event", "0.16", "--pre", "0"])
    XCTAssertEqual(twice.count, 6, "\(twice.map { $0.timelineStart ?? -1 })")
    let starts = twice.compactMap(\.timelineStart)
    XCTAssertEqual(starts.count, 6)
    for (k, x) in (expected + expected.map { $0 + 34.56 }).enumerated() where k < starts.count {
      XCTAssertEqual(starts[k], x, accuracy: 0.6)
    }
    for k in 0..<min(3, starts.count - 3) { XCTAssertEqual(starts[k + 3] - starts[k], 34.56, accuracy: 1e-6, "the second file starts at 34.56 s") }
    XCTAssertEqual(starts, starts.sorted())
  }

  /// Skipping idle GOPs (the default) against `--decode-all` on DVR-Scan's clips, with the
  /// region and without, at the defaults and at DVR-Scan's test settings: the same events,
  /// frame for frame.
  func testSkippingFindsWhatDecodingEverythingFinds() throws {
    let dir = try peers()
    for clip in ["traffic_camera.mp4", "traffic_camera_vfr.mp4"] {
      for options in [["--roi", Self.roi], [], ["--roi", Self.roi, "--min-event", "0.16", "--pre", "0", "--merge-gap", "0.4", "--post", "0.4"]] {
        func events(_ extra: [String]) throws -> [String] {
          let r = try runProcess(builtFramescout(), ["scan", "--quiet", "--csv"] + options + extra + [dir.appendingPathComponent(clip).path])
          XCTAssertEqual(r.status, 0, r.err)
          // Whole rows: start, end and peak (frame, time), score (4 decimals), box.
          return String(decoding: r.output, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try events([]), try events(["--decode-all"]), "\(clip) \(options)")
      }
    }
  }
}
