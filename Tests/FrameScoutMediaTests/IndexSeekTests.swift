import FrameScoutCore
@testable import FrameScoutMedia
import Foundation
import XCTest

/// Seeking through a `PacketIndex` (Dahua .dav, MPEG-PS): frame_index.mp4 shows each
/// frame's number as bars, so a frame's number after a seek can be checked against the
/// picture itself.
final class IndexSeekTests: XCTestCase {
  /// frame_index.mp4 as a .dav (re-encoded without B-frames, a keyframe every 40 frames:
  /// most keyframes fall inside a second), a Hikvision export, and FFmpeg's own MPEG-PS
  /// muxing (frames share PES packets and most carry no pts).
  func copies(in dir: URL) throws -> [String: String] {
    let source = try clip("frame_index.mp4")
    guard try runTool("ffmpeg", ["-version"])?.status == 0 else { throw XCTSkip("no ffmpeg CLI: the copies cannot be made") }
    let tools = packageRoot.appendingPathComponent("tools")
    let dav = dir.appendingPathComponent("index.dav").path, hik = dir.appendingPathComponent("index_hik.mp4").path
    let vob = dir.appendingPathComponent("index.vob").path
    let steps: [(String, [String])] = [
      (tools.appendingPathComponent("make-dav").path, [source, dav, "--reencode", dir.appendingPathComponent("ref.mp4").path, "--gop", "40"]),
      (tools.appendingPathComponent("make-hik").path, [source, hik]),
      ("/usr/bin/env", ["ffmpeg", "-v", "fatal", "-y", "-i", source, "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "vob", vob]),
    ]
    for (tool, args) in steps {
      XCTAssertEqual(try runTool(tool, args)?.status, 0, "\(tool) \(args.joined(separator: " "))")
    }
    return ["dhav": dav, "mpeg (Hikvision)": hik, "mpeg (FFmpeg)": vob]
  }

  /// The number a frame of frame_index.mp4 carries: bar k (32 px wide) is white when bit k is set.
  func shownNumber(_ luma: GrayView) -> Int {
    var n = 0
    for k in 0..<10 where luma[k * 32 + 16, luma.height / 2] > 128 { n |= 1 << k }
    return n
  }

  func testSeeksLandOnTheKeyframeAtOrBeforeWithTheFramesOwnNumberAndTime() throws {
    let dir = try temporaryDirectory(self)
    for (container, path) in try copies(in: dir) {
      let decoder = try VideoDecoder(path: path)
      XCTAssertTrue(decoder.input.seeksThroughIndex, container)
      // Forward, backward, on a keyframe, just before one, past the last one, at the start.
      for at in [3.3, 9.7, 1.6, 6.39, 11.9, 0.5, 0] {
        try decoder.seek(toKeyframeAtOrBefore: at)
        var seen: [(index: Int, shown: Int, time: Double, key: Bool)] = []
        try decoder.forEachFrame { f in
          seen.append((f.index, self.shownNumber(f.luma), f.time, f.isKeyframe))
          return seen.count == 12 ? .stop : .next
        }
        let what = "\(container) seek to \(at)"
        XCTAssertEqual(seen.first?.key, true, what)
        XCTAssertLessThanOrEqual(seen.first?.time ?? 99, at + 1e-6, what)
        // FFmpeg's own MPEG-PS leaves most keyframes without a pts: sought from the first one.
        if container != "mpeg (FFmpeg)" {
          XCTAssertGreaterThan(seen.first?.time ?? -1, at - 2.01, "\(what): landed more than a GOP early")
          XCTAssertEqual(decoder.skipUntil, 0, "\(what): the landing was refused and the file read through")
        }
        for f in seen {
          XCTAssertEqual(f.index, f.shown, "\(what): frame #\(f.shown) numbered #\(f.index)")
          XCTAssertEqual(f.time, Double(f.shown) / 25, accuracy: 1e-6, "\(what): frame #\(f.shown)")
        }
      }
    }
  }

  /// A landing the index does not confirm (the packet read is not the keyframe sought) is
  /// not trusted: the file is read through from its first keyframe, the packets before the
  /// one sought counted, not decoded, and the frames keep their numbers.
  func testARefusedLandingReadsThroughWithTheSameNumbers() throws {
    let hik = try XCTUnwrap(try copies(in: try temporaryDirectory(self))["mpeg (Hikvision)"])
    let decoder = try VideoDecoder(path: hik)
    try decoder.seek(toKeyframeAtOrBefore: 0)
    var index = try XCTUnwrap(decoder.packetIndex)
    let k = index.keyframes[3]
    index.keyframes[3] = PacketIndex.Keyframe(position: k.position, offset: k.offset + 1, pts: k.pts)
    decoder.packetIndex = index
    try decoder.seek(toKeyframeAtOrBefore: 6.39)
    var seen: [(index: Int, shown: Int)] = []
    try decoder.forEachFrame { f in seen.append((f.index, self.shownNumber(f.luma))); return seen.count == 30 ? .stop : .next }
    XCTAssertEqual(decoder.skipUntil, k.position, "the landing should have been refused")
    XCTAssertEqual(seen.first?.index, k.position)
    for f in seen { XCTAssertEqual(f.index, f.shown, "frame #\(f.shown) numbered #\(f.index)") }
  }

  /// The dhav demuxer's own seek, for the record (`ffmpeg -ss`, which seeks with it and
  /// drops the frames before the time asked): the frame it delivers as 3.32 s is not frame
  /// #83. The reason `.dav` files are sought through the index; when this fails, FFmpeg's
  /// dhav times its seeks right.
  func testTheDhavDemuxersOwnSeekMistimesTheFrames() throws {
    let dav = try XCTUnwrap(try copies(in: try temporaryDirectory(self))["dhav"])
    func frames(_ seek: [String], _ count: [String]) throws -> [(pts: Int, md5: Substring)] {
      let r = try XCTUnwrap(try runTool("ffmpeg", ["-v", "error"] + seek + ["-i", dav, "-map", "0:v", "-copyts"] + count + ["-f", "framemd5", "-"]))
      return r.out.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return (Int(cells[1]) ?? -1, line.split(separator: ",").last!.dropFirst())
      }
    }
    let all = try frames([], []), sought = try frames(["-ss", "3.3"], ["-frames:v", "1"])
    let first = try XCTUnwrap(sought.first), origin = try XCTUnwrap(all.first).pts
    XCTAssertEqual(first.pts - origin, 83, "the frame delivered is stamped #83 (3.32 s at the 1/25 time base)")
    XCTAssertNotEqual(all.firstIndex { $0.md5 == first.md5 }, 83, "and it is not frame #83")
  }
}
