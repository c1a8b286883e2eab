import Foundation
import XCTest

/// Runs the built `framescout` binary and checks output and exit codes verbatim
/// (DESIGN.md: 0 ran, 1 usage error, 2 an input could not be read).
final class CommandLineTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let videos = root.appendingPathComponent("TestVideos")

  /// The framescout binary beside this test bundle.
  var binary: URL {
    let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                      Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL.deletingLastPathComponent()]
    for dir in candidates {
      let url = dir.appendingPathComponent("framescout")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return candidates[0].appendingPathComponent("framescout")
  }

  struct Result { var status: Int32; var out: String; var err: String }

  func framescout(_ args: [String], as user: String? = nil) throws -> Result {
    let p = Process()
    if let user {
      p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
      p.arguments = ["-u", user, "--", binary.path] + args
    } else {
      p.executableURL = binary
      p.arguments = args
    }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
  }

  func video(_ name: String) throws -> String {
    let path = Self.videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("missing \(name)") }
    return path
  }

  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  func testHelpOnEveryCommandAndVersion() throws {
    for command in [[], ["probe"], ["frame"], ["sheet"], ["watch"], ["bench"], ["bench", "decode"]] {
      let r = try framescout(command + ["--help"])
      XCTAssertEqual(r.status, 0, "\(command)")
      XCTAssertTrue(r.out.contains("USAGE: framescout"), r.out)
    }
    let v = try framescout(["--version"])
    XCTAssertEqual(v.status, 0)
    XCTAssertTrue(v.out.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, v.out)
  }

  func testBadInputsExitTwoWithOneLine() throws {
    let dir = try tempDir()
    let empty = dir.appendingPathComponent("empty.mp4").path
    FileManager.default.createFile(atPath: empty, contents: Data())
    let cases: [(String, String)] = [
      (dir.appendingPathComponent("missing.mp4").path, "no such file"),
      (dir.path, "is a directory, not a video file"),
      (empty, "empty file (0 bytes)"),
      (try video("not_a_video.mp4"), "not a video file (no known container or stream format)"),
    ]
    for (path, reason) in cases {
      for args in [["probe", path], ["frame", path, "--at", "1", "-o", dir.appendingPathComponent("x.jpg").path],
                   ["watch", path, "--roi", "0,0,10,10"]] {
        let r = try framescout(args)
        XCTAssertEqual(r.status, 2, "\(args)")
        XCTAssertEqual(r.err, "framescout: \(path): \(reason)\n")
      }
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.jpg").path))
  }

  func testUnreadableFileExitsTwo() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), getuid() == 0 else {
      throw XCTSkip("needs root and runuser to test as an unprivileged user")
    }
    // A folder everyone can enter, holding a file nobody but root may read.
    let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("framescout-perm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("locked.mp4").path
    try FileManager.default.copyItem(atPath: try video("passerby.mp4"), toPath: path)
    try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
    // The binary must be reachable by that user: skip when the build folder is private.
    let probe = try framescout(["--version"], as: "nobody")
    guard probe.status == 0 else { throw XCTSkip("the build folder is not readable by nobody") }
    let r = try framescout(["probe", path], as: "nobody")
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.err, "framescout: \(path): permission denied\n")
  }

  func testUsageErrorsExitOne() throws {
    let clip = try video("passerby.mp4")
    let dir = try tempDir()
    let out = dir.appendingPathComponent("x.jpg").path
    for args in [["frame", clip, "--at", "abc", "-o", out], ["frame", clip, "--at", "#100000", "-o", out],
                 ["frame", clip, "--at", "99:00:00", "-o", out], ["frame", clip, "--at", "1", "-o", clip],
                 ["frame", clip, "--at", "1", "-o", dir.appendingPathComponent("no/such/dir.jpg").path],
                 ["sheet", clip, "-o", out, "--every", "0s"], ["probe"], ["nonsense"]] {
      let r = try framescout(args)
      XCTAssertEqual(r.status, 1, "\(args): \(r.err)")
      XCTAssertTrue(r.err.hasPrefix("framescout: "), r.err)
    }
    let past = try framescout(["frame", clip, "--at", "#100000", "-o", out])
    XCTAssertTrue(past.err.contains("past the end"), past.err)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out))
  }

  func testProbeJSONIsReproducibleAndFollowsTheSchema() throws {
    let clips = [try video("passerby.mp4"), try video("mjpeg.avi"), try video("parcel_taken.h264")]
    let a = try framescout(["probe", "--json", "--count"] + clips)
    let b = try framescout(["probe", "--json", "--count"] + clips)
    XCTAssertEqual(a.status, 0, a.err)
    XCTAssertEqual(a.out, b.out, "same inputs must give byte-identical JSON")
    let doc = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as! [String: Any]
    XCTAssertEqual(doc["schema"] as? String, "framescout/1")
    XCTAssertEqual(doc["command"] as? String, "probe")
    XCTAssertNotNil((doc["tool"] as? [String: Any])?["ffmpeg"])
    let inputs = doc["inputs"] as! [[String: Any]]
    XCTAssertEqual(inputs.count, 3)
    for key in ["path", "sha256", "bytes", "container", "codec", "width", "height", "fps", "duration", "frames"] {
      XCTAssertNotNil(inputs[0][key], key)
    }
    XCTAssertEqual(inputs[2]["timestamps"] as? Bool, false, "raw H.264 has no timestamps")
  }

  func testFrameAndSheetWriteJPEGsAndNeverTouchTheInput() throws {
    let clip = try video("parcel_taken.mp4")
    let before = try Data(contentsOf: URL(fileURLWithPath: clip))
    let mtime = try FileManager.default.attributesOfItem(atPath: clip)[.modificationDate] as? Date
    let dir = try tempDir()
    let frame = dir.appendingPathComponent("f.jpg").path
    let r = try framescout(["frame", clip, "--at", "#100", "-o", frame, "--width", "320"])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "\(clip): frame #100 at 00:00:04.000 -> \(frame)\n")
    XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: frame)).prefix(2)), [0xFF, 0xD8])
    let sheet = dir.appendingPathComponent("s.jpg").path
    let s = try framescout(["sheet", clip, "-o", sheet, "--every", "2s", "--columns", "4"])
    XCTAssertEqual(s.status, 0, s.err)
    XCTAssertTrue(FileManager.default.fileExists(atPath: sheet))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["f.jpg", "s.jpg"])
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: clip)), before)
    XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: clip)[.modificationDate] as? Date, mtime)
  }

  func testWatchReportsTheDisappearanceWithThumbnailsAndReproducibleJSON() throws {
    let clip = try video("parcel_taken.mp4")
    let dir = try tempDir()
    let thumbs = dir.appendingPathComponent("thumbs").path
    let a = try framescout(["watch", clip, "--roi", "392,146,56,44", "--json", "--thumbnails", thumbs])
    XCTAssertEqual(a.status, 0, a.err)
    let b = try framescout(["watch", clip, "--roi", "392,146,56,44", "--json", "--thumbnails", thumbs])
    XCTAssertEqual(a.out, b.out, "same inputs must give byte-identical JSON")
    let doc = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as! [String: Any]
    XCTAssertEqual(doc["command"] as? String, "watch")
    let events = doc["events"] as! [[String: Any]]
    XCTAssertEqual(events.count, 1)
    XCTAssertEqual(events.first?["kind"] as? String, "disappeared")
    let frame = (events.first?["start"] as? [String: Any])?["frame"] as? Int ?? -1
    XCTAssertLessThanOrEqual(abs(frame - 234), 1)
    let files = try FileManager.default.contentsOfDirectory(atPath: thumbs).sorted()
    // "before" is the last frame that still showed the parcel: 165, before the person hid it.
    let seen = events.first?["previous_state_last_seen"] as? Int ?? -1
    XCTAssertLessThanOrEqual(abs(seen - 165), 1)
    XCTAssertEqual(files, ["parcel_taken-\(seen)-before.jpg", "parcel_taken-\(frame)-after.jpg"].sorted())
    XCTAssertNotNil((doc["sampling"] as? [String: Any])?["guarantee"])
    let stats = dir.appendingPathComponent("stats.csv").path
    let text = try framescout(["watch", clip, "--roi", "392,146,56,44", "--exhaustive", "--stats", stats])
    XCTAssertTrue(text.out.contains("disappeared #\(frame)"), text.out)
    let rows = try String(contentsOfFile: stats, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(rows.first, "file,frame,time,timeline,distance,threshold,sample")
    XCTAssertEqual(rows.count, 400, "one row per frame after the first")
  }

  func testWatchRejectsBadRegionsAndTimes() throws {
    let clip = try video("parcel_taken.mp4")
    for (args, words) in [(["--roi", "600,300,100,100"], "outside"), (["--roi", "10,10,6,20"], "too small"),
                          (["--roi", "1,2,3"], "x,y,w,h"), (["--roi", "0,0,0,10"], "zero size"),
                          (["--roi", "10,10,50,50", "--hold", "abc"], "--hold"),
                          (["--roi", "10,10,50,50", "--from", "5", "--to", "2"], "--to"),
                          (["--roi", "10,10,50,50", "--to", "xx"], "--to")] {
      let r = try framescout(["watch", clip] + args)
      XCTAssertEqual(r.status, 1, "\(args): \(r.err)")
      XCTAssertTrue(r.err.contains(words), "\(args): \(r.err)")
    }
  }

  func testFindRejectsBadTargets() throws {
    let clip = try video("parcel_taken.mp4")
    let dir = try tempDir()
    let empty = dir.appendingPathComponent("empty.png").path
    FileManager.default.createFile(atPath: empty, contents: Data())
    let text = dir.appendingPathComponent("notes.png").path
    try "not a picture".write(toFile: text, atomically: true, encoding: .utf8)
    // A flat grey picture has nothing to match.
    let blank = dir.appendingPathComponent("blank.png").path
    let make = Process()
    make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    make.arguments = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=gray:s=64x48", "-frames:v", "1", blank]
    try make.run()
    make.waitUntilExit()
    if make.terminationStatus == 0 {
      let r = try framescout(["find", clip, "--target", blank])
      XCTAssertEqual(r.status, 1, r.err)
      XCTAssertTrue(r.err.contains("blank"), r.err)
    }
    for (target, status, words) in [(dir.appendingPathComponent("missing.png").path, Int32(2), "no such file"),
                                    (empty, 2, "empty file"), (text, 2, "not a picture")] as [(String, Int32, String)] {
      let r = try framescout(["find", clip, "--target", target])
      XCTAssertEqual(r.status, status, "\(target): \(r.err)")
      XCTAssertTrue(r.err.contains(words), "\(target): \(r.err)")
    }
    // Larger than the frame: a 320x180 clip searched for a 640x360 frame of another clip.
    let frame = dir.appendingPathComponent("big.jpg").path
    XCTAssertEqual(try framescout(["frame", clip, "--at", "#10", "-o", frame]).status, 0)
    let r = try framescout(["find", try video("mjpeg.avi"), "--target", frame])
    XCTAssertEqual(r.status, 1, r.err)
    XCTAssertTrue(r.err.contains("larger than"), r.err)
    XCTAssertEqual(try framescout(["find", clip, "--target", frame, "--scales", "2-1"]).status, 1)
  }
}
