import Foundation
import XCTest

/// One clock: every engine numbers and times the frames of a file the same way. Each clip
/// goes through `scan --stats` (every analysed frame), `watch --exhaustive --stats` (every
/// frame), `audit --signals` (every frame) and `frame --at` (a few frames, by number and by
/// time); their frame numbers and times must agree exactly, with and without --fps, in every
/// container, and on clips whose timestamps jump or whose rate varies.
final class ClockConsistencyTests: XCTestCase {
  static let root = GoldenTests.root
  static let videos = root.appendingPathComponent("TestVideos")

  struct Row: Hashable { var frame: Int; var time: String }

  var binary: URL { builtFramescout() }

  func framescout(_ args: [String]) throws -> ProcessResult { try runProcess(binary, args) }

  /// (frame, time) of every data row of a CSV, from the named columns; times to the microsecond.
  func rows(_ csv: String, frame: String, time: String) -> [Row] {
    let lines = csv.split(separator: "\n").map(String.init)
    guard let header = lines.first?.split(separator: ",").map(String.init),
          let f = header.firstIndex(of: frame), let t = header.firstIndex(of: time) else { return [] }
    return lines.dropFirst().map { line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      return Row(frame: Int(cells[f]) ?? -1, time: String(format: "%.6f", Double(cells[t]) ?? -1))
    }
  }

  func check(_ clip: String, options: [String] = [], roi: String = "0,0,64,64", dir: URL) throws {
    let scanCSV = dir.appendingPathComponent("scan.csv").path, watchCSV = dir.appendingPathComponent("watch.csv").path
    let signals = dir.appendingPathComponent("signals.csv").path
    let what = ([clip] + options).joined(separator: " ")
    XCTAssertEqual(try framescout(["scan", clip, "--quiet", "--stats", scanCSV] + options).status, 0, what)
    XCTAssertEqual(try framescout(["watch", clip, "--roi", roi, "--exhaustive", "--stats", watchCSV] + options).status, 0, what)
    XCTAssertEqual(try framescout(["audit", clip, "--signals", signals] + options).status, 0, what)
    let scan = rows(try String(contentsOfFile: scanCSV, encoding: .utf8), frame: "frame", time: "time")
    let watch = rows(try String(contentsOfFile: watchCSV, encoding: .utf8), frame: "frame", time: "time")
    let audit = rows(try String(contentsOfFile: signals, encoding: .utf8), frame: "frame", time: "time")
    XCTAssertGreaterThan(scan.count, 10, what)
    XCTAssertEqual(scan, audit, "\(what): scan and audit disagree at \(zip(scan, audit).first { $0 != $1 }.map { "\($0) / \($1)" } ?? "the count")")
    // watch --exhaustive samples every frame (the warm-up's once they have taught the first state).
    XCTAssertEqual(scan, watch, "\(what): scan and watch disagree at \(zip(scan, watch).first { $0 != $1 }.map { "\($0) / \($1)" } ?? "the count")")
    // frame export, by number and by time: the same frame, the same time.
    for row in [scan[0], scan[scan.count / 3], scan[scan.count - 1]] {
      let out = dir.appendingPathComponent("f.jpg").path
      let byNumber = try framescout(["frame", clip, "--at", "#\(row.frame)", "-o", out] + options)
      XCTAssertEqual(byNumber.status, 0, "\(what): \(byNumber.err)")
      let shown = Double(row.time)!
      XCTAssertTrue(byNumber.out.contains("frame #\(row.frame) at \(timecode(shown))"), "\(what): \(byNumber.out) for \(row)")
      let byTime = try framescout(["frame", clip, "--at", String(format: "%.3f", shown + 0.0004), "-o", out] + options)
      XCTAssertTrue(byTime.out.contains("frame #\(row.frame) at"), "\(what): --at \(shown): \(byTime.out)\(byTime.err) for \(row)")
    }
  }

  func timecode(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    return String(format: "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
  }

  func testEveryClipIsNumberedAndTimedAlikeByEveryCommand() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-clock-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let clips = try FileManager.default.contentsOfDirectory(atPath: Self.videos.path)
      .filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".md") && $0 != "not_a_video.mp4" }.sorted()
    XCTAssertGreaterThanOrEqual(clips.count, 20)
    for clip in clips { try check(Self.videos.appendingPathComponent(clip).path, dir: dir) }
    // Raw H.264 timed by the user's rate, and a rate the bitstream does not say.
    let raw = Self.videos.appendingPathComponent("parcel_taken.h264").path
    try check(raw, options: ["--fps", "30"], dir: dir)
    try check(raw, options: ["--fps", "12.5"], dir: dir)
    // A variable frame rate: 25 fps for 60 frames, then 50 fps (timestamps tell each frame's time).
    let vfr = dir.appendingPathComponent("vfr.mkv").path
    let make = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", Self.videos.appendingPathComponent("passerby.mp4").path,
                      "-vf", "setpts='if(lt(N,60),N/25,60/25+(N-60)/50)/TB'", "-fps_mode", "passthrough", "-c:v", "libx264",
                      "-preset", "ultrafast", "-g", "50", "-enc_time_base", "1:1000", vfr])
    XCTAssertEqual(make.status, 0, "ffmpeg could not make the VFR clip: \(make.err)")
    try check(vfr, dir: dir)
  }
}
