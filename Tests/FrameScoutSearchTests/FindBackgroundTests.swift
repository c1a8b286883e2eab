import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// The spot a target leaves behind must not match it: a box taped crosswise (a dark stripe
/// across, one down) rests on pavement where a dark kerb line meets a paving joint exactly
/// under its tapes; after the box is taken away the spot alone still has the crop's structure.
final class FindBackgroundTests: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-findbg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }
  override func tearDown() { try? FileManager.default.removeItem(at: dir) }

  static let (width, height, fps) = (640, 360, 25)
  static let box = [300, 170, 60, 50]
  static let stripe = 198..<206
  static let joint = 318..<326

  /// Deterministic grain in 0..<n.
  static func grain(_ x: Int, _ y: Int, _ n: Int, _ seed: Int) -> Int {
    var h = UInt32(truncatingIfNeeded: x &* 374_761_393 &+ y &* 668_265_263 &+ seed &* 2_147_483_647)
    h = (h ^ (h >> 13)) &* 1_274_126_177
    return Int((h ^ (h >> 16)) % UInt32(n))
  }

  /// One frame (planar 4:2:0): pavement with a kerb line; the box over it when `box`.
  static func frame(box: Bool, colour: Bool, into out: inout [UInt8]) {
    let (w, h) = (width, height)
    let b = Self.box
    for y in 0..<h {
      for x in 0..<w {
        var v = 118 + grain(x / 2, y / 2, 14, 1) - 7
        if stripe.contains(y) || (joint.contains(x) && (140..<250).contains(y)) { v = 62 + grain(x, y, 6, 2) }
        let inside = box && x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3]
        let tape = stripe.contains(y) || joint.contains(x)
        if inside { v = tape ? 58 : 150 + (x - b[0]) / 6 - (y - b[1]) / 8 + grain(x, y, 5, 3) }
        out[y * w + x] = UInt8(v)
      }
    }
    for y in 0..<h / 2 {
      for x in 0..<w / 2 {
        let inside = box && colour && 2 * x >= b[0] && 2 * x < b[0] + b[2] && 2 * y >= b[1] && 2 * y < b[1] + b[3]
        out[w * h + y * (w / 2) + x] = inside ? 112 : 128
        out[w * h * 5 / 4 + y * (w / 2) + x] = inside ? 142 : 128
      }
    }
  }

  func run(_ args: [String]) throws { try FindTests.ffmpeg(args) }

  /// A 10 s clip: the box from frame 0 to 124, the bare pavement from 125 on.
  func clip(colour: Bool) throws -> String {
    let raw = dir.appendingPathComponent("frames.yuv")
    var data = Data()
    var f = [UInt8](repeating: 0, count: Self.width * Self.height * 3 / 2)
    for n in 0..<(10 * Self.fps) {
      Self.frame(box: n < 125, colour: colour, into: &f)
      data.append(contentsOf: f)
    }
    try data.write(to: raw)
    let out = dir.appendingPathComponent("kerb-\(colour).mp4").path
    try run(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(Self.width)x\(Self.height)", "-r", "\(Self.fps)", "-i", raw.path,
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "25", "-pix_fmt", "yuv420p", out])
    return out
  }

  func find(colour: Bool) throws -> FindResult {
    let video = try clip(colour: colour)
    let crop = dir.appendingPathComponent("box-\(colour).png").path
    let b = Self.box
    try run(["-i", video, "-vf", "select=eq(n\\,50),crop=\(b[2]):\(b[3]):\(b[0]):\(b[1])", "-frames:v", "1", crop])
    let (gray, chroma) = try StillImage.load(path: crop)
    var s = FindSettings()
    s.targetColour = colour ? chroma : nil
    return try ObjectFinder(paths: [video], target: gray, settings: s).run()
  }

  /// Shapes only (as in infrared footage): the background check alone must end the range.
  func testTheKerbLineAloneDoesNotMatchTheBox() throws {
    let r = try find(colour: false)
    XCTAssertEqual(r.matches.count, 1, "\(r.matches.map { "#\($0.start.frame)-#\($0.end.frame) \($0.score)" })")
    XCTAssertEqual(r.matches.first?.start.frame, 0)
    XCTAssertLessThanOrEqual(abs((r.matches.first?.end.frame ?? 0) - 124), 2, "\(r.matches.map(\.end.frame))")
  }

  /// In colour: the brown box's colour is not the grey kerb's either.
  func testTheGreyKerbIsNotTheBrownBox() throws {
    let r = try find(colour: true)
    XCTAssertEqual(r.matches.count, 1, "\(r.matches.map { "#\($0.start.frame)-#\($0.end.frame) \($0.score)" })")
    XCTAssertLessThanOrEqual(abs((r.matches.first?.end.frame ?? 0) - 124), 2, "\(r.matches.map(\.end.frame))")
  }

  /// The difference correlation from the three NCCs: 1 for the object, near 0 for the
  /// background itself.
  func testDifferenceCorrelation() {
    XCTAssertEqual(FindPlace.differenceCorrelation(frameToTarget: 1, frameToBackground: 0.9, targetToBackground: 0.9), 1, accuracy: 1e-9)
    XCTAssertLessThan(FindPlace.differenceCorrelation(frameToTarget: 0.9, frameToBackground: 0.99, targetToBackground: 0.9), 0.25)
  }

  /// A faint brown is within 12 of grey, but grey is not along the brown's hue.
  func testColourAgreement() {
    let brown = Chroma(u: 120, v: 138)
    XCTAssertTrue(TargetSearch.colourAgrees(Chroma(u: 121, v: 137), brown))
    XCTAssertFalse(TargetSearch.colourAgrees(Chroma(u: 128, v: 128), brown))
    XCTAssertTrue(TargetSearch.colourAgrees(Chroma(u: 128, v: 128), Chroma(u: 127, v: 130)))
  }

  /// The ring keeps the latest sample and earlier ones a second or more apart, at most
  /// `capacity` of them, each with its own pixels (buffers reused, never shared).
  func testRecentSamplesKeepTheLatestAndOneASecond() {
    var ring = RecentSamples(capacity: 4, spacing: 1)
    var img = GrayImage(width: 20, height: 10)
    for n in 0..<60 {   // a sample every 0.2 s for 12 s
      for y in 0..<img.height { for x in 0..<img.width { img[x, y] = UInt8(n) } }
      img.withView { ring.add($0, frame: 5 * n, time: 0.2 * Double(n)) }
      let e = ring.entries
      XCTAssertLessThanOrEqual(e.count, 5)
      XCTAssertEqual(e.last?.frame, 5 * n)
      for k in e.indices {
        XCTAssertEqual(e[k].image.withView { $0[3, 7] }, UInt8(e[k].frame / 5), "entry \(k) after sample \(n)")
        if k >= 1 && k < e.count - 1 { XCTAssertGreaterThanOrEqual(e[k].time - e[k - 1].time, 1 - 1e-9) }
      }
    }
    XCTAssertEqual(ring.entries.count, 5)
    // 11.8 s the latest; the four earlier ones a second apart reach back over three seconds.
    XCTAssertEqual(ring.entries.map { ($0.time * 10).rounded() }, [80, 90, 100, 110, 118])
    ring.removeAll()
    XCTAssertTrue(ring.entries.isEmpty)
  }

  /// The share of the smaller box inside the larger: a half of the bag inside the bag's box is
  /// all inside, though their IoU is small.
  func testContainment() {
    let bag = PixelRect(x: 150, y: 248, width: 56, height: 42), half = PixelRect(x: 171, y: 252, width: 33, height: 25)
    XCTAssertEqual(TargetSearch.containment(bag, half), 1, accuracy: 1e-9)
    XCTAssertLessThan(TargetSearch.overlap(bag, half), 0.5)
    XCTAssertEqual(TargetSearch.containment(half, PixelRect(x: 204, y: 252, width: 33, height: 25)), 0)
    XCTAssertEqual(TargetSearch.containment(PixelRect(x: 0, y: 0, width: 10, height: 10), PixelRect(x: 5, y: 0, width: 10, height: 10)), 0.5, accuracy: 1e-9)
  }
}
