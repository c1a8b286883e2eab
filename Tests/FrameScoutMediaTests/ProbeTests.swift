import FrameScoutCore
@testable import FrameScoutMedia
import Foundation
import XCTest

final class ProbeTests: XCTestCase {
  /// probe --count agrees with ffprobe (width, height, codec, decoded frame count) and with
  /// the truth file on every clip.
  func testProbeMatchesFFprobeAndTruthOnEveryClip() throws {
    let clips = try allClips().filter { !["not_a_video.mp4", "truncated.mp4"].contains($0) }
    XCTAssertGreaterThanOrEqual(clips.count, 8)
    for name in clips {
      let path = testVideos.appendingPathComponent(name).path
      let t = try truth(name)
      let r = try ProbeResult.probe(path: path, count: true)
      XCTAssertEqual(r.stream.width, t["width"] as? Int, name)
      XCTAssertEqual(r.stream.height, t["height"] as? Int, name)
      XCTAssertEqual(r.stream.codec, t["codec"] as? String, name)
      XCTAssertEqual(r.frames, t["frames"] as? Int, name)
      XCTAssertEqual(r.bytes, try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
      XCTAssertEqual(r.sha256.count, 64)
      if let gop = t["keyframe_interval"] as? Int, let measured = r.packets.keyframeInterval {
        XCTAssertLessThanOrEqual(measured.max, gop, name)
      }
      if r.hasTimestamps, let fps = t["fps"] as? Double, t["timestamp_gaps"] as? Bool != true {
        XCTAssertEqual(r.packets.measuredFPS ?? 0, fps, accuracy: 0.01, name)
        XCTAssertEqual(r.packets.variableFrameRate, false, name)
      }
      guard let ff = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                         "-show_entries", "stream=width,height,codec_name,nb_read_frames", "-of", "json", path]) else {
        continue
      }
      let json = try JSONSerialization.jsonObject(with: Data(ff.out.utf8)) as! [String: Any]
      let s = (json["streams"] as! [[String: Any]])[0]
      XCTAssertEqual(r.stream.width, s["width"] as? Int, name)
      XCTAssertEqual(r.stream.height, s["height"] as? Int, name)
      XCTAssertEqual(r.stream.codec, s["codec_name"] as? String, name)
      XCTAssertEqual(r.frames.map(String.init), s["nb_read_frames"] as? String, name)
    }
  }

  func testSHA256MatchesSha256sum() throws {
    let path = try clip("passerby.mp4")
    guard let r = try runTool("sha256sum", [path]) else { throw XCTSkip("no sha256sum") }
    XCTAssertEqual(try FileDigest.sha256(path: path).hex, String(r.out.prefix(64)))
  }

  func testBadInputsGiveOneLineReasons() throws {
    let dir = try temporaryDirectory(self)
    let empty = dir.appendingPathComponent("empty.mp4").path
    FileManager.default.createFile(atPath: empty, contents: Data())
    let cases: [(String, MediaError.Kind, String)] = [
      (dir.appendingPathComponent("missing.mp4").path, .notFound, "no such file"),
      (dir.path, .isDirectory, "is a directory"),
      (empty, .empty, "empty file"),
      (try clip("not_a_video.mp4"), .notVideo, "not a video"),
    ]
    for (path, kind, words) in cases {
      XCTAssertThrowsError(try VideoDecoder(path: path)) { error in
        let e = error as! MediaError
        XCTAssertEqual(e.kind, kind, path)
        XCTAssertTrue(e.description.hasPrefix(path + ": "), e.description)
        XCTAssertTrue(e.description.contains(words), e.description)
        XCTAssertFalse(e.description.contains("\n"))
      }
    }
  }

  func testUnsupportedCodecIsNamed() throws {
    // An AVI whose fourcc no decoder knows: rewrite MJPG in a copy of the MJPEG clip.
    let dir = try temporaryDirectory(self)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try clip("mjpeg.avi"))))
    let mjpg = Array("MJPG".utf8), zzzz = Array("ZZZZ".utf8)
    var replaced = 0
    for k in 0..<(min(bytes.count, 4096) - 4) where Array(bytes[k..<k + 4]) == mjpg || Array(bytes[k..<k + 4]) == Array("mjpg".utf8) {
      bytes.replaceSubrange(k..<k + 4, with: zzzz); replaced += 1
    }
    XCTAssertGreaterThan(replaced, 0)
    let path = dir.appendingPathComponent("odd.avi").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try VideoDecoder(path: path)) { error in
      let e = error as! MediaError
      XCTAssertEqual(e.kind, .unsupportedCodec, e.description)
      XCTAssertTrue(e.description.contains("ZZZZ"), e.description)
    }
  }

  func testTruncatedMP4WithoutIndexIsNamed() throws {
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("cut.mp4").path
    // Without +faststart the moov atom is at the end: cutting the file loses the index.
    let src = try clip("passerby.mp4")
    guard let r = try runTool("ffmpeg", ["-v", "error", "-y", "-i", src, "-c", "copy", "-movflags", "-faststart", dir.appendingPathComponent("tail.mp4").path]),
          r.status == 0 else { throw XCTSkip("no ffmpeg CLI") }
    let whole = try Data(contentsOf: dir.appendingPathComponent("tail.mp4"))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try VideoDecoder(path: path)) { error in
      XCTAssertTrue((error as! MediaError).description.contains("truncated"), "\(error)")
    }
  }

  func testJPEGRoundTripAndErrorsAreValues() throws {
    var image = RGBImage(width: 64, height: 48, fill: (200, 30, 30))
    image.drawText("12:34", x: 2, y: 2)
    let jpeg = try JPEGEncoder.encode(image, quality: 90)
    XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8])
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("t.jpg").path
    try AtomicFile.write(jpeg, to: path)
    // Read it back with FFmpeg's image decoder.
    let decoder = try VideoDecoder(path: path)
    var size = (0, 0), red = (UInt8(0), UInt8(0), UInt8(0))
    try decoder.forEachFrame { f in size = (f.luma.width, f.luma.height); red = f.rgb().pixel(40, 40); return .stop }
    XCTAssertTrue(size == (64, 48))
    XCTAssertEqual(Double(red.0), 200, accuracy: 12)
    XCTAssertEqual(Double(red.1), 30, accuracy: 12)
    // A libjpeg error comes back as a thrown value, not exit().
    XCTAssertThrowsError(try JPEGEncoder.encode(RGBImage(width: 0, height: 10)))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["t.jpg"], "no temporary file left behind")
  }

  /// A stream ends at its last frame's time plus that frame's duration, whatever the
  /// container declares.
  func testStreamEndIsTheLastFrameAndItsDuration() throws {
    for (name, end) in [("passerby.mp4", 15.0), ("passerby.ts", 15.0), ("static.mkv", 10.0)] {
      let path = try clip(name)
      let info = try VideoDecoder(path: path).info
      XCTAssertEqual(try XCTUnwrap(StreamEnd.measure(path: path, declared: info.duration)), end, accuracy: 1e-6, name)
    }
    XCTAssertNil(StreamEnd.measure(path: try clip("parcel_taken.h264"), declared: nil), "no timestamps: the declared duration is all there is")
  }
}
