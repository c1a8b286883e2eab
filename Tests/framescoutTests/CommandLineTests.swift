import Foundation
import XCTest

/// Runs the built `framescout` binary and checks output and exit codes verbatim
/// (DESIGN.md: 0 ran, 1 usage error, 2 an input could not be read).
final class CommandLineTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let videos = root.appendingPathComponent("TestVideos")

  var binary: URL { builtFramescout() }

  typealias Result = ProcessResult

  func framescout(_ args: [String], as user: String? = nil) throws -> Result {
    guard let user else { return try runProcess(binary, args) }
    return try runProcess(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", user, "--", binary.path] + args)
  }

  func video(_ name: String) throws -> String { try testVideo(name) }

  func tempDir() throws -> URL { try temporaryFolder(for: self, prefix: "framescout-cli") }

  func testHelpOnEveryCommandAndVersion() throws {
    for command in [[], ["probe"], ["frame"], ["sheet"], ["pick"], ["scan"], ["watch"], ["batch"], ["merge"], ["check"], ["bench"], ["bench", "decode"]] {
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
    XCTAssertEqual(rows.count, 401, "the header and one row per frame")
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

  /// scan: the text table, CSV, reproducible JSON with the schema, thumbnails and clips
  /// that are playable stream copies starting at zero; nothing written without events.
  func testScanReportsTheWalkerWithThumbnailsClipsAndReproducibleJSON() throws {
    let clip = try video("passerby.mp4")
    let dir = try tempDir()
    let text = try framescout(["scan", clip, "--quiet"])
    XCTAssertEqual(text.status, 0, text.err)
    XCTAssertTrue(text.out.contains("00:00:04.8"), text.out)
    let csv = try framescout(["scan", clip, "--csv"])
    XCTAssertEqual(csv.status, 0, csv.err)
    let rows = csv.out.split(separator: "\n")
    XCTAssertEqual(rows.count, 2, csv.out)
    XCTAssertTrue(rows[0].hasPrefix("file,event,kind,start_frame"))
    XCTAssertTrue(rows[1].contains(",motion,"), csv.out)
    let thumbs = dir.appendingPathComponent("thumbs").path, clips = dir.appendingPathComponent("clips").path
    let a = try framescout(["scan", clip, "--json", "--thumbnails", thumbs, "--clips", clips])
    let b = try framescout(["scan", clip, "--json", "--thumbnails", thumbs, "--clips", clips])
    XCTAssertEqual(a.status, 0, a.err)
    XCTAssertEqual(a.out, b.out, "same inputs, same parameters: byte-identical JSON")
    let doc = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as! [String: Any]
    XCTAssertEqual(doc["schema"] as? String, "framescout/1")
    XCTAssertEqual(doc["command"] as? String, "scan")
    let inputs = doc["inputs"] as! [[String: Any]]
    XCTAssertEqual((inputs[0]["sha256"] as? String)?.count, 64)
    let events = doc["events"] as! [[String: Any]]
    XCTAssertEqual(events.count, 1)
    let thumb = (events[0]["thumbnails"] as! [String: String])["peak"]!
    XCTAssertTrue(FileManager.default.fileExists(atPath: thumb))
    let out = events[0]["clip"] as! String
    // The clip decodes, starts at zero, and covers the padded event (4.8 - 1.5 .. 9.48 + 2 s).
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                       "-show_entries", "stream=nb_read_frames,start_time", "-of", "default=nw=1", out]
    let pipe = Pipe()
    probe.standardOutput = pipe
    try probe.run()
    let facts = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    probe.waitUntilExit()
    XCTAssertEqual(probe.terminationStatus, 0)
    XCTAssertTrue(facts.contains("start_time=0.000000"), facts)
    let frames = Int(facts.split(separator: "\n").first { $0.hasPrefix("nb_read_frames=") }!.dropFirst("nb_read_frames=".count))!
    XCTAssertGreaterThanOrEqual(frames, Int((9.52 + 2 - 3.3) * 25))
    XCTAssertLessThanOrEqual(frames, Int((9.52 + 2 - 2.0) * 25) + 3, "starts on the keyframe at 2 s, at or before the padded start")
    // Nothing to write: no folders appear.
    let quiet = dir.appendingPathComponent("none").path
    let s = try framescout(["scan", try video("static.mkv"), "--thumbnails", quiet, "--clips", quiet])
    XCTAssertEqual(s.status, 0, s.err)
    XCTAssertTrue(s.out.contains("no motion events"), s.out)
    XCTAssertFalse(FileManager.default.fileExists(atPath: quiet))
  }

  func testScanRejectsBadRegionsAndTimes() throws {
    let clip = try video("passerby.mp4")
    let dir = try tempDir()
    let regions = dir.appendingPathComponent("regions.txt").path
    try "0,0,10,10\nexclude 5,5\n".write(toFile: regions, atomically: true, encoding: .utf8)
    for (args, words) in [(["--roi", "700,0,10,10"], "outside"), (["--roi", "0,0,0,10"], "roi"), (["--roi", "a,b,c,d"], "roi"),
                          (["--exclude", "1,2;3"], "exclude"), (["--roi", "0,0,1,1"], "too small"),
                          (["--from", "9", "--to", "3"], "after"), (["--from", "xx"], "from"), (["--min-event", "-1s"], "min-event"),
                          (["--from", "99"], "past the end"), (["--regions", regions], "line 2"),
                          (["--threshold", "2"], "threshold"), (["--json", "--csv"], "together")] as [([String], String)] {
      let r = try framescout(["scan", clip] + args)
      XCTAssertEqual(r.status, 1, "\(args): \(r.err)")
      XCTAssertTrue(r.err.lowercased().contains(words), "\(args): \(r.err)")
      XCTAssertEqual(r.err.split(separator: "\n").count, r.err.contains("Usage") ? r.err.split(separator: "\n").count : 1, "\(args): \(r.err)")
    }
    let missing = try framescout(["scan", dir.appendingPathComponent("nope.mp4").path])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.err.contains("no such file"), missing.err)
  }

  // MARK: batch, merge, check

  /// An evidence folder: some TestVideos (a bad one included), an empty file, a file whose
  /// path reads as markup, and a symlink that points outside the folder.
  func evidenceFolder() throws -> URL {
    let dir = try tempDir().appendingPathComponent("evidence")
    let cam1 = dir.appendingPathComponent("cam1"), cam2 = dir.appendingPathComponent("cam2")
    let hostileDir = cam2.appendingPathComponent("<script>alert(1)<")
    for d in [cam1, hostileDir] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
    for name in ["passerby.mp4", "static.mkv", "mjpeg.avi", "parcel_taken.mp4", "not_a_video.mp4", "truncated.mp4"] {
      try FileManager.default.copyItem(atPath: try video(name), toPath: cam1.appendingPathComponent(name).path)
    }
    try FileManager.default.copyItem(atPath: try video("bag_left.mp4"), toPath: hostileDir.appendingPathComponent("script>.mp4").path)
    FileManager.default.createFile(atPath: cam2.appendingPathComponent("empty.mp4").path, contents: Data())
    try FileManager.default.createSymbolicLink(atPath: cam2.appendingPathComponent("outside.mp4").path, withDestinationPath: try video("passerby.ts"))
    try "notes".write(to: cam2.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    return dir
  }

  /// Every file's name, size and modification time: evidence must come out untouched.
  func snapshot(_ dir: URL) throws -> [String] {
    let e = FileManager.default.enumerator(atPath: dir.path)!
    var out: [String] = []
    while let rel = e.nextObject() as? String {
      let a = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(rel).path)
      out.append("\(rel) \(a[.size] ?? 0) \((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
    }
    return out.sorted()
  }

  func testBatchReportsEveryFileResumesAfterAKillAndMergesShards() throws {
    let evidence = try evidenceFolder()
    let before = try snapshot(evidence)
    let base = try tempDir()
    let out = base.appendingPathComponent("out").path
    let r = try framescout(["batch", evidence.path, "--out", out, "--quiet"])
    XCTAssertEqual(r.status, 3, r.err)
    XCTAssertTrue(r.err.contains("not_a_video.mp4: not a video file"), r.err)
    XCTAssertTrue(r.err.contains("empty.mp4: empty file"), r.err)
    XCTAssertEqual(try snapshot(evidence), before, "evidence folders are never written to")
    let report = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
    let doc = try JSONSerialization.jsonObject(with: Data(report.utf8)) as! [String: Any]
    let inputs = doc["inputs"] as! [[String: Any]]
    XCTAssertEqual(inputs.count, 8, "7 videos by extension plus the empty file; the outside link and notes.txt are skipped")
    XCTAssertEqual(inputs.filter { $0["status"] as? String == "failed" }.count, 2)
    XCTAssertTrue(inputs.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
    XCTAssertTrue((doc["command_line"] as! String).hasPrefix("framescout batch "))
    let events = doc["events"] as! [[String: Any]]
    XCTAssertEqual(events.filter { ($0["file"] as! String).hasSuffix("passerby.mp4") }.count, 1)
    XCTAssertTrue(events.filter { ($0["file"] as! String).hasSuffix("static.mkv") }.isEmpty)
    for e in events {
      let thumb = (e["thumbnails"] as! [String: String])["peak"]!
      XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + thumb), thumb)
    }
    let csv = try String(contentsOfFile: out + "/report.csv", encoding: .utf8)
    XCTAssertEqual(csv.split(separator: "\n").count, events.count + 1)

    // Same inputs and parameters: byte-identical report.json.
    let again = base.appendingPathComponent("again").path
    XCTAssertEqual(try framescout(["batch", evidence.path, "--out", again, "--quiet"]).status, 3)
    XCTAssertEqual(try String(contentsOfFile: again + "/report.json", encoding: .utf8), report)

    // Killed with SIGKILL once the first file is done, started again: the same report.
    let killed = base.appendingPathComponent("killed").path
    let p = Process()
    p.executableURL = binary
    p.arguments = ["batch", evidence.path, "--out", killed, "--quiet", "--jobs", "1"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    let state = killed + "/state"
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: state))?.filter { $0.hasSuffix(".json") }.count ?? 0) < 2 {
      usleep(2000)
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationReason, .uncaughtSignal, "killed before it finished")
    XCTAssertFalse(FileManager.default.fileExists(atPath: killed + "/report.json"))
    let resumed = try framescout(["batch", evidence.path, "--out", killed, "--quiet", "--jobs", "1"])
    XCTAssertEqual(resumed.status, 3)
    XCTAssertEqual(try String(contentsOfFile: killed + "/report.json", encoding: .utf8), report)

    // Three shards merged: the single run's report.
    var shards: [String] = []
    for i in 0..<3 {
      let dir = base.appendingPathComponent("shard\(i)").path
      shards.append(dir)
      let s = try framescout(["batch", evidence.path, "--out", dir, "--quiet", "--shard", "\(i)/3"])
      XCTAssertTrue([0, 3].contains(s.status), s.err)
    }
    let merged = base.appendingPathComponent("merged").path
    XCTAssertEqual(try framescout(["merge"] + shards + ["--out", merged]).status, 3)
    XCTAssertEqual(try String(contentsOfFile: merged + "/report.json", encoding: .utf8), report)

    // Bad uses.
    XCTAssertEqual(try framescout(["batch", evidence.path, "--out", evidence.appendingPathComponent("cam1/out").path]).status, 1)
    XCTAssertEqual(try framescout(["batch", evidence.path, "--out", out, "--shard", "3/3"]).status, 1)
    XCTAssertEqual(try framescout(["batch", evidence.path, "--out", out, "--watch"]).status, 1)
  }

  /// The HTML report opens in headless Chromium: the hostile file name is text, the page
  /// has its thumbnails and timelines, and no script ran.
  func testBatchHTMLRendersInHeadlessChromium() throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(where: {
      FileManager.default.isExecutableFile(atPath: $0) }) else { throw XCTSkip("no Chromium (tools/setup --test installs it)") }
    let evidence = try evidenceFolder()
    let out = try tempDir().appendingPathComponent("out").path
    XCTAssertEqual(try framescout(["batch", evidence.path, "--out", out, "--quiet"]).status, 3)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                   "--user-data-dir=" + (try tempDir().path), "--dump-dom", "file://" + out + "/report.html"]
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    let dom = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let log = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, log)
    XCTAssertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;.mp4"), "the hostile name is shown as text")
    XCTAssertFalse(dom.contains("<script>alert(1)"), "never as markup")
    XCTAssertGreaterThanOrEqual(dom.components(separatedBy: "<img").count - 1, 3, "thumbnails")
    XCTAssertGreaterThanOrEqual(dom.components(separatedBy: "<svg").count - 1, 6, "a timeline per readable file")
    for line in log.split(separator: "\n") where line.contains("CONSOLE") || line.contains("Refused to") || line.contains("Uncaught") {
      XCTFail("browser console: \(line)")
    }
  }

  func testCheckPassesOnTestVideosAndFailsOnADrift() throws {
    let ok = try framescout(["check", Self.videos.appendingPathComponent("expectations.json").path])
    XCTAssertEqual(ok.status, 0, ok.out + ok.err)
    XCTAssertTrue(ok.out.contains("as expected"), ok.out)
    let dir = try tempDir()
    let drift = dir.appendingPathComponent("drift.json").path
    let clip = try video("passerby.mp4")
    try """
      {"tolerance": 0.5, "clips": [
        {"file": "\(clip)", "engine": "scan", "expect": [{"kind": "motion", "start": 2.0, "end": 9.44}]},
        {"file": "\(try video("static.mkv"))", "engine": "scan", "expect": [{"kind": "motion", "start": 1.0}]},
        {"file": "\(try video("osd_clock.mp4"))", "engine": "scan", "expect": []}
      ]}
      """.write(toFile: drift, atomically: true, encoding: .utf8)
    let r = try framescout(["check", drift])
    XCTAssertEqual(r.status, 4, r.out + r.err)
    XCTAssertTrue(r.out.contains("~ motion expected 00:00:02.000"), r.out)
    XCTAssertTrue(r.out.contains("- motion 00:00:01.000 expected, not found"), r.out)
    XCTAssertTrue(r.out.contains("+ motion"), r.out)
    XCTAssertTrue(r.out.contains("3 of 3 clips differ"), r.out)
    // --update records what is found now; then the check passes.
    XCTAssertEqual(try framescout(["check", drift, "--update"]).status, 0)
    XCTAssertEqual(try framescout(["check", drift]).status, 0)
    try "{\"clips\": [{\"file\": \"x.mp4\"}]}".write(toFile: drift, atomically: true, encoding: .utf8)
    XCTAssertEqual(try framescout(["check", drift]).status, 1)
  }

  /// batch --audit runs the audit engine per file: the gap clip's finding, none on the original.
  func testBatchAuditFindsTheTimestampGap() throws {
    let dir = try tempDir().appendingPathComponent("ev")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for name in ["passerby.mp4", "passerby_gap.mp4"] {
      try FileManager.default.copyItem(atPath: try video(name), toPath: dir.appendingPathComponent(name).path)
    }
    let out = try tempDir().appendingPathComponent("out").path
    let r = try framescout(["batch", dir.path, "--out", out, "--audit", "--quiet"])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
    let events = doc["events"] as! [[String: Any]]
    XCTAssertTrue(events.allSatisfy { $0["engine"] as? String == "audit" }, "only the audit engine ran")
    let gaps = events.filter { $0["kind"] as? String == "timestamp-gap" }
    XCTAssertEqual(gaps.count, 1, "\(events)")
    XCTAssertTrue((gaps.first?["file"] as? String ?? "").hasSuffix("passerby_gap.mp4"))
    XCTAssertEqual((gaps.first?["start"] as? [String: Any])?["frame"] as? Int, 150)
    XCTAssertNotNil((doc["parameters"] as! [String: Any])["audit"])
  }
}
