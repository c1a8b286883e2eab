import Foundation
import XCTest

/// Damaged and hostile files found by `tools/fuzz` (issue 21), each made here from a
/// TestVideos clip the way the campaign made it: one line on stderr and exit 2, never
/// exit 1 (the request was fine, the file is not), and the limits of `InputLimits`.
final class HostileInputTests: XCTestCase {
  func framescout(_ args: [String], environment: [String] = []) throws -> ProcessResult {
    if environment.isEmpty { return try runProcess(builtFramescout(), args) }
    return try runProcess(URL(fileURLWithPath: "/usr/bin/env"), environment + [builtFramescout().path] + args)
  }

  func tempDir() throws -> URL { try temporaryFolder(for: self, prefix: "framescout-hostile") }

  /// Writes `bytes` as NAME in a new folder and returns its path.
  func write(_ bytes: [UInt8], _ name: String) throws -> String {
    let path = try tempDir().appendingPathComponent(name).path
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    return path
  }

  func bytes(_ clip: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: try testVideo(clip)))) }

  /// fuzz seed 21 #18: passerby_small.mp4 cut at byte 10317. The index lists 125 frames but
  /// frame #0's data is cut short: `frame` said "could not be decoded" with exit 1 (a usage
  /// error); the file is what is wrong, so exit 2.
  func testFrameThatCannotBeDecodedIsAnInputError() throws {
    let path = try write(Array(try bytes("passerby_small.mp4").prefix(10317)), "cut.mp4")
    let out = try tempDir().appendingPathComponent("f.jpg").path
    let r = try framescout(["frame", path, "--at", "#0", "-o", out])
    XCTAssertEqual(r.status, 2, r.err)
    XCTAssertEqual(r.err, "framescout: \(path): frame #0 could not be decoded (damaged or missing data)\n")
  }

  /// fuzz seed 21 #10: passerby.mp4 with moov's boxes in the order trak, udta, mvhd (mvhd
  /// last). FFmpeg reads the track with no movie timescale yet and lists no frame: `frame`
  /// said "frame #0 is past the end (the video has 0 frames, #0–#-1)" with exit 1.
  func testStreamWithoutFramesIsAnInputError() throws {
    var file = try bytes("passerby_small.mp4")
    let moov = try XCTUnwrap(Self.boxes(file, in: 0..<file.count).first { $0.type == "moov" })
    let children = Self.boxes(file, in: (moov.range.lowerBound + 8)..<moov.range.upperBound)
    let mvhd = try XCTUnwrap(children.first { $0.type == "mvhd" })
    XCTAssertEqual(mvhd.range.upperBound, children[1].range.lowerBound, "mvhd comes first")
    let rest = children.dropFirst().map { Array(file[$0.range]) }.joined()
    file.replaceSubrange(mvhd.range.lowerBound..<children.last!.range.upperBound, with: Array(rest) + Array(file[mvhd.range]))
    let path = try write(file, "mvhd-last.mp4")
    let out = try tempDir().appendingPathComponent("f.jpg").path
    let r = try framescout(["frame", path, "--at", "#0", "-o", out])
    XCTAssertEqual(r.status, 2, r.err)
    XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
    XCTAssertTrue(r.err.hasPrefix("framescout: \(path): "), r.err)
  }

  /// fuzz seed 21 #604: mjpeg.avi with its strh dwLength (frames) set to 0x7FFFFFF0. audit
  /// reserved its per-frame arrays from that count (16 GiB) and died of SIGABRT; now it
  /// reserves a bounded amount and audits the 150 frames there are.
  func testHugeDeclaredFrameCountIsNoCrash() throws {
    var file = try bytes("mjpeg.avi")
    let strh = try XCTUnwrap((0..<file.count - 4).first { file[$0..<$0 + 4].elementsEqual("strh".utf8) })
    file.replaceSubrange(strh + 40..<strh + 44, with: [0xF0, 0xFF, 0xFF, 0x7F])
    let path = try write(file, "huge-count.avi")
    let r = try framescout(["audit", path, "--json"])
    XCTAssertEqual(r.status, 0, r.err)
  }

  /// The declared frame size is held to `FRAMESCOUT_MAX_FRAME_PIXELS` at open: one line, exit 2,
  /// for every command that opens the file.
  func testDeclaredFrameOverThePixelLimitIsRefused() throws {
    let clip = try testVideo("passerby_small.mp4")
    for command in [["probe", clip], ["scan", clip], ["audit", clip]] {
      let r = try framescout(command, environment: ["FRAMESCOUT_MAX_FRAME_PIXELS=10000"])
      XCTAssertEqual(r.status, 2, "\(command) \(r.err)")
      XCTAssertEqual(r.err, "framescout: \(clip): the stream declares 320x180 pixels, more than the limit of 10000 (FRAMESCOUT_MAX_FRAME_PIXELS)\n")
    }
    XCTAssertEqual(try framescout(["probe", clip], environment: ["FRAMESCOUT_MAX_FRAME_PIXELS=57600"]).status, 0, "320x180 is 57600 pixels")
  }

  /// A real stream 16400 pixels wide (one MJPEG frame, 16400x16) is refused whatever the
  /// pixel limit: a side of more than 16384.
  func testFrameSideOverTheLimitIsRefused() throws {
    let path = try tempDir().appendingPathComponent("wide.avi").path
    let make = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=16400x16:d=0.04:r=25",
                                                                      "-frames:v", "1", "-c:v", "mjpeg", "-y", path])
    guard make.status == 0 else { throw XCTSkip("ffmpeg could not make the clip: \(make.err)") }
    let r = try framescout(["scan", path], environment: ["FRAMESCOUT_MAX_FRAME_PIXELS=1000000000"])
    XCTAssertEqual(r.status, 2, r.err)
    XCTAssertEqual(r.err, "framescout: \(path): the stream declares 16400x16 pixels: a side of more than 16384 is refused\n")
  }

  /// Top-level MP4 boxes of `bytes` within `range`: type and byte range (32-bit sizes only).
  static func boxes(_ bytes: [UInt8], in range: Range<Int>) -> [(type: String, range: Range<Int>)] {
    var out: [(String, Range<Int>)] = [], at = range.lowerBound
    while at + 8 <= range.upperBound {
      let size = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
      guard size >= 8, at + size <= range.upperBound else { break }
      out.append((String(decoding: bytes[at + 4..<at + 8], as: UTF8.self), at..<at + size))
      at += size
    }
    return out
  }
}
