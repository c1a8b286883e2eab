@testable import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation
import XCTest

/// `scan` through the façade: the job checks its request against the footage, the report
/// holds typed events and writes itself and its pictures.
final class ScanJobTests: XCTestCase {
  let videos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TestVideos")

  func clip(_ name: String) throws -> String {
    let path = videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("missing \(name)") }
    return path
  }

  func testReportHoldsTheWalkerAndWritesItself() throws {
    let path = try clip("passerby.mp4")
    var report = try ScanJob(files: [path], settings: ScanSettings()).run()
    XCTAssertEqual(report.events.count, 1)
    let e = try XCTUnwrap(report.events.first)
    XCTAssertEqual(e.file, path)
    XCTAssertGreaterThan(e.framesWithMotion, 50)
    XCTAssertLessThanOrEqual(e.start.frame, e.peak.frame)
    XCTAssertLessThanOrEqual(e.peak.frame, e.end.frame)
    XCTAssertEqual(report.inputs.count, 1)
    XCTAssertEqual(report.inputs[0].sha256.count, 64)
    XCTAssertEqual(report.json["command"]?.stringValue, "scan")
    XCTAssertEqual(report.json["events"]?.arrayValue?.count, 1)
    XCTAssertEqual(report.json["scanned"]?["frames_analysed"]?.intValue, report.framesAnalysed)
    XCTAssertEqual(report.csv.split(separator: "\n").count, 2)
    XCTAssertTrue(report.text(elapsed: nil).hasPrefix("scanning the whole frame in 1 file, threshold 0.06, min event 0.4 s\n"))
    XCTAssertFalse(report.text(elapsed: nil).contains("realtime"))
    XCTAssertTrue(report.text(elapsed: 1).contains("realtime"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scanjob-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try report.writeThumbnails(into: dir)
    let thumb = try XCTUnwrap(report.events[0].thumbnail)
    XCTAssertTrue(FileManager.default.fileExists(atPath: thumb))
    XCTAssertEqual(report.events[0].json["thumbnails"]?["peak"]?.stringValue, thumb)
  }

  /// Two files on one timeline: the second starts where the first truly ends (its last
  /// frame plus that frame's duration), and the table gives each event's timeline start
  /// beside its file time, saying which clock is which.
  func testTimelineTableShowsFileTimeAndTimelineTime() throws {
    let path = try clip("passerby.mp4")
    let report = try ScanJob(files: [path, path], settings: ScanSettings()).run()
    XCTAssertEqual(report.events.count, 2)
    XCTAssertEqual(report.timeline.entries[1].offset, 15.0, accuracy: 1e-9, "last frame 14.96 s + 0.04 s")
    let text = report.text(elapsed: nil)
    XCTAssertTrue(text.contains("start, end: file time"), text)
    let rows = text.split(separator: "\n").filter { $0.hasPrefix(" 1 ") || $0.hasPrefix(" 2 ") }
    XCTAssertEqual(rows.count, 2)
    let first = report.events[0], second = report.events[1]
    XCTAssertEqual(first.start.timecode, second.start.timecode, "the same file time")
    XCTAssertTrue(rows[1].contains(Timecode.format(15.0 + second.start.time)), "\(rows[1])")
  }

  func testJobChecksTheRequestAgainstTheFootage() throws {
    let path = try clip("passerby.mp4")
    var s = ScanSettings()
    s.regions = [try RegionSpec(parsing: "700,0,10,10")]
    XCTAssertThrowsError(try ScanJob(files: [path], settings: s)) { XCTAssertEqual(($0 as? SettingError)?.setting, "roi") }
    XCTAssertThrowsError(try ScanJob(files: [path], settings: ScanSettings(), from: .seconds(99))) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "from")
    }
    XCTAssertThrowsError(try ScanJob(files: [path], settings: ScanSettings(), from: .frame(100), to: .frame(50))) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "to")
    }
    XCTAssertThrowsError(try ScanJob(files: [path, try clip("mjpeg.avi")], settings: ScanSettings())) { XCTAssertTrue($0 is TimelineError) }
    // A window in frame numbers counts on the first file's clock (25 fps).
    let job = try ScanJob(files: [path], settings: ScanSettings(), from: .frame(50), to: .frame(250))
    XCTAssertEqual(job.settings.from, 2)
    XCTAssertEqual(job.settings.to, 10)
    XCTAssertEqual(job.secondsToScan, 8)
  }

  func testWithoutInputRecordsAndWithStats() throws {
    let path = try clip("passerby.mp4")
    let stats = FileManager.default.temporaryDirectory.appendingPathComponent("scanjob-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: stats) }
    var job = try ScanJob(files: [path], settings: ScanSettings())
    job.recordsInputs = false
    job.statsPath = stats
    var samples = 0
    job.onSample = { _ in samples += 1 }
    let report = try job.run()
    XCTAssertTrue(report.inputs.isEmpty)
    XCTAssertEqual(samples, report.framesAnalysed)
    let lines = try String(contentsOfFile: stats, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.first, "file,frame,time,timeline,score,threshold,pixel_threshold,lighting")
    XCTAssertEqual(lines.count, report.framesAnalysed + 1)
  }
}
