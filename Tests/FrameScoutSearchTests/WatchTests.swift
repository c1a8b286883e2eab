import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// `RegionWatcher` scored against TestVideos/*.truth.json, in both modes.
final class WatchTests: XCTestCase {
  static let videos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestVideos")

  func path(_ name: String) throws -> String {
    let p = Self.videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("missing \(name)") }
    return p
  }

  func truth(_ name: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: Self.videos.appendingPathComponent(name + ".truth.json"))) as! [String: Any]
  }

  func watch(_ paths: [String], roi: [Int], exhaustive: Bool) throws -> WatchResult {
    var s = WatchSettings(region: try RegionSpec(parsing: roi.map(String.init).joined(separator: ",")))
    s.exhaustive = exhaustive
    return try RegionWatcher(paths: paths, settings: s).run()
  }

  /// Every appearance/disappearance in the truth, exact to ±1 frame with the right kind,
  /// in coarse and exhaustive mode alike.
  func testObjectChangesAreFoundExactly() throws {
    var checked = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: Self.videos.path).sorted() where name.hasSuffix(".truth.json") {
      let clip = String(name.dropLast(".truth.json".count))
      let t = try truth(clip)
      guard let objects = t["objects"] as? [[String: Any]], !objects.isEmpty else { continue }
      for object in objects {
        let box = object["box"] as! [Int], frame = object["frame"] as! Int, kind = object["kind"] as! String
        let coarse = try watch([try path(clip)], roi: box, exhaustive: false)
        let exhaustive = try watch([try path(clip)], roi: box, exhaustive: true)
        for (mode, r) in [("coarse", coarse), ("exhaustive", exhaustive)] {
          XCTAssertEqual(r.changes.count, 1, "\(clip) \(mode): \(r.changes.map { "\($0.kind) #\($0.start.frame)" })")
          guard let e = r.changes.first else { continue }
          XCTAssertEqual(e.kind.rawValue, kind, "\(clip) \(mode)")
          XCTAssertLessThanOrEqual(abs(e.start.frame - frame), 1, "\(clip) \(mode): #\(e.start.frame), truth #\(frame)")
          XCTAssertEqual(e.start.time, Double(e.start.frame) / 25, accuracy: 1e-6)
        }
        XCTAssertEqual(coarse.changes.map(\.start.frame), exhaustive.changes.map(\.start.frame), "\(clip): the modes disagree")
        checked += 1
      }
    }
    XCTAssertGreaterThanOrEqual(checked, 3, "parcel_taken (mp4 and raw h264) and bag_left at least")
  }

  /// Passers-by, lighting, noise, an OSD clock and a static scene: no event in either mode.
  func testNoEventWithoutAStateChange() throws {
    for clip in ["passerby.mp4", "passerby.ts", "lighting_gradual.mp4", "light_switch.mp4", "night_noise.mp4",
                 "static.mkv", "osd_clock.mp4"] {
      let t = try truth(clip)
      let box = ((t["static_objects"] as? [[String: Any]])?.first?["box"] as? [Int]) ?? [392, 146, 56, 44]
      for exhaustive in [false, true] {
        let r = try watch([try path(clip)], roi: box, exhaustive: exhaustive)
        XCTAssertTrue(r.changes.isEmpty, "\(clip) exhaustive=\(exhaustive): \(r.changes.map { "\($0.kind) #\($0.start.frame)" })")
      }
    }
  }

  /// Two files of one camera are one timeline: the change in the second file is reported
  /// with its own frame number and its place on the timeline.
  func testSeveralFilesAreOneTimeline() throws {
    let first = try path("passerby.mp4"), second = try path("parcel_taken.mp4")
    let truthFrame = ((try truth("parcel_taken.mp4")["objects"] as! [[String: Any]])[0]["frame"] as! Int)
    for exhaustive in [false, true] {
      let r = try watch([first, second], roi: [392, 146, 56, 44], exhaustive: exhaustive)
      XCTAssertEqual(r.changes.count, 1, "exhaustive=\(exhaustive): \(r.changes.map { "\($0.file) #\($0.start.frame)" })")
      guard let e = r.changes.first else { continue }
      XCTAssertEqual(e.file, second)
      XCTAssertLessThanOrEqual(abs(e.start.frame - truthFrame), 1)
      XCTAssertEqual(e.timelineTime, 375.0 / 25 + e.start.time, accuracy: 1e-6)
    }
  }

  func testFromAndToLimitTheSearch() throws {
    let clip = try path("parcel_taken.mp4")
    var s = WatchSettings(region: try RegionSpec(parsing: "392,146,56,44"))
    s.to = 6
    XCTAssertTrue(try RegionWatcher(paths: [clip], settings: s).run().changes.isEmpty, "the change is after 6 s")
    s.to = nil
    s.from = 4
    let r = try RegionWatcher(paths: [clip], settings: s).run()
    XCTAssertEqual(r.changes.count, 1)
  }
}
