import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation
import XCTest

/// The audit and compare jobs of the façade: what a library caller gets without the CLI.
final class AuditCompareJobTests: XCTestCase {
  static let videos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestVideos")

  func clip(_ name: String) throws -> String {
    let p = Self.videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("missing \(name)") }
    return p
  }

  /// A file that cannot be read is recorded and the others are audited; the report writes
  /// itself as JSON (DESIGN.md's envelope) and text.
  func testAuditRecordsAFailedFileAndGoesOn() throws {
    let gap = try clip("passerby_gap.mp4")
    var outcomes: [String] = []
    let report = try AuditJob(files: [gap, "/nonexistent/x.mp4"]).run { outcome in
      switch outcome {
      case .audited(let entry): outcomes.append("audited " + entry.input.path)
      case .failed(let error): outcomes.append("failed " + error.file)
      }
    }
    XCTAssertEqual(outcomes, ["audited " + gap, "failed /nonexistent/x.mp4"], "each file's outcome as it is known")
    XCTAssertEqual(report.text(elapsed: nil), report.entries.map(\.text).joined())
    XCTAssertEqual(report.entries.map(\.input.path), [gap])
    XCTAssertEqual(report.failures.map(\.file), ["/nonexistent/x.mp4"])
    XCTAssertEqual(report.findings.map(\.kind), [.timestampGap])
    let json = report.json
    XCTAssertEqual(json["command"]?.stringValue, "audit")
    XCTAssertEqual(json["inputs"]?.arrayValue?.first?["frames"]?.intValue, 363)
    XCTAssertEqual(json["events"]?.arrayValue?.first?["missing_frames"]?.intValue, 12)
    guard case .object(let parameters)? = json["parameters"] else { return XCTFail("no parameters") }
    XCTAssertEqual(parameters.map(\.0), AuditSettings().parameters.map(\.0) + ["analysis_width", "framemd5", "guarantee"])
    XCTAssertEqual(parameters.last?.1.stringValue, FrameAudit.guarantee)
    let text = report.text(elapsed: nil).split(separator: "\n")
    XCTAssertEqual(text.first.map(String.init), "\(gap): 363 frames, 1 finding, keyframe every 50 frames")
    XCTAssertTrue(text.dropFirst().first?.contains("#150  timestamp-gap  confidence 1.00  timestamp gap of 480 ms") ?? false, "\(text)")
  }

  func testAuditChecksItsOutputs() {
    XCTAssertThrowsError(try AuditJob(files: ["a.mp4", "b.mp4"], signals: "s.csv").validate()) {
      XCTAssertEqual($0 as? SettingError, SettingError("signals", "needs exactly one input file"))
    }
    XCTAssertThrowsError(try AuditJob(files: ["a.mp4", "b.mp4"], frameMD5: "m.txt").run()) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "framemd5")
    }
    XCTAssertNoThrow(try AuditJob(files: ["a.mp4"], frameMD5: "m.txt", signals: "s.csv").validate())
  }

  /// framemd5 needs the MD5s taken; the signals CSV has a row a frame.
  func testFrameMD5AndSignals() throws {
    let path = try clip("passerby_dup.mp4")
    XCTAssertNil(try FileAudit(path: path).frameMD5)
    var fingerprint = FingerprintSettings()
    fingerprint.md5 = true
    let audit = try FileAudit(path: path, fingerprint: fingerprint)
    let lines = try XCTUnwrap(audit.frameMD5).split(separator: "\n")
    XCTAssertEqual(lines.filter { !$0.hasPrefix("#") }.count, audit.stream.count)
    XCTAssertEqual(lines.first, "#format: frame checksums")
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-signals-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    try audit.writeSignals(to: out)
    let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(rows.count, audit.stream.count + 1)
    XCTAssertEqual(rows.first.map(String.init), FileAudit.signalsHeader)
    XCTAssertEqual(rows[1], Substring(audit.signalsRow(0)))
  }

  /// compare's report: the comparison block in the JSON, the same facts in the text.
  func testCompareReport() throws {
    let a = try clip("passerby.mp4"), b = try clip("passerby_trim.mp4")
    let report = try CompareJob(a: a, b: b).run()
    XCTAssertEqual(report.comparison.verdict, .overlap)
    XCTAssertEqual(report.json["comparison"]?["offset"]?["frames"]?.intValue, 40)
    XCTAssertEqual(report.json["comparison"]?["overlap"]?.arrayValue?.first?["a"]?["start"]?["frame"]?.intValue, 40)
    XCTAssertEqual(report.json["inputs"]?.arrayValue?.map { $0["frames"]?.intValue }, [375, report.b.frames])
    guard case .object(let parameters)? = report.json["parameters"] else { return XCTFail("no parameters") }
    XCTAssertEqual(parameters.map(\.0), ["a", "b", "minimum_motion", "difference_minimum", "analysis_width"])
    let text = report.text(elapsed: nil)
    XCTAssertTrue(text.hasPrefix("verdict: overlap\nalignment: "), text)
    XCTAssertTrue(text.contains("offset: B frame 0 = A frame 40 (1.600 s)\n"), text)
  }
}
