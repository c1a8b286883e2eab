@testable import FrameScout
import FrameScoutCore
import FrameScoutReport
import FrameScoutSearch
import XCTest

final class BatchTests: XCTestCase {
  /// Shards split every path into exactly one share, the same on every run.
  func testShardsPartitionPathsStably() {
    let paths = (0..<300).map { "evidence/cam\($0 % 7)/\($0).mp4" }
    var counts = [0, 0, 0]
    for p in paths {
      let owners = (0..<3).filter { BatchRunner.inShard(p, index: $0, count: 3) }
      XCTAssertEqual(owners.count, 1, p)
      counts[owners[0]] += 1
    }
    XCTAssertTrue(counts.allSatisfy { $0 > 60 }, "\(counts)")
    XCTAssertEqual(BatchRunner.id(of: "a/b.mp4"), BatchRunner.id(of: "a/b.mp4"))
    XCTAssertNotEqual(BatchRunner.id(of: "a/b.mp4"), BatchRunner.id(of: "a/c.mp4"))
  }

  /// File names from the footage are text in the HTML, never markup.
  func testHTMLEscapesHostileNames() {
    let hostile = "<script>alert(1)</script>.mp4"
    let record = FileRecord(input: .object([("path", .string("ev/" + hostile)), ("sha256", "ab"), ("bytes", 3), ("status", "failed"),
                                            ("error", .string("ev/\(hostile): not a video file")), ("warnings", .array([]))]),
                            events: [], failed: true)
    let doc = BatchRunner.report([record], commandLine: "framescout batch ev", parameters: [])
    let html = HTMLReport.render(doc) { _ in nil }
    XCTAssertFalse(html.contains("<script>"))
    XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.mp4"))
  }

  /// The resume state is keyed on the settings themselves: a library caller who changes an
  /// engine setting gets fresh results, never a stale record (the digest was once built by
  /// the command line beside the settings).
  func testChangedEngineSettingsAreNeverAnsweredFromTheResumeState() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("batch-digest-\(UUID().uuidString)")
    let evidence = work.appendingPathComponent("evidence"), out = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: evidence, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    try FileManager.default.copyItem(at: root.appendingPathComponent("TestVideos/passerby.mp4"), to: evidence.appendingPathComponent("passerby.mp4"))
    var settings = BatchSettings(roots: [evidence.path], out: out.path)
    settings.scan = ScanSettings()
    let first = try BatchRunner(settings: settings).run()
    XCTAssertEqual(first.first?.events.count, 1)
    settings.scan!.threshold = 0.99          // nothing moves that much
    let runner = BatchRunner(settings: settings)
    XCTAssertNotEqual(runner.parametersDigest, BatchRunner(settings: BatchSettings(roots: [evidence.path], out: out.path)).parametersDigest)
    XCTAssertEqual(try runner.run().first?.events.count, 0, "a record made with other settings was reused")
    XCTAssertEqual(JSONValue.object(runner.settings.parameters)["scan"]?["threshold"]?.doubleValue, 0.99)
    // Same settings again: the record is reused (same events, same report).
    XCTAssertEqual(try BatchRunner(settings: settings).run().first?.events.count, 0)
  }
}
