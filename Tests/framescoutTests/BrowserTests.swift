import Foundation
import XCTest

/// `framescout pick`'s page and the reports' clips in headless Chromium (Debian's), driven
/// with real mouse events by Playwright for Python (Tests/browser/browser_check.py, which
/// acts and measures; the assertions are here). `tools/setup --test` installs Chromium and
/// Playwright. Without them the tests fail in CI (CI=true) and skip elsewhere, saying why.
final class BrowserTests: XCTestCase {
  static let script = CommandLineTests.root.appendingPathComponent("Tests/browser/browser_check.py")

  func framescout(_ args: [String]) throws -> ProcessResult { try runProcess(builtFramescout(), args) }

  func tempDir() throws -> URL { try temporaryFolder(for: self, prefix: "framescout-browser") }

  /// The driver's JSON for `args`; fails (CI) or skips (elsewhere) when Chromium or
  /// Playwright is missing.
  func browser(_ args: [String]) throws -> [String: Any] {
    let python = URL(fileURLWithPath: "/usr/bin/env")
    let probe = try runProcess(python, ["python3", "-c", "import playwright.sync_api"])
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    if probe.status != 0 || !chromium {
      let why = "needs Chromium and Playwright for Python (tools/setup --test installs them): \(probe.err.split(separator: "\n").last ?? "")"
      if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(why); throw XCTSkip(why) }
      throw XCTSkip(why)
    }
    let r = try runProcess(python, ["python3", Self.script.path] + args)
    XCTAssertEqual(r.status, 0, r.err)
    guard let json = try? JSONSerialization.jsonObject(with: r.output) as? [String: Any] else {
      XCTFail("no JSON from the browser driver: \(r.out) \(r.err)")
      return [:]
    }
    return json
  }

  /// The numbers of an option's value ("--roi 392,146,56,44" → [392, 146, 56, 44]).
  func numbers(_ text: String) -> [Double] {
    text.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
  }

  /// What every page must show: no request beyond file:/data:/blob:, no CSP refusal, no
  /// script error, loaded from a file:// URL.
  func assertOffline(_ r: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual((r["requests"] as? [String])?.count, 0, "network requests: \(r["requests"] ?? "")", file: file, line: line)
    XCTAssertEqual((r["csp"] as? [String])?.count, 0, "CSP reports: \(r["csp"] ?? "")", file: file, line: line)
    XCTAssertEqual((r["errors"] as? [String])?.count, 0, "script errors: \(r["errors"] ?? "")", file: file, line: line)
    XCTAssertTrue((r["url"] as? String ?? "").hasPrefix("file://"), file: file, line: line)
  }

  /// A rectangle dragged over parcel_taken's parcel (truth: 392,146,56,44 at frame #40) on
  /// the frame shown at about 1.5:1 (and zoomed further) gives the parcel's box within 1 %
  /// of the frame's size.
  func testPickRectangleGivesTheObjectsBox() throws {
    let dir = try tempDir()
    let page = dir.appendingPathComponent("pick.html").path
    let r = try framescout(["pick", try testVideo("parcel_taken.mp4"), "-o", page])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "\(try testVideo("parcel_taken.mp4")): frame #40 at 00:00:01.600 -> \(page)\n")
    let truth = [392.0, 146, 56, 44], size = [640.0, 360, 640, 360]
    for zoom in [0, 2] {
      let b = try browser(["pick", page, "--rect", "392,146,448,190", "--zoom", String(zoom)])
      let scale = b["scale"] as? [Double] ?? []
      XCTAssertEqual(scale.count, 2)
      XCTAssertGreaterThan(abs((scale.first ?? 1) - 1), 0.2, "the frame is not shown 1:1 (scale \(scale))")
      let options = b["options"] as? String ?? ""
      XCTAssertTrue(options.hasPrefix("--roi "), options)
      let box = numbers(options)
      XCTAssertEqual(box.count, 4, options)
      for k in box.indices where k < 4 {
        let error = abs(box[k] - truth[k]) / size[k]
        XCTAssertLessThanOrEqual(error, 0.01, "zoom \(zoom): \(options) vs the truth \(truth)")
      }
      print("pick rectangle at display scale \(scale): \(options) (truth 392,146,56,44; largest error \(String(format: "%.3f", zip(box, truth).map { abs($0 - $1) }.max() ?? -1)) px)")
      assertOffline(b)
    }
  }

  /// Several shapes, edited with the mouse and keys: an include and an exclude drawn, the
  /// first selected, moved and resized by its corner, the second deleted, the first turned
  /// into an exclusion, a polygon closed with Enter, one abandoned with Escape, a region and
  /// an exclusion drawn inside it, the options copied. The regions file downloaded then
  /// gives scan what the same options typed give it.
  func testPickEditsShapesAndTheFileMatchesTheOptions() throws {
    let dir = try tempDir()
    let video = try testVideo("parcel_taken.mp4")
    let page = dir.appendingPathComponent("pick.html").path
    XCTAssertEqual(try framescout(["pick", video, "-o", page]).status, 0)
    let steps = """
      [{"drag": [100, 100, 200, 160]},
       {"check": "input[name=mode][value=exclude]"}, {"drag": [0, 0, 300, 40]},
       {"click": [150, 130]}, {"drag": [150, 130, 160, 135]}, {"drag": [210, 165, 230, 175]},
       {"click": [150, 20]}, {"press": "Delete"},
       {"click": [150, 130]}, {"button": "#toggle"},
       {"check": "input[name=tool][value=poly]"}, {"click": [300, 200]}, {"click": [350, 200]}, {"click": [325, 250]}, {"press": "Enter"},
       {"click": [500, 300]}, {"click": [550, 300]}, {"press": "Escape"},
       {"check": "input[name=mode][value=include]"}, {"check": "input[name=tool][value=rect]"}, {"drag": [360, 120, 470, 210]},
       {"click": [600, 330]}, {"check": "input[name=mode][value=exclude]"}, {"drag": [380, 130, 400, 150]},
       {"button": "#copy", "wait": "#note"}]
      """
    let b = try browser(["pick", page, "--steps", steps, "--download", dir.path])
    assertOffline(b)
    let seen = (b["steps"] as? [[String: String]] ?? []).map { $0["options"] ?? "" }
    XCTAssertEqual(seen.count, 25)
    guard seen.count == 25 else { return }
    XCTAssertEqual(seen[0], "--roi 100,100,100,60")
    XCTAssertEqual(seen[2], "--roi 100,100,100,60 --exclude 0,0,300,40")
    XCTAssertEqual(seen[4], "--roi 110,105,100,60 --exclude 0,0,300,40", "moved by 10,5")
    XCTAssertEqual(seen[5], "--roi 110,105,120,70 --exclude 0,0,300,40", "resized by its corner")
    XCTAssertEqual(seen[7], "--roi 110,105,120,70", "the exclusion deleted")
    XCTAssertEqual(seen[9], "--exclude 110,105,120,70", "include turned exclude")
    XCTAssertEqual(seen[14], "--exclude 110,105,120,70 --exclude '300,200;350,200;325,250'", "Enter closes the polygon")
    XCTAssertEqual(seen[17], seen[14], "Escape abandons the polygon drawn")
    let options = seen[24]
    XCTAssertEqual(options, "--exclude 110,105,120,70 --exclude '300,200;350,200;325,250' --roi 360,120,110,90 --exclude 380,130,20,20",
                   "an exclusion drawn inside a region")
    XCTAssertEqual((b["steps"] as? [[String: String]])?.last?["note"], "copied")
    // The options as a shell would split them.
    var typed: [String] = []
    for m in options.matches(of: /(--\w+) ('([^']*)'|(\S+))/) { typed += [String(m.1), String(m.3 ?? m.4 ?? "")] }
    let file = try XCTUnwrap(b["regions_file"] as? String)
    let fromFile = try framescout(["scan", video, "--quiet", "--json", "--regions", file])
    let byHand = try framescout(["scan", video, "--quiet", "--json"] + typed)
    XCTAssertEqual(fromFile.status, 0, fromFile.err)
    func events(_ r: ProcessResult) -> [[String: Any]]? {
      ((try? JSONSerialization.jsonObject(with: r.output)) as? [String: Any])?["events"] as? [[String: Any]]
    }
    XCTAssertEqual(events(fromFile)?.count, 1)
    func canonical(_ e: [[String: Any]]?) throws -> String {
      String(decoding: try JSONSerialization.data(withJSONObject: e ?? [], options: .sortedKeys), as: UTF8.self)
    }
    XCTAssertEqual(try canonical(events(fromFile)), try canonical(events(byHand)), "the same events from the file as from the options")
  }

  /// Non-square pixels (a copy of parcel_taken flagged 4:3): the page shows the frame at
  /// its display aspect (853×360) and still states source pixels: the parcel's box.
  func testPickOnNonSquarePixelsStatesSourcePixels() throws {
    let dir = try tempDir()
    let clip = dir.appendingPathComponent("sar43.mp4").path
    let ff = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ffmpeg", "-v", "error", "-y", "-i", try testVideo("parcel_taken.mp4"),
                                                                   "-frames:v", "60", "-vf", "setsar=4/3", "-c:v", "libx264", "-preset", "ultrafast", clip])
    XCTAssertEqual(ff.status, 0, ff.err)
    let page = dir.appendingPathComponent("pick.html").path
    let r = try framescout(["pick", clip, "-o", page])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertTrue(try String(contentsOfFile: page, encoding: .utf8).contains("sample aspect 1.333"))
    let b = try browser(["pick", page, "--rect", "392,146,448,190"])
    assertOffline(b)
    let scale = b["scale"] as? [Double] ?? [1, 1]
    XCTAssertEqual(scale[0] / scale[1], 4.0 / 3.0, accuracy: 0.01, "shown at display aspect")
    let box = numbers(b["options"] as? String ?? "")
    XCTAssertEqual(box.count, 4)
    for (k, truth) in [392.0, 146, 56, 44].enumerated() where k < box.count {
      XCTAssertEqual(box[k], truth, accuracy: (k % 2 == 0 ? 640 : 360) * 0.01, "\(box)")
    }
  }

  /// A polygon clicked round the parcel, downloaded as a regions file, gives watch the same
  /// events as the same polygon typed as --roi (and the truth's disappearance). (Drawn with
  /// a margin, 386,140,69,57, watch calls the parcel's removal "appeared": README, watch.)
  func testPickPolygonRoundTripsThroughTheRegionsFile() throws {
    let dir = try tempDir()
    let video = try testVideo("parcel_taken.mp4")
    let page = dir.appendingPathComponent("pick.html").path
    XCTAssertEqual(try framescout(["pick", video, "-o", page, "--frames", "4"]).status, 0)
    let b = try browser(["pick", page, "--polygon", "392,146;448,146;448,190;420,193;392,190", "--download", dir.path])
    assertOffline(b)
    let options = b["options"] as? String ?? ""
    XCTAssertTrue(options.hasPrefix("--roi '") && options.hasSuffix("'"), options)
    let polygon = String(options.dropFirst("--roi '".count).dropLast())
    XCTAssertEqual(polygon.split(separator: ";").count, 5, "five points, the double-click adds none: \(polygon)")
    let file = try XCTUnwrap(b["regions_file"] as? String)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    XCTAssertTrue(text.contains("\n" + polygon + "\n"), text)
    let fromFile = try framescout(["watch", video, "--regions", file, "--json"])
    let typed = try framescout(["watch", video, "--roi", polygon, "--json"])
    XCTAssertEqual(fromFile.status, 0, fromFile.err)
    XCTAssertEqual(typed.status, 0, typed.err)
    func events(_ r: ProcessResult) -> [[String: Any]] {
      ((try? JSONSerialization.jsonObject(with: r.output)) as? [String: Any])?["events"] as? [[String: Any]] ?? []
    }
    XCTAssertEqual(events(fromFile).count, 1)
    XCTAssertEqual(events(fromFile).first?["kind"] as? String, "disappeared")
    // The truth: disappeared at #234 (the parcel's box drawn tight; within a frame, as the scoreboard asks).
    XCTAssertEqual(Double((events(fromFile).first?["start"] as? [String: Any])?["frame"] as? Int ?? 0), 234, accuracy: 1)
    XCTAssertEqual(fromFile.out, typed.out, "the same JSON, events and parameters alike")
  }

  /// watch --report: the page plays the change's clip (readyState >= 2, the clip's
  /// duration) and shows the before and after pictures, after the folder is moved (as to a
  /// USB stick): it holds only relative links.
  func testWatchReportPlaysTheClipAndShowsBeforeAfter() throws {
    let written = try tempDir().appendingPathComponent("report")
    let r = try framescout(["watch", try testVideo("parcel_taken.mp4"), "--roi", "392,146,56,44", "--report", written.path])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertTrue(r.out.hasSuffix("report: \(written.path)/report.html\n"), r.out)
    let json = try String(contentsOf: written.appendingPathComponent("report.json"), encoding: .utf8)
    XCTAssertTrue(json.contains("\"command_line\": \"framescout watch "), json)
    XCTAssertTrue(json.contains("\"clip\": \"clips/parcel_taken-change1.mp4\""), json)
    let dir = try tempDir().appendingPathComponent("stick")
    try FileManager.default.moveItem(at: written, to: dir)
    let b = try browser(["report", dir.appendingPathComponent("report.html").path])
    assertOffline(b)
    XCTAssertEqual(b["videos"] as? Int, 1)
    let played = try XCTUnwrap(b["played"] as? [String: Any])
    XCTAssertGreaterThanOrEqual(played["readyState"] as? Int ?? 0, 2)
    let src = try XCTUnwrap(played["src"] as? String)
    XCTAssertTrue(src.hasPrefix("clips/"), src)
    let clip = dir.appendingPathComponent(src).path
    XCTAssertEqual(try clipDuration(clip), played["duration"] as? Double ?? 0, accuracy: 0.05, "the clip's duration")
    let roles = (b["pictures"] as? [[String: Any]] ?? []).filter { ($0["width"] as? Int ?? 0) > 0 }.compactMap { $0["role"] as? String }
    XCTAssertEqual(roles, ["before", "after"])
    let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
    let links = html.matches(of: /(?:src|href)="([^"]*)"/).map { String($0.1) }
    XCTAssertEqual(links.filter { !$0.hasPrefix("data:") }, [src, src], "the clip, linked relative to the page (the video and its link)")
  }

  /// batch --clips: report.html plays a scan event's clip; a clip browsers cannot play
  /// (MJPEG in AVI) is a download link.
  func testBatchReportPlaysClipsOrOffersThem() throws {
    let evidence = try tempDir().appendingPathComponent("ev")
    try FileManager.default.createDirectory(at: evidence, withIntermediateDirectories: true)
    for name in ["passerby.mp4", "mjpeg.avi"] {
      try FileManager.default.copyItem(atPath: try testVideo(name), toPath: evidence.appendingPathComponent(name).path)
    }
    let out = try tempDir().appendingPathComponent("out")
    let r = try framescout(["batch", evidence.path, "--out", out.path, "--clips", "--quiet"])
    XCTAssertEqual(r.status, 0, r.err)
    let b = try browser(["report", out.appendingPathComponent("report.html").path])
    assertOffline(b)
    let played = try XCTUnwrap(b["played"] as? [String: Any])
    XCTAssertGreaterThanOrEqual(played["readyState"] as? Int ?? 0, 2)
    let src = try XCTUnwrap(played["src"] as? String)
    XCTAssertEqual(try clipDuration(out.appendingPathComponent(src).path), played["duration"] as? Double ?? 0, accuracy: 0.05)
    let downloads = b["downloads"] as? [String] ?? []
    XCTAssertFalse(downloads.isEmpty, "the AVI's clips are links")
    XCTAssertTrue(downloads.allSatisfy { $0.hasPrefix("clips/") && $0.hasSuffix(".avi") }, "\(downloads)")
  }

  /// The duration framescout probe states for a clip (its container's).
  func clipDuration(_ path: String) throws -> Double {
    let p = try framescout(["probe", path, "--json"])
    XCTAssertEqual(p.status, 0, p.err)
    let doc = try JSONSerialization.jsonObject(with: p.output) as? [String: Any]
    return try XCTUnwrap(((doc?["inputs"] as? [[String: Any]])?.first?["duration"]) as? Double)
  }
}
