import Foundation
import XCTest

/// Examples/ScanEvents, the façade in use, builds and does what it says: the walker of
/// passerby.mp4 as one event with its picture written.
final class ExampleTests: XCTestCase {
  func testScanEventsPrintsTheWalkerWithItsPicture() throws {
    let binary = builtFramescout().deletingLastPathComponent().appendingPathComponent("scan-events")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-events-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try runProcess(binary, [GoldenTests.root.appendingPathComponent("TestVideos/passerby.mp4").path, dir.path])
    let text = r.out
    XCTAssertEqual(r.status, 0, text)
    XCTAssertTrue(text.hasPrefix("event 1: 00:00:04.800 to 00:00:09.480 (#120-#237)"), text)
    XCTAssertEqual(text.split(separator: "\n").count, 1, text)
    let pictures = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    XCTAssertEqual(pictures.count, 1)
    XCTAssertTrue(text.contains(pictures[0]), text)
  }
}
