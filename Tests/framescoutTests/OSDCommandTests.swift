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
