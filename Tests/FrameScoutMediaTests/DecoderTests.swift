import FrameScoutCore
@testable import FrameScoutMedia
import Foundation
import XCTest

final class DecoderTests: XCTestCase {
  /// The number a frame of frame_index.mp4 carries: bar k (32 px wide) is white when bit k is set.
  func frameNumberPattern(_ luma: GrayView) -> Int {
    var n = 0
    for k in 0..<10 where luma[k * 32 + 16, luma.height / 2] > 128 { n |= 1 << k }
    return n
  }

  func testEveryFrameInOrderWithPtsTimes() throws {
    let path = try clip("frame_index.mp4")
    let decoder = try VideoDecoder(path: path)
    var count = 0
    var lastTime = -1.0
    try decoder.forEachFrame { frame in
      XCTAssertEqual(frame.index, count)
      XCTAssertEqual(self.frameNumberPattern(frame.luma), frame.index, "frame \(frame.index) shows another frame")
      XCTAssertNotNil(frame.pts)
      XCTAssertEqual(frame.time, Double(frame.index) / 25, accuracy: 1e-9)
      XCTAssertGreaterThan(frame.time, lastTime)
      lastTime = frame.time
      XCTAssertEqual(frame.gray?.width, 320)
      XCTAssertEqual(frame.gray?.height, 240)
      count += 1
      return .next
    }
    XCTAssertEqual(count, try truth("frame_index.mp4")["frames"] as? Int)
    XCTAssertTrue(decoder.damage.isEmpty, decoder.damage.summary)
  }

  func testExactFrameByNumberAndTimeInEveryContainer() throws {
    // The same index-pattern frames, reached by seeking, in mp4 (B-frames), MPEG-TS, raw H.264.
    let mp4 = try clip("frame_index.mp4")
    let dir = try temporaryDirectory(self)
    var paths = [mp4]
    for (ext, args) in [("ts", ["-c", "copy", "-f", "mpegts"]), ("h264", ["-c", "copy", "-f", "h264"])] {
      let out = dir.appendingPathComponent("frame_index.\(ext)").path
      if let r = try runTool("ffmpeg", ["-v", "error", "-y", "-i", mp4] + args + [out]), r.status == 0 { paths.append(out) }
    }
    var rng = SystemRandomNumberGenerator()
    var wanted = [0, 1, 49, 50, 51, 299] + (0..<8).map { _ in Int.random(in: 0..<300, using: &rng) }
    wanted.shuffle()
    for path in paths {
      let grabber = try FrameGrabber(path: path)
      for n in wanted {
        let shown = try grabber.withFrame(n) { frame, _ in self.frameNumberPattern(frame.luma) }
        XCTAssertEqual(shown, n, "\(path) #\(n)")
      }
      // A time picks the frame on screen then: 5.5 s at 25 fps is frame 137.
      XCTAssertEqual(try grabber.frameNumber(for: .seconds(5.5)), 137)
      XCTAssertEqual(try grabber.frameNumber(for: .seconds(5.52)), 138)
      XCTAssertThrowsError(try grabber.frameNumber(for: .frame(300))) { e in
        XCTAssertEqual((e as? MediaError)?.kind, .outOfRange)
      }
    }
    XCTAssertEqual(paths.count, 3, "ffmpeg CLI missing: only mp4 was checked")
  }

  func testKeyframesOnlyDecodesJustKeyframes() throws {
    let path = try clip("parcel_taken.mp4")
    let scan = try PacketScan.scan(path: path)
    let decoder = try VideoDecoder(path: path, options: DecodeOptions(keyframesOnly: true))
    var times: [Double] = []
    try decoder.forEachFrame { frame in
      XCTAssertTrue(frame.isKeyframe)
      times.append(frame.time)
      XCTAssertEqual(Double(frame.index), frame.time * 25, accuracy: 0.01)
      return .next
    }
    XCTAssertEqual(times.count, scan.keyframes)
    XCTAssertEqual(times, times.sorted())
  }

  func testSeekLandsOnKeyframeAtOrBefore() throws {
    let path = try clip("frame_index.mp4")
    let decoder = try VideoDecoder(path: path)
    try decoder.seek(toKeyframeAtOrBefore: 5.5)
    var first: (index: Int, time: Double, key: Bool, shown: Int)? = nil
    try decoder.forEachFrame { f in first = (f.index, f.time, f.isKeyframe, self.frameNumberPattern(f.luma)); return .stop }
    XCTAssertEqual(first?.key, true)
    XCTAssertLessThanOrEqual(first?.time ?? 99, 5.5)
    XCTAssertGreaterThan(first?.time ?? -1, 5.5 - 4, "landed more than a GOP early")
    XCTAssertEqual(first?.shown, first?.index, "the index after a seek must be the frame's real number")
  }

  /// Open GOPs (HEVC's CRA keyframes, x264's open-gop): the pictures that follow a keyframe
  /// in decode order but show before it are dropped after a seek; the frames decoded from
  /// there still carry their real numbers (the coarse-to-fine search of `watch` seeks).
  func testSeekInOpenGOPsNumbersFramesRight() throws {
    let dir = try temporaryDirectory(self)
    let encoders: [(String, [String])] = [
      ("hevc.mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=50:min-keyint=50:bframes=3:open-gop=1:log-level=error", "-crf", "18"]),
      ("open264.mp4", ["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "3", "-x264-params", "open-gop=1", "-crf", "16"]),
    ]
    for (name, args) in encoders {
      let out = dir.appendingPathComponent(name).path
      guard let r = try runTool("ffmpeg", ["-v", "error", "-y", "-i", try clip("frame_index.mp4"), "-pix_fmt", "yuv420p"] + args + [out]),
            r.status == 0 else { throw XCTSkip("no ffmpeg CLI with libx265/libx264") }
      for at in [2.1, 4.1, 7.3, 10.5] {
        let decoder = try VideoDecoder(path: out)
        try decoder.seek(toKeyframeAtOrBefore: at)
        var seen: [(index: Int, shown: Int, time: Double)] = []
        try decoder.forEachFrame { f in
          seen.append((f.index, self.frameNumberPattern(f.luma), f.time))
          return seen.count == 5 ? .stop : .next
        }
        XCTAssertEqual(seen.map(\.index), seen.map(\.shown), "\(name) after a seek to \(at) s")
        for f in seen { XCTAssertEqual(f.time, Double(f.shown) / 25, accuracy: 1e-6, "\(name) after a seek to \(at) s") }
      }
    }
  }

  func testRawStreamWithoutTimestampsIsTimedFromTheBitstream() throws {
    let path = try clip("parcel_taken.h264")
    let decoder = try VideoDecoder(path: path)
    var last: (Int, Double) = (0, 0)
    try decoder.forEachFrame { f in last = (f.index, f.time); return .next }
    XCTAssertEqual(last.1, Double(last.0) / 25, accuracy: 1e-9)
    XCTAssertEqual(last.0 + 1, try truth("parcel_taken.h264")["frames"] as? Int)
    XCTAssertNotEqual(decoder.timingSource, .assumed)

    // --fps overrides.
    let forced = try VideoDecoder(path: path, options: DecodeOptions(open: OpenOptions(fps: 10)))
    var t = 0.0
    try forced.forEachFrame { f in t = f.time; return f.index == 20 ? .stop : .next }
    XCTAssertEqual(t, 2.0, accuracy: 1e-9)
    XCTAssertEqual(forced.timingSource, .user)
  }

  func testTruncatedFileIsCountedNotFatal() throws {
    let path = try clip("truncated.mp4")
    let t = try truth("truncated.mp4")
    let decoder = try VideoDecoder(path: path)
    var frames = 0
    try decoder.forEachFrame { _ in frames += 1; return .next }
    XCTAssertGreaterThan(frames, 0)
    if let decodable = t["decodable_frames"] as? Int { XCTAssertEqual(Double(frames), Double(decodable), accuracy: 2) }
    XCTAssertFalse(decoder.damage.isEmpty, "a truncated file must be reported")
    XCTAssertFalse(decoder.damage.summary.isEmpty)
  }

  func testCorruptPacketsAreCountedAndSkipped() throws {
    // Overwrite bytes in the middle of a copy (the clip itself is never written to).
    let src = try clip("passerby.ts")
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("damaged.ts").path
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: src)))
    var state: UInt64 = 42
    for k in stride(from: bytes.count / 3, to: bytes.count / 3 + 40_000, by: 1) {
      state = state &* 6364136223846793005 &+ 1
      if k % 188 != 0 { bytes[k] = UInt8(truncatingIfNeeded: state >> 40) }   // keep TS sync bytes, scramble payloads
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let decoder = try VideoDecoder(path: path)
    var frames = 0
    try decoder.forEachFrame { _ in frames += 1; return .next }
    let full = try truth("passerby.ts")["frames"] as! Int
    XCTAssertGreaterThan(frames, full / 2, "decoding must go on past the damage")
    XCTAssertFalse(decoder.damage.isEmpty, "damage must be reported: \(frames) of \(full) frames")
  }

  func testMemoryStaysFlatOverRepeatedDecodes() throws {
    let path = try clip("passerby.mp4")
    // Open, decode every frame and close, 25 times: AVFormatContext, AVCodecContext, packets
    // and frames must all be freed. (No reduction: it is reused memory, and slow in debug builds.)
    func decodeOnce() throws {
      let d = try VideoDecoder(path: path, options: DecodeOptions(analysisWidth: nil))
      try d.forEachFrame { _ in .next }
    }
    for _ in 0..<3 { try decodeOnce() }
    let before = residentBytes()
    for _ in 0..<25 { try decodeOnce() }
    let grown = residentBytes() - before
    XCTAssertLessThan(grown, 8 << 20, "resident memory grew by \(grown) bytes over 25 decodes")
  }

  func testStreamWithoutAnyTimingAssumes25WithAWarning() throws {
    // A raw MJPEG stream: no container, no timestamps, no timing in the bitstream.
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("raw.mjpeg").path
    guard let r = try runTool("ffmpeg", ["-v", "error", "-y", "-i", try clip("mjpeg.avi"), "-c", "copy", "-f", "mjpeg", path]), r.status == 0 else {
      throw XCTSkip("no ffmpeg CLI")
    }
    let decoder = try VideoDecoder(path: path)
    var last = (0, 0.0)
    try decoder.forEachFrame { f in last = (f.index, f.time); return .next }
    XCTAssertEqual(decoder.timingSource, .assumed)
    XCTAssertTrue(decoder.warnings.contains { $0.contains("assuming 25 fps") }, "\(decoder.warnings)")
    XCTAssertEqual(last.1, Double(last.0) / 25, accuracy: 1e-9)
    XCTAssertEqual(last.0 + 1, try truth("mjpeg.avi")["frames"] as? Int)
  }

  func testBestVideoStreamIsPickedAndOthersIgnored() throws {
    // A Matroska file with an audio stream first, then two video streams (320x240 and 640x360).
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("multi.mkv").path
    guard let r = try runTool("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                                         "-i", try clip("frame_index.mp4"), "-i", try clip("static.mkv"),
                                         "-map", "0:a", "-map", "1:v", "-map", "2:v", "-t", "2", "-c:v", "copy", "-c:a", "aac", path]),
          r.status == 0 else { throw XCTSkip("no ffmpeg CLI: \(String(describing: try? runTool("ffmpeg", ["-version"])?.status))") }
    // FFmpeg's best stream (av_find_best_stream) is a video stream; the audio is never decoded.
    let best = try VideoDecoder(path: path)
    XCTAssertEqual(best.info.streamCount, 3)
    XCTAssertTrue([1, 2].contains(best.info.streamIndex))
    var frames = 0
    try best.forEachFrame { _ in frames += 1; return .next }
    XCTAssertGreaterThan(frames, 40)
    for (stream, width) in [(1, 320), (2, 640)] {
      let chosen = try VideoDecoder(path: path, options: DecodeOptions(open: OpenOptions(stream: stream)))
      XCTAssertEqual(chosen.info.width, width)
      var seen = 0
      try chosen.forEachFrame { f in XCTAssertEqual(f.luma.width, width); seen += 1; return .next }
      XCTAssertGreaterThan(seen, 40)
    }
    XCTAssertThrowsError(try VideoDecoder(path: path, options: DecodeOptions(open: OpenOptions(stream: 0)))) { e in
      XCTAssertEqual((e as? MediaError)?.kind, .noVideoStream)
    }
  }

  func testFrameNumbersAfterASeekInVariableRateFootage() throws {
    // frame_index with a 480 ms timestamp gap after frame 119 (12 frames' worth), as a
    // recorder that dropped frames writes it: after a seek past the gap, frame numbers
    // come from the MP4 index, not from time × nominal rate.
    let dir = try temporaryDirectory(self)
    let path = dir.appendingPathComponent("gap.mp4").path
    guard let r = try runTool("ffmpeg", ["-v", "error", "-y", "-i", try clip("frame_index.mp4"),
                                         "-vf", "setpts='(N+if(gte(N,120),12,0))/25/TB'", "-fps_mode", "passthrough",
                                         "-c:v", "libx264", "-g", "50", "-bf", "2", "-crf", "18", "-preset", "veryfast", path]),
          r.status == 0 else { throw XCTSkip("no ffmpeg CLI") }
    for keyframesOnly in [false, true] {
      let decoder = try VideoDecoder(path: path, options: DecodeOptions(keyframesOnly: keyframesOnly))
      try decoder.seek(toKeyframeAtOrBefore: 9.0)
      var checked = 0
      try decoder.forEachFrame { f in
        XCTAssertEqual(f.index, self.frameNumberPattern(f.luma), "keyframesOnly=\(keyframesOnly) at \(f.time) s")
        checked += 1
        return checked == 20 ? .stop : .next
      }
      XCTAssertGreaterThan(checked, 0)
    }
  }
}
