import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation
import XCTest

/// The façade's `watch` and `find`: a library caller gets what the command line writes.
final class WatchFindJobTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  var dir: URL!
  var previousDirectory = ""

  /// Runs in the package folder (the golden outputs name their inputs relative to it).
  override func setUpWithError() throws {
    guard FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("TestVideos/parcel_taken.mp4").path) else {
      throw XCTSkip("missing TestVideos/parcel_taken.mp4")
    }
    previousDirectory = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(Self.root.path)
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-jobs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDown() {
    if !previousDirectory.isEmpty { _ = FileManager.default.changeCurrentDirectoryPath(previousDirectory) }
    if let dir { try? FileManager.default.removeItem(at: dir) }
  }

  func golden(_ name: String) throws -> String {
    try String(contentsOf: Self.root.appendingPathComponent("Tests/Golden/" + name), encoding: .utf8)
  }

  /// `WatchJob` gives `watch --json`'s bytes, and the text, the thumbnails and the stats.
  func testWatchJobWritesWhatTheCommandWrites() throws {
    var job = WatchJob(files: ["TestVideos/parcel_taken.mp4"], settings: WatchSettings(region: try RegionSpec(parsing: "392,146,56,44")))
    XCTAssertEqual(try job.run().json.serialized(), try golden("watch-parcel.json"))
    let stats = dir.appendingPathComponent("w.csv").path
    job.statsPath = stats
    job.recordsInputs = false
    var report = try job.run()
    XCTAssertTrue(report.inputs.isEmpty)
    XCTAssertEqual(try String(contentsOfFile: stats, encoding: .utf8), try golden("watch-stats.csv"))
    let text = report.text(elapsed: nil)
    XCTAssertTrue(text.hasPrefix("watching 392,146,56,44 (x,y,w,h) in 1 file, coarse, hold 5 s\ndisappeared #233     00:00:09.320  distance 0.68  TestVideos/parcel_taken.mp4  (previous state last seen #164 00:00:06.560; hidden in between)\n"), text)
    XCTAssertFalse(text.contains("realtime"), "no speed line without the elapsed time")
    XCTAssertTrue(report.text(elapsed: 2).contains("2 keyframes sampled, 274 frames decoded, 2.00 s (8x realtime)"), report.text(elapsed: 2))
    let thumbs = dir.appendingPathComponent("t").path
    try report.writeThumbnails(into: thumbs)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: thumbs).sorted(), ["parcel_taken-164-before.jpg", "parcel_taken-233-after.jpg"])
    XCTAssertEqual(report.changes.first?.afterThumbnail, thumbs + "/parcel_taken-233-after.jpg")
    XCTAssertEqual(report.changes.first?.json["thumbnails"], .object([("before", .string(thumbs + "/parcel_taken-164-before.jpg")),
                                                                       ("after", .string(thumbs + "/parcel_taken-233-after.jpg"))]))
    XCTAssertTrue(report.text(elapsed: nil).contains("\n    before: \(thumbs)/parcel_taken-164-before.jpg\n    after: "))
  }

  /// The time window counts frame numbers on the first file's clock; a region that does
  /// not fit, or is too small to compare, is the `roi` setting's error.
  func testWatchJobResolvesTheWindowAndChecksTheRegion() throws {
    var job = WatchJob(files: ["TestVideos/parcel_taken.mp4"], settings: WatchSettings(region: try RegionSpec(parsing: "392,146,56,44")))
    job.from = .frame(100)
    job.recordsInputs = false
    let report = try job.run()
    XCTAssertEqual(report.settings.from, 4)
    XCTAssertEqual(report.changes.map(\.after.frame), [233])
    job.to = .seconds(2)
    XCTAssertThrowsError(try job.run()) { XCTAssertEqual(($0 as? SettingError)?.setting, "to") }
    for (spec, words) in [("600,300,100,100", "outside"), ("10,10,6,20", "too small to compare")] {
      let bad = WatchJob(files: ["TestVideos/parcel_taken.mp4"], settings: WatchSettings(region: try RegionSpec(parsing: spec)))
      XCTAssertThrowsError(try bad.run()) { error in
        XCTAssertEqual((error as? SettingError)?.setting, "roi")
        XCTAssertTrue("\(error)".contains(words), "\(error)")
      }
    }
  }

  /// `FindJob` gives `find --json`'s bytes; the target's facts come before the settings.
  func testFindJobWritesWhatTheCommandWrites() throws {
    var job = FindJob(files: ["TestVideos/parcel_taken.mp4"], target: "Tests/Golden/parcel-target.png", settings: FindSettings())
    XCTAssertEqual(try job.run().json.serialized(), try golden("find-parcel.json"))
    job.matchColour = false
    job.recordsInputs = false
    var report = try job.run()
    XCTAssertEqual(report.parameters.prefix(3).map(\.0), ["target", "target_sha256", "target_size"])
    XCTAssertEqual(report.settings.analysisWidth, 640)
    XCTAssertNil(report.settings.targetColour)
    XCTAssertEqual(report.matches.map { "\($0.start.frame)-\($0.end.frame) best #\($0.bestFrame) \($0.box)" }, ["0-165 best #0 392,146,56,44"])
    let thumbs = dir.appendingPathComponent("t").path
    try report.writeThumbnails(into: thumbs)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: thumbs), ["parcel_taken-0-match.jpg"])
    XCTAssertEqual(report.text(elapsed: nil), "00:00:00.000 - 00:00:06.600  #0-#165  score 1.00  box 392,146,56,44  best #0  TestVideos/parcel_taken.mp4\n    best: \(thumbs)/parcel_taken-0-match.jpg\n")
    XCTAssertEqual(report.matches.first?.json.serialized().contains("\"box\": [392, 146, 56, 44],\n  \"thumbnails\": {\n    \"best\""), true)
  }
}
