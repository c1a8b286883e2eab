import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// `ObjectFinder` on TestVideos: targets cropped from a recompressed copy of another clip
/// or frame, found at 0.5×, 1× and 2× their size, and never found where they are absent.
final class FindTests: XCTestCase {
  static let videos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestVideos")
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-find-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }
  override func tearDown() { try? FileManager.default.removeItem(at: dir) }

  func clip(_ name: String) throws -> String {
    let p = Self.videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("missing \(name)") }
    return p
  }

  func ffmpeg(_ args: [String]) throws { try Self.ffmpeg(args) }

  /// Runs the ffmpeg CLI quietly; skips the test when it fails or is missing.
  static func ffmpeg(_ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["ffmpeg", "-v", "error", "-nostdin", "-y"] + args
    try p.run()
    p.waitUntilExit()
    if p.terminationStatus != 0 { throw XCTSkip("ffmpeg CLI failed or missing") }
  }

  /// A crop `w:h:x:y` of frame `n` of a recompressed (CRF 35) copy of `name`, as PNG.
  func crop(_ name: String, frame n: Int, _ box: [Int]) throws -> String {
    let copy = dir.appendingPathComponent("re-\(name).mp4").path
    if !FileManager.default.fileExists(atPath: copy) {
      try ffmpeg(["-i", try clip(name), "-c:v", "libx264", "-crf", "35", "-preset", "veryfast", copy])
    }
    let out = dir.appendingPathComponent("crop-\(name)-\(n)-\(box.map(String.init).joined(separator: "_")).png").path
    try ffmpeg(["-i", copy, "-vf", "select=eq(n\\,\(n)),crop=\(box[2]):\(box[3]):\(box[0]):\(box[1])", "-frames:v", "1", out])
    return out
  }

  func find(_ target: String, in paths: [String]) throws -> FindResult {
    let (gray, colour) = try StillImage.load(path: target)
    var s = FindSettings()
    s.targetColour = colour
    return try ObjectFinder(paths: paths, target: gray, settings: s).run()
  }

  func iou(_ a: PixelRect, _ b: [Int]) -> Double {
    let x0 = max(a.x, b[0]), y0 = max(a.y, b[1]), x1 = min(a.x + a.width, b[0] + b[2]), y1 = min(a.y + a.height, b[1] + b[3])
    let i = Double(max(0, x1 - x0) * max(0, y1 - y0))
    return i / (Double(a.width * a.height + b[2] * b[3]) - i)
  }

  /// Checks the ranges found against the truth (frames, 0.5 s = 12 frames at 25 fps) and the box.
  func assertRanges(_ r: FindResult, _ expected: [(Int, Int)], box: [Int], tolerance: Int = 12, _ label: String) {
    XCTAssertEqual(r.matches.count, expected.count, "\(label): \(r.matches.map { "#\($0.start.frame)-#\($0.end.frame)" })")
    for (e, (a, b)) in zip(r.matches, expected) {
      XCTAssertLessThanOrEqual(abs(e.start.frame - a), tolerance, "\(label): start #\(e.start.frame), truth #\(a)")
      XCTAssertLessThanOrEqual(abs(e.end.frame - b), tolerance, "\(label): end #\(e.end.frame), truth #\(b)")
      XCTAssertGreaterThanOrEqual(iou(e.box, box), 0.5, "\(label): box \(e.box) vs truth \(box)")
    }
  }

  func testBagFoundWhenVisibleAndNowhereElse() throws {
    let bag = [150, 248, 56, 42]
    let target = try crop("bag_left.mp4", frame: 390, bag)
    // Visible once the person who hid it has gone (frame 224) until the end (399).
    assertRanges(try find(target, in: [try clip("bag_left.mp4")]), [(224, 399)], box: bag, "bag in bag_left")
    for other in ["parcel_taken.mp4", "passerby.mp4", "static.mkv", "night_noise.mp4", "osd_clock.mp4",
                  "light_switch.mp4", "lighting_gradual.mp4"] {
      let r = try find(target, in: [try clip(other)])
      XCTAssertTrue(r.matches.isEmpty, "bag reported in \(other): \(r.matches.map { "#\($0.start.frame) \($0.box) \($0.score)" })")
    }
  }

  func testParcelAtItsOwnSizeHalfAndDouble() throws {
    let parcel = [392, 146, 56, 44]
    let target = try crop("passerby.mp4", frame: 10, parcel)
    // 1×: visible until the person hides it (166) in parcel_taken.
    assertRanges(try find(target, in: [try clip("parcel_taken.mp4")]), [(0, 165)], box: parcel, "parcel 1x")
    // 0.5×: the 320×180 MJPEG clip, parcel hidden at 70–83.
    assertRanges(try find(target, in: [try clip("mjpeg.avi")]), [(0, 69), (84, 149)], box: [196, 73, 28, 22], "parcel 0.5x")
    // 2×: the first 4 s of parcel_taken enlarged to 1280×720.
    let big = dir.appendingPathComponent("big.mp4").path
    try ffmpeg(["-i", try clip("parcel_taken.mp4"), "-t", "4", "-vf", "scale=1280:720", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", big])
    assertRanges(try find(target, in: [big]), [(0, 99)], box: [784, 292, 112, 88], "parcel 2x")
  }

  /// The last range of an MPEG-TS runs to its last frame: the seek past the last keyframe
  /// (bisection, landing on a frame the decoder cannot start from) is tried again from
  /// earlier; it ended at #350, the last keyframe, with nothing refined.
  func testRangeRunsToTheLastFrameOfAnMPEGTS() throws {
    let target = try crop("passerby.mp4", frame: 10, [392, 146, 56, 44])
    let r = try find(target, in: [try clip("passerby.ts")])
    XCTAssertEqual(r.matches.first?.start.frame, 0, "\(r.matches.map { "#\($0.start.frame)-#\($0.end.frame)" })")
    XCTAssertEqual(r.matches.last?.end.frame, 374, "\(r.matches.map { "#\($0.start.frame)-#\($0.end.frame)" })")
    XCTAssertGreaterThan(r.framesRefined, 0)
  }

  func testSmallTarget() throws {
    // A 16×16 piece of the parcel (its top-left corner) from another clip.
    let target = try crop("passerby.mp4", frame: 30, [386, 140, 16, 16])
    let r = try find(target, in: [try clip("parcel_taken.mp4")])
    XCTAssertEqual(r.matches.count, 1, "\(r.matches.map { "#\($0.start.frame)-#\($0.end.frame) \($0.box)" })")
    if let e = r.matches.first {
      XCTAssertLessThanOrEqual(e.start.frame, 12)
      XCTAssertGreaterThanOrEqual(iou(e.box, [386, 140, 16, 16]), 0.5, "\(e.box)")
      XCTAssertLessThanOrEqual(abs(e.end.frame - 165), 12)
    }
  }

  func testHalfFrameTarget() throws {
    // A quarter of the picture (half its width and height) from a recompressed copy.
    let box = [240, 100, 320, 180]
    let target = try crop("passerby.mp4", frame: 10, box)
    let r = try find(target, in: [try clip("parcel_taken.mp4")])
    XCTAssertFalse(r.matches.isEmpty)
    XCTAssertEqual(r.matches.first?.start.frame, 0)
    for e in r.matches { XCTAssertGreaterThanOrEqual(iou(e.box, box), 0.5, "\(e.box)") }
  }
}

/// `find`'s settings check and describe themselves.
final class FindSettingsTests: XCTestCase {
  func testFindSettingsCheckThemselves() {
    let s = FindSettings()
    XCTAssertNoThrow(try s.validate())
    func rejected(_ change: (inout FindSettings) -> Void) -> SettingError? {
      var t = s
      change(&t)
      do { try t.validate() } catch { return error }
      return nil
    }
    XCTAssertEqual(rejected { $0.minimumScore = 1 }, SettingError("min_score", "must be between 0 and 1"))
    XCTAssertEqual(rejected { $0.scales = 0...2 }?.setting, "scales")
    XCTAssertEqual(rejected { $0.scales = 1...9 }?.setting, "scales")
    XCTAssertEqual(rejected { $0.every = 0 }, SettingError("every", "must be 1 or more"))
    XCTAssertEqual(rejected { $0.keyframeSpacing = 0 }, SettingError("spacing", "must be between 0 and 600 seconds"))
    XCTAssertEqual(rejected { $0.analysisWidth = 8 }?.setting, "analysis_width")
  }

  /// `parameters` after the target's facts is the block `find --json` writes.
  func testFindSettingsDescribeThemselves() throws {
    var s = FindSettings()
    XCTAssertEqual(s.parameters.map(\.0), ["roi", "min_score", "scales", "every", "spacing", "analysis_width", "colour"])
    s.every = 5
    s.region = try RegionSpec(parsing: "0,50%,50%,50%")
    s.analysisWidth = 640
    s.targetColour = Chroma(u: 109.2512, v: 121.4049)
    XCTAssertEqual(JSONValue.object(s.parameters).serialized(), JSONValue.object([
      ("roi", "0,50%,50%,50%"), ("min_score", 0.75), ("scales", .array([0.5, 2.0])), ("every", 5), ("spacing", .null),
      ("analysis_width", 640), ("colour", .array([109.25, 121.4]))]).serialized())
  }
}
