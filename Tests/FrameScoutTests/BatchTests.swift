@testable import FrameScout
import FrameScoutReport
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
}
