import Foundation
import XCTest

/// `framescout osd` run as a user runs it: output, JSON shape and exit codes.
final class OSDCommandTests: XCTestCase {
  func testNoClockIsSaidAndExitsZero() throws {
    let path = try testVideo("passerby.mp4")
    let r = try runProcess(builtFramescout(), ["osd", path])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(r.out.split(separator: "\n").first.map(String.init), "\(path): no on-screen clock found")
    let j = try runProcess(builtFramescout(), ["osd", path, "--json"])
    XCTAssertEqual(j.status, 0)
    let doc = try JSONSerialization.jsonObject(with: j.output) as! [String: Any]
    XCTAssertEqual(doc["command"] as? String, "osd")
    let osd = try XCTUnwrap(doc["osd"] as? [String: Any])
    XCTAssertEqual((osd["readings"] as? [Any])?.count, 0)
    XCTAssertEqual(osd["found"] as? Bool, false)
  }

  func testClockClipJSON() throws {
    let r = try runProcess(builtFramescout(), ["osd", try testVideo("osd_clock.mp4"), "--json"])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: r.output) as! [String: Any]
    let osd = try XCTUnwrap(doc["osd"] as? [String: Any])
    XCTAssertEqual(osd["format"] as? String, "YYYY-MM-DD HH:mm:ss")
    XCTAssertEqual(((osd["readings"] as? [[String: Any]])?.first)?["wall"] as? String, "2024-06-10T06:13:20")
    XCTAssertEqual((osd["jumps"] as? [Any])?.count, 0)
    let fit = try XCTUnwrap(osd["fit"] as? [String: Any])
    XCTAssertEqual((fit["seconds_per_frame"] as? Double) ?? 0, 0.04, accuracy: 0.0005)
    XCTAssertEqual((osd["box"] as? [Int])?.count, 4)
  }

  func testBadInputsExitWithOneLine() throws {
    let bad = try runProcess(builtFramescout(), ["osd", try testVideo("not_a_video.mp4")])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(bad.err.split(separator: "\n").count, 1, bad.err)
    XCTAssertTrue(bad.err.contains("not_a_video.mp4"), bad.err)
    let box = try runProcess(builtFramescout(), ["osd", try testVideo("passerby.mp4"), "--box", "1,2,3"])
    XCTAssertEqual(box.status, 1)
    XCTAssertTrue(box.err.hasPrefix("framescout: --box '1,2,3' must be x,y,w,h in pixels\n"), box.err)
    let outside = try runProcess(builtFramescout(), ["osd", try testVideo("passerby.mp4"), "--box", "600,300,100,100"])
    XCTAssertEqual(outside.status, 1, outside.err)
    let format = try runProcess(builtFramescout(), ["osd", try testVideo("passerby.mp4"), "--format", "HH:mm:ss"])
    XCTAssertEqual(format.status, 1)
  }
}

/// `--clock osd` in the other commands, on a clip of tools/make-osd-clips (the clock set
/// forward 7 minutes at frame 375; EPOCH 1731312000.6 at 25 fps before it).
final class OSDClockSourceTests: XCTestCase {
  func clip() throws -> String {
    let dir = try temporaryFolder(for: self, prefix: "osd-clock")
    let tool = CommandLineTests.root.appendingPathComponent("tools/make-osd-clips")
    let r = try runProcess(tool, [dir.path, "liberation_jump"])
    guard r.status == 0 else { throw XCTSkip("tools/make-osd-clips: \(r.err)") }
    return dir.appendingPathComponent("liberation_jump.mp4").path
  }

  func testAuditReportsTheJump() throws {
    let r = try runProcess(builtFramescout(), ["audit", "--clock", "osd", "--json", try clip()])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: r.output) as! [String: Any]
    let jumps = (doc["events"] as! [[String: Any]]).filter { $0["kind"] as? String == "osd-jump" }
    XCTAssertEqual(jumps.count, 1)
    XCTAssertEqual((jumps.first?["start"] as? [String: Any])?["frame"] as? Int, 375)
    XCTAssertEqual((jumps.first?["seconds"] as? Double) ?? 0, 420, accuracy: 0.1)
  }

  /// Events on both sides of the jump get the clock's time there: frame n shows
  /// 1731312000.6 + n / 25 before frame 375 and 1731312420.6 + n / 25 from it (±1 frame),
  /// and the clock object states the step.
  func testScanEventsOnBothSidesOfTheJumpTakeTheClocksTime() throws {
    let r = try runProcess(builtFramescout(), ["scan", "--clock", "osd", "--json", try clip()])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: r.output) as! [String: Any]
    let clock = try XCTUnwrap((doc["inputs"] as! [[String: Any]]).first?["clock"] as? [String: Any])
    let steps = try XCTUnwrap(clock["steps"] as? [[String: Any]])
    XCTAssertEqual(steps.map { $0["frame"] as? Int }, [375])
    XCTAssertEqual((steps.first?["seconds"] as? Double) ?? 0, 420, accuracy: 0.1)
    // 2024-11-11T08:00:00 is 1731312000 (UTC; the clock states no zone).
    func seconds(_ iso: String) -> Double? {
      guard iso.hasPrefix("2024-11-11T08:"), iso.count == 23, let m = Double(iso.dropFirst(14).prefix(2)),
            let s = Double(iso.dropFirst(17)) else { return nil }
      return 1_731_312_000 + m * 60 + s
    }
    var before = 0, after = 0
    for event in doc["events"] as! [[String: Any]] {
      for key in ["start", "end"] {
        let point = try XCTUnwrap(event[key] as? [String: Any])
        let n = try XCTUnwrap(point["frame"] as? Int)
        let wall = try XCTUnwrap(point["wall"] as? String)
        let truth = (n < 375 ? 1_731_312_000.6 : 1_731_312_420.6) + Double(n) / 25
        let got = try XCTUnwrap(seconds(wall), wall)
        XCTAssertLessThanOrEqual(abs(got - truth), 0.041, "frame #\(n): wall \(wall), the clock shows \(truth)")
        if n < 375 { before += 1 } else { after += 1 }
      }
    }
    XCTAssertGreaterThan(before, 0, "an event before the jump")
    XCTAssertGreaterThan(after, 0, "an event after the jump")
    // The end of the last frame (#749): 1731312420.6 + 30 s = 08:07:30.600.
    let end = try XCTUnwrap(clock["end"] as? String)
    XCTAssertLessThanOrEqual(abs((seconds(end) ?? 0) - 1_731_312_450.6), 0.041, end)
  }

  /// Frame times in wall time by the clock read: frame n at EPOCH + n / 25 (±1 frame).
  func testScanTakesTheClocksTime() throws {
    let r = try runProcess(builtFramescout(), ["scan", "--clock", "osd", "--json", try clip()])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: r.output) as! [String: Any]
    let clock = ((doc["inputs"] as! [[String: Any]]).first?["clock"] as? [String: Any])
    XCTAssertEqual(clock?["source"] as? String, "osd")
    let start = try XCTUnwrap(clock?["start"] as? String)
    // 1731312000.6 = 2024-11-11T08:00:00.600 UTC; the fit may be a frame off.
    XCTAssertTrue(start.hasPrefix("2024-11-11T08:00:00."), start)
    let ms = Int(start.dropFirst(20).prefix(3)) ?? -1
    XCTAssertLessThanOrEqual(abs(ms - 600), 40, start)
  }
}
