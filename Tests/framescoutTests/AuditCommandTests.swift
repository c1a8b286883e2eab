import Foundation
import XCTest

/// audit and compare through the built binary (kept apart from CommandLineTests.swift so
/// branches adding commands do not edit the same lines).
extension CommandLineTests {
  /// audit --framemd5 writes the same per-frame MD5s as `ffmpeg -f framemd5` (when installed).
  func testAuditFrameMD5MatchesFFmpeg() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-md5-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for clip in ["passerby_dup.mp4", "mjpeg.avi", "frame_index.mp4"] {
      let input = Self.videos.appendingPathComponent(clip).path
      let out = dir.appendingPathComponent("\(clip).framemd5").path
      let r = try framescout(["audit", input, "--framemd5", out])
      XCTAssertEqual(r.status, 0, r.err)
      let mine = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        .map { String($0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces)) }
      XCTAssertGreaterThan(mine.count, 100)
      guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { continue }
      let p = Process()
      p.executableURL = URL(fileURLWithPath: ffmpeg)
      p.arguments = ["-v", "error", "-i", input, "-map", "0:v:0", "-f", "framemd5", "-"]
      let pipe = Pipe()
      p.standardOutput = pipe
      try p.run()
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      let theirs = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
        .map { String($0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces)) }
      XCTAssertEqual(mine, theirs, clip)
    }
  }

  func testAuditAndCompareJSONAndErrors() throws {
    let gap = Self.videos.appendingPathComponent("passerby_gap.mp4").path
    let r = try framescout(["audit", gap, "--json"])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
    XCTAssertEqual(doc["command"] as? String, "audit")
    let events = doc["events"] as! [[String: Any]]
    XCTAssertEqual(events.map { $0["kind"] as? String }, ["timestamp-gap"])
    XCTAssertEqual((events[0]["start"] as? [String: Any])?["frame"] as? Int, 150)
    XCTAssertEqual(((doc["inputs"] as! [[String: Any]])[0])["frames"] as? Int, 363)
    XCTAssertEqual(try framescout(["audit", gap, "--json"]).out, r.out, "same input, byte-identical JSON")

    let a = Self.videos.appendingPathComponent("passerby.mp4").path, b = Self.videos.appendingPathComponent("passerby_trim.mp4").path
    let c = try framescout(["compare", a, b, "--json"])
    XCTAssertEqual(c.status, 0, c.err)
    let cdoc = try JSONSerialization.jsonObject(with: Data(c.out.utf8)) as! [String: Any]
    let comparison = cdoc["comparison"] as! [String: Any]
    XCTAssertEqual(comparison["verdict"] as? String, "overlap")
    XCTAssertEqual((comparison["offset"] as? [String: Any])?["frames"] as? Int, 40)
    XCTAssertEqual((comparison["offset"] as? [String: Any])?["seconds"] as? Double, 1.6)

    let missing = try framescout(["audit", "/nonexistent/x.mp4"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.err.hasPrefix("framescout: /nonexistent/x.mp4: "), missing.err)
    XCTAssertEqual(missing.err.split(separator: "\n").count, 1)
    let cm = try framescout(["compare", a, "/nonexistent/y.mp4"])
    XCTAssertEqual(cm.status, 2)
    XCTAssertTrue(cm.err.contains("/nonexistent/y.mp4"), cm.err)
    let inputAsOutput = try framescout(["audit", gap, "--framemd5", gap])
    XCTAssertEqual(inputAsOutput.status, 1)
  }
}
