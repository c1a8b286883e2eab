import Foundation
import XCTest

/// Wall-clock time in every engine's JSON: the source each input's clock comes from, and
/// each event's time points with the time of day they show (issue 23's first part).
final class WallClockCommandTests: XCTestCase {
  /// The built binary, TestVideos and a temporary folder, as `CommandLineTests` has them.
  struct CLI {
    let test: XCTestCase
    func framescout(_ args: [String]) throws -> ProcessResult { try runProcess(builtFramescout(), args) }
    func video(_ name: String) throws -> String { try testVideo(name) }
    func tempDir() throws -> URL { try temporaryFolder(for: test, prefix: "framescout-clock") }
  }
  var cli: CLI { CLI(test: self) }

  /// A copy of a TestVideos clip at `name` in `dir` (made with ffmpeg, stream copy), with
  /// `metadata` (`creation_time=…`).
  func copy(_ clip: String, to name: String, in dir: URL, metadata: [String] = []) throws -> String {
    let out = dir.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
    let args = ["-v", "error", "-y", "-i", try cli.video(clip), "-c", "copy", "-map_metadata", "-1"]
      + metadata.flatMap { ["-metadata", $0] } + [out.path]
    let r = try runProcess(URL(fileURLWithPath: "/usr/bin/ffmpeg"), args)
    XCTAssertEqual(r.status, 0, r.err)
    return out.path
  }

  func json(_ args: [String]) throws -> [String: Any] {
    let r = try cli.framescout(args)
    XCTAssertEqual(r.status, 0, r.err)
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: r.output) as? [String: Any])
  }

  /// `base` (ISO, UTC or zoneless) plus `seconds`, as ISO to the millisecond, keeping the zone.
  func iso(_ base: String, plus seconds: Double) -> String {
    let zone = base.hasSuffix("Z") ? "Z" : ""
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
    let d = f.date(from: String(base.prefix(23)))!.addingTimeInterval((seconds * 1000).rounded() / 1000)
    return f.string(from: d) + zone
  }

  /// Every time point (`frame`, `time`, `timecode`) anywhere in `value`.
  func timePoints(_ value: Any) -> [[String: Any]] {
    if let d = value as? [String: Any] {
      if d["frame"] != nil, d["time"] != nil, d["timecode"] != nil { return [d] }
      return d.values.flatMap(timePoints)
    }
    if let a = value as? [Any] { return a.flatMap(timePoints) }
    return []
  }

  func testContainerTimeGivesEveryScanEventItsWallTime() throws {
    let dir = try cli.tempDir()
    let path = try copy("passerby.mp4", to: "created.mp4", in: dir, metadata: ["creation_time=2026-11-20T07:31:05.000000Z"])
    let doc = try json(["scan", path, "--json"])
    let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
    XCTAssertEqual(clock["source"] as? String, "container")
    XCTAssertEqual(clock["start"] as? String, "2026-11-20T07:31:05.000Z")
    let events = try XCTUnwrap(doc["events"] as? [[String: Any]])
    XCTAssertFalse(events.isEmpty)
    let points = timePoints(events)
    XCTAssertGreaterThanOrEqual(points.count, 2 * events.count)
    for p in points {
      XCTAssertEqual(p["wall"] as? String, iso("2026-11-20T07:31:05.000Z", plus: p["time"] as! Double), "\(p)")
      XCTAssertNil(p["dvr_wall"], "no correction asked")
    }
    let text = try cli.framescout(["scan", path]).out
    XCTAssertTrue(text.contains("wall start"), text)
    let first = try XCTUnwrap((events.first?["start"] as? [String: Any])?["wall"] as? String)
    XCTAssertTrue(text.contains(first.replacingOccurrences(of: "T", with: " ")), text)
  }

  func testHikvisionNameWithOffsetAndDriftShowsDVRAndCorrectedTime() throws {
    let dir = try cli.tempDir()
    // parcel_taken.mp4 lasts 16 s: the name's start and end agree with it.
    let path = try copy("parcel_taken.mp4", to: "ch02_20261120073105000_20261120073121000.mp4", in: dir)
    let doc = try json(["watch", path, "--roi", "392,146,56,44", "--json", "--clock-offset", "+7m32s", "--clock-drift", "86.4"])
    let input = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first)
    let clock = try XCTUnwrap(input["clock"] as? [String: Any])
    XCTAssertEqual(clock["source"] as? String, "export_name")
    XCTAssertEqual(clock["dvr_start"] as? String, "2026-11-20T07:31:05.000")
    XCTAssertEqual(clock["start"] as? String, "2026-11-20T07:23:33.000", "7 min 32 s fast")
    XCTAssertEqual(clock["offset"] as? Double, 452)
    XCTAssertEqual((doc["warnings"] as? [Any])?.count, 0, "\(doc["warnings"] ?? "")")
    let points = timePoints(try XCTUnwrap(doc["events"]))
    XCTAssertFalse(points.isEmpty)
    for p in points {
      let t = p["time"] as! Double
      XCTAssertEqual(p["dvr_wall"] as? String, iso("2026-11-20T07:31:05.000", plus: t))
      // 86.4 s a day is 1 ms a second of footage.
      XCTAssertEqual(p["wall"] as? String, iso("2026-11-20T07:31:05.000", plus: t - 452 - t / 1000), "\(p)")
    }
    // Text shows the corrected time of day first, and says where it comes from.
    let text = try cli.framescout(["watch", path, "--roi", "392,146,56,44", "--clock-offset", "+7m32s", "--clock-drift", "86.4"])
    let start = try XCTUnwrap(((doc["events"] as? [[String: Any]])?.first?["start"] as? [String: Any])?["wall"] as? String)
    XCTAssertTrue(text.out.contains("wall: time of day, \(path): export_name"), text.out)
    XCTAssertTrue(text.out.contains(start.replacingOccurrences(of: "T", with: " ")), text.out)
  }

  func testDahuaFolderAndNameInAudit() throws {
    let dir = try cli.tempDir()
    let path = try copy("passerby_gap.mp4", to: "2026-11-20/001/07.31.05-07.31.20[M][0@0][0].mp4", in: dir)
    let doc = try json(["audit", path, "--json"])
    let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
    XCTAssertEqual(clock["source"] as? String, "export_name")
    XCTAssertEqual(clock["start"] as? String, "2026-11-20T07:31:05.000")
    let points = timePoints(try XCTUnwrap(doc["events"]))
    XCTAssertFalse(points.isEmpty, "the gap is found")
    for p in points { XCTAssertEqual(p["wall"] as? String, iso("2026-11-20T07:31:05.000", plus: p["time"] as! Double)) }
  }

  func testDahuaDHAVFramesCarryTheDVRsClock() throws {
    let dir = try cli.tempDir()
    let dav = dir.appendingPathComponent("parcel.dav").path
    let made = try runProcess(CommandLineTests.root.appendingPathComponent("tools/make-dav"),
                              [try cli.video("parcel_taken.mp4"), dav, "--reencode", dir.appendingPathComponent("ref.mp4").path,
                               "--start", "2026-03-14 07:00:00"])
    guard made.status == 0 else { throw XCTSkip("tools/make-dav: \(made.err)") }
    let doc = try json(["watch", dav, "--roi", "392,146,56,44", "--json"])
    let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
    XCTAssertEqual(clock["source"] as? String, "dvr")
    XCTAssertEqual(clock["start"] as? String, "2026-03-14T07:00:00.000", "the DVR's clock states no zone")
    let points = timePoints(try XCTUnwrap(doc["events"]))
    XCTAssertFalse(points.isEmpty)
    for p in points { XCTAssertEqual(p["wall"] as? String, iso("2026-03-14T07:00:00.000", plus: p["time"] as! Double)) }
  }

  func testBatchStampsEveryFileByItsOwnClockAndTheCSVCarriesIt() throws {
    let dir = try cli.tempDir()
    let evidence = dir.appendingPathComponent("evidence")
    _ = try copy("passerby.mp4", to: "evidence/created.mp4", in: dir, metadata: ["creation_time=2026-11-20T07:31:05.000000Z"])
    _ = try copy("parcel_taken.mp4", to: "evidence/ch02_20261120080000000_20261120080016000.mp4", in: dir)
    let out = dir.appendingPathComponent("out")
    let r = try cli.framescout(["batch", evidence.path, "--out", out.path, "--scan", "--clock-offset", "+1m", "--quiet"])
    XCTAssertEqual(r.status, 0, r.err)
    let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
    let clock = try XCTUnwrap((doc["parameters"] as? [String: Any])?["clock"] as? [String: Any])
    XCTAssertEqual(clock["offset"] as? Double, 60, "the correction is a parameter (and so part of the resume digest)")
    let events = try XCTUnwrap(doc["events"] as? [[String: Any]])
    let bases = ["created.mp4": "2026-11-20T07:31:05.000Z", "ch02_20261120080000000_20261120080016000.mp4": "2026-11-20T08:00:00.000"]
    XCTAssertEqual(Set(events.compactMap { ($0["file"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }), Set(bases.keys))
    for e in events {
      let name = URL(fileURLWithPath: e["file"] as! String).lastPathComponent
      let start = try XCTUnwrap(e["start"] as? [String: Any])
      XCTAssertEqual(start["wall"] as? String, iso(bases[name]!, plus: (start["time"] as! Double) - 60), name)
      XCTAssertEqual(start["dvr_wall"] as? String, iso(bases[name]!, plus: start["time"] as! Double), name)
    }
    let csv = try String(contentsOf: out.appendingPathComponent("report.csv"), encoding: .utf8).split(separator: "\n")
    XCTAssertTrue(csv[0].hasSuffix(",start_wall,end_wall"), String(csv[0]))
    XCTAssertTrue(csv.dropFirst().allSatisfy { $0.contains("2026-11-20T0") }, "\(csv)")
  }

  /// One camera's three files (named out of their order, 20 s of footage missing between
  /// the second and the third) and another camera's two consecutive Hikvision exports: the
  /// report's timeline orders each camera's files by time and shows the one gap with its
  /// wall times (to the frame); report.html draws a lane per camera (headless Chromium).
  func testBatchTimelineOrdersACamerasFilesAndShowsTheGap() throws {
    let dir = try cli.tempDir()
    let evidence = dir.appendingPathComponent("evidence")
    for (name, start) in [("c.mp4", "07:00:00"), ("a.mp4", "07:00:15"), ("b.mp4", "07:00:50")] {   // passerby: 15 s
      _ = try copy("passerby.mp4", to: "evidence/camA/\(name)", in: dir, metadata: ["creation_time=2026-11-20T\(start).000000Z"])
    }
    for name in ["ch02_20261120070016000_20261120070032000.mp4", "ch02_20261120070000000_20261120070016000.mp4"] {   // 16 s
      _ = try copy("parcel_taken.mp4", to: "evidence/camB/\(name)", in: dir)
    }
    let out = dir.appendingPathComponent("out")
    let r = try cli.framescout(["batch", evidence.path, "--out", out.path, "--scan", "--quiet"])
    XCTAssertEqual(r.status, 0, r.err)
    let report = try Data(contentsOf: out.appendingPathComponent("report.json"))
    let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: report) as? [String: Any])
    let cameras = try XCTUnwrap((doc["timeline"] as? [String: Any])?["cameras"] as? [[String: Any]])
    XCTAssertEqual(cameras.count, 2, "\(cameras)")
    let a = try XCTUnwrap(cameras.first { ($0["camera"] as? String)?.hasSuffix("camA") == true })
    XCTAssertEqual((a["files"] as? [String])?.map { URL(fileURLWithPath: $0).lastPathComponent }, ["c.mp4", "a.mp4", "b.mp4"])
    let gaps = try XCTUnwrap(a["gaps"] as? [[String: Any]])
    XCTAssertEqual(gaps.count, 1, "\(gaps)")
    XCTAssertEqual(gaps.first?["from"] as? String, "2026-11-20T07:00:30.000Z")
    XCTAssertEqual(gaps.first?["to"] as? String, "2026-11-20T07:00:50.000Z")
    XCTAssertEqual(try XCTUnwrap(gaps.first?["seconds"] as? Double), 20, accuracy: 0.04)
    XCTAssertEqual((a["overlaps"] as? [Any])?.count, 0)
    let b = try XCTUnwrap(cameras.first { ($0["camera"] as? String)?.hasSuffix("camB") == true })
    XCTAssertEqual(b["channel"] as? String, "02")
    XCTAssertEqual((b["files"] as? [String])?.map { String(URL(fileURLWithPath: $0).lastPathComponent.prefix(22)) },
                   ["ch02_20261120070000000", "ch02_20261120070016000"])
    XCTAssertEqual((b["gaps"] as? [Any])?.count, 0, "consecutive exports: no gap")
    // Re-run (resumed from the state records): the same bytes.
    XCTAssertEqual(try cli.framescout(["batch", evidence.path, "--out", out.path, "--scan", "--quiet"]).status, 0)
    XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("report.json")), report)

    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(where: {
      FileManager.default.isExecutableFile(atPath: $0) }) else { throw XCTSkip("no Chromium (tools/setup --test installs it)") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + (try cli.tempDir().path),
                   "--dump-dom", "file://" + out.path + "/report.html"]
    let o = Pipe()
    p.standardOutput = o
    p.standardError = Pipe()
    try p.run()
    let dom = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(dom.components(separatedBy: "<g class=\"lane\"").count - 1, 2, "a lane per camera")
    XCTAssertEqual(dom.components(separatedBy: "<rect class=\"gap\"").count - 1, 1, "the gap drawn")
    XCTAssertEqual(dom.components(separatedBy: "<rect class=\"file\"").count - 1, 5, "every file drawn")
    XCTAssertTrue(dom.contains("2026-11-20T07:00:30.000Z"), "the gap's wall times in the table")
  }

  /// A contact sheet of a file with a wall clock labels every tile with its time of day on a
  /// second line (so the sheet is taller); with `--clock none` it is the sheet as before.
  func testSheetTilesCarryTheWallTime() throws {
    let dir = try cli.tempDir()
    let clip = try copy("passerby.mp4", to: "created.mp4", in: dir, metadata: ["creation_time=2026-11-20T07:31:05.000000Z"])
    func height(_ args: [String]) throws -> Int {
      let out = dir.appendingPathComponent("sheet.jpg").path
      let r = try cli.framescout(["sheet", clip, "--count", "6", "--columns", "3", "-o", out] + args)
      XCTAssertEqual(r.status, 0, r.err)
      let p = try runProcess(URL(fileURLWithPath: "/usr/bin/ffprobe"), ["-v", "error", "-show_entries", "stream=height", "-of", "csv=p=0", out])
      return try XCTUnwrap(Int(p.out.trimmingCharacters(in: .whitespacesAndNewlines)), p.err)
    }
    let plain = try height(["--clock", "none"]), wall = try height([])
    XCTAssertEqual(wall - plain, 2 * (2 * 7 + 4), "one more label line of 2x-scaled 7-pixel text a row (2 rows)")
  }

  /// `--clock-at #N` ties the clock to frame N's own time: in passerby_gap 12 frames are
  /// missing before frame 150 with their timestamps kept, so frame 200 is at 8.48 s, not at
  /// 200 ÷ 25 = 8 s, and the file's first frame was at the given time minus 8.48 s.
  func testTheUsersReadingAtAFrameUsesTheFramesOwnTime() throws {
    let clip = try cli.video("passerby_gap.mp4")
    for command in ["scan", "audit"] {
      let doc = try json([command, clip, "--json", "--clock-at", "#200=2026-11-20 07:00:08.480"])
      let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
      XCTAssertEqual(clock["start"] as? String, "2026-11-20T07:00:00.000", command)
    }
  }

  func testTheUsersReadingAtAFrame() throws {
    let clip = try cli.video("passerby.mp4")     // 25 fps
    let doc = try json(["scan", clip, "--json", "--clock-at", "#50=2026-11-20 07:31:07"])
    let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
    XCTAssertEqual(clock["source"] as? String, "user")
    XCTAssertEqual(clock["start"] as? String, "2026-11-20T07:31:05.000")
  }

  func testWithoutASourceNothingButTheClockObjectChanges() throws {
    let clip = try cli.video("passerby.mp4")
    let doc = try json(["scan", clip, "--json"])
    let clock = try XCTUnwrap((doc["inputs"] as? [[String: Any]])?.first?["clock"] as? [String: Any])
    XCTAssertEqual(clock as NSDictionary, ["source": "none"] as NSDictionary)
    for p in timePoints(try XCTUnwrap(doc["events"])) { XCTAssertNil(p["wall"]) }
    // An offset with nothing to apply it to is a warning naming the file, not an error.
    let offset = try json(["scan", clip, "--json", "--clock-offset", "+5s"])
    let warnings = try XCTUnwrap(offset["warnings"] as? [[String: Any]])
    XCTAssertEqual(warnings.count, 1)
    XCTAssertEqual(warnings.first?["file"] as? String, clip)
    XCTAssertTrue((warnings.first?["message"] as? String)?.hasPrefix("clock: no wall-clock source") == true, "\(warnings)")
  }

  func testBadClockOptionsAreUsageErrors() throws {
    let clip = try cli.video("passerby.mp4")
    for args in [["--clock-start", "2026-13-01 00:00:00"], ["--clock", "sundial"],
                 ["--clock-at", "#50"], ["--clock-offset", "7 minutes"], ["--clock", "user"],
                 ["--clock-start", "2026-11-20 07:31:05", "--clock-at", "#1=2026-11-20 07:31:05"]] {
      let r = try cli.framescout(["scan", clip] + args)
      XCTAssertEqual(r.status, 1, "\(args): \(r.err)")
      XCTAssertTrue(r.err.contains("--clock"), "\(args): \(r.err)")
    }
    for zone in ["Mars/Olympus", "+5", "+25:00", "01:00", "CET+1"] {
      let r = try cli.framescout(["scan", clip, "--timezone", zone])
      XCTAssertEqual(r.status, 1, "\(zone): \(r.err)")
      XCTAssertTrue(r.err.contains("--timezone '\(zone)'"), "\(zone): \(r.err)")
    }
  }

  /// `--timezone` shows zoned times in that zone in text (a fixed offset, or a tz name with
  /// its summer time), leaves zoneless times as read, and leaves JSON as read; find and
  /// audit text show the wall time first, with the legend line.
  func testTimezoneAndWallTimeInFindAndAuditText() throws {
    let dir = try cli.tempDir()
    let summer = try copy("passerby_cut.mp4", to: "summer.mp4", in: dir, metadata: ["creation_time=2026-07-01T07:00:00.000000Z"])
    let audit = try cli.framescout(["audit", summer, "--timezone", "Europe/London"])
    XCTAssertEqual(audit.status, 0, audit.err)
    XCTAssertTrue(audit.out.contains("zoned times shown in Europe/London"), audit.out)
    XCTAssertTrue(audit.out.contains("2026-07-01 08:00:06.000+01:00 00:00:06.000  #150  discontinuity"), audit.out)
    let utc = try cli.framescout(["audit", summer])
    XCTAssertTrue(utc.out.contains("2026-07-01 07:00:06.000Z"), utc.out)
    let scan = try cli.framescout(["scan", summer, "--timezone=-05:30"])
    XCTAssertTrue(scan.out.contains("2026-07-01 01:30:04.800-05:30"), scan.out)
    let json = try self.json(["scan", summer, "--json", "--timezone=-05:30"])
    XCTAssertTrue(timePoints(json["events"] as Any).contains { $0["wall"] as? String == "2026-07-01T07:00:04.800Z" }, "JSON as read")
    // A zoneless clock (a Hikvision name) is shown as read whatever the zone.
    let hik = try copy("parcel_taken.mp4", to: "ch02_20261120080000000_20261120080016000.mp4", in: dir)
    let frame = dir.appendingPathComponent("f.jpg").path, crop = dir.appendingPathComponent("crop.jpg").path
    XCTAssertEqual(try cli.framescout(["frame", hik, "--at", "#100", "-o", frame]).status, 0)
    let c = try runProcess(URL(fileURLWithPath: "/usr/bin/ffmpeg"), ["-v", "error", "-y", "-i", frame, "-vf", "crop=56:44:392:146", crop])
    XCTAssertEqual(c.status, 0, c.err)
    let find = try cli.framescout(["find", hik, "--target", crop, "--timezone", "UTC"])
    XCTAssertEqual(find.status, 0, find.err)
    XCTAssertTrue(find.out.contains("wall: time of day"), find.out)
    XCTAssertTrue(find.out.split(separator: "\n").contains { $0.hasPrefix("2026-11-20 08:00:00.") }, "the first range starts at the file's start: \(find.out)")
  }
}
