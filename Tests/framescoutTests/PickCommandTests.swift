import Foundation
import XCTest

/// `framescout pick` and the report folders at the command line: bad input gives one line
/// and FrameScout's exit codes; what the page holds without a browser (the browser tests
/// are in BrowserTests).
final class PickCommandTests: XCTestCase {
  func framescout(_ args: [String]) throws -> ProcessResult { try runProcess(builtFramescout(), args) }

  func tempDir() throws -> URL { try temporaryFolder(for: self, prefix: "framescout-pick") }

  /// The page is one file: the frame a data: URI, the script and style named by hash in a
  /// CSP that allows nothing else (no network, no other file).
  func testPageIsSelfContainedUnderAStrictCSP() throws {
    let page = try tempDir().appendingPathComponent("pick.html").path
    let r = try framescout(["pick", try testVideo("parcel_taken.mp4"), "--at", "#100", "-o", page, "--frames", "3"])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "\(try testVideo("parcel_taken.mp4")): frame #100 at 00:00:04.000 and 3 other frames -> \(page)\n")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let csp = try XCTUnwrap(html.range(of: #"content="default-src 'none'; img-src data:; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'""#, options: .regularExpression))
    XCTAssertFalse(csp.isEmpty)
    XCTAssertEqual(html.components(separatedBy: "src=\"data:image/jpeg;base64,").count - 1, 5, "the frame and the strip's 4 (the frame among them)")
    // The SVG namespace is a name, not an address.
    let text = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
    for external in ["http:", "https:", "src=\"/", "href=\""] { XCTAssertFalse(text.contains(external), external) }
    XCTAssertTrue(html.contains("data-width=\"640\" data-height=\"360\""))
  }

  /// A hostile file name is text on the page (title, header, data attribute), never markup.
  func testFileNameIsEscaped() throws {
    let dir = try tempDir()
    let hostile = dir.appendingPathComponent("<b onmouseover=\"x\">'cam'.mp4").path
    try FileManager.default.copyItem(atPath: try testVideo("parcel_taken.mp4"), toPath: hostile)
    let page = dir.appendingPathComponent("pick.html").path
    XCTAssertEqual(try framescout(["pick", hostile, "-o", page]).status, 0)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    XCTAssertTrue(html.contains("&lt;b onmouseover=&quot;x&quot;&gt;&#39;cam&#39;.mp4"))
    XCTAssertFalse(html.contains("<b onmouseover"))
  }

  /// A frame that cannot be decoded (truncated.mp4 lists 226 packets, 225 frames decode)
  /// gives the nearest decodable one and a warning naming both.
  func testUndecodableFrameGivesTheNearestDecodableOne() throws {
    let video = try testVideo("truncated.mp4")
    let page = try tempDir().appendingPathComponent("pick.html").path
    let r = try framescout(["pick", video, "--at", "#225", "-o", page])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "\(video): frame #224 at 00:00:08.960 -> \(page)\n")
    XCTAssertTrue(r.err.hasPrefix("framescout: \(video): warning: frame #225 could not be decoded; showing the nearest decodable frame, #224\n"), r.err)
    XCTAssertTrue(try String(contentsOfFile: page, encoding: .utf8).contains("data-frame=\"224\""))
  }

  /// An output folder that cannot be written: one line naming it and the reason, exit 2,
  /// for the page and for a report folder. (/proc takes no new files, even from root.)
  func testUnwritableOutputIsOneLineExitTwo() throws {
    let video = try testVideo("parcel_taken.mp4")
    let p = try framescout(["pick", video, "-o", "/proc/pick.html"])
    XCTAssertEqual(p.status, 2)
    XCTAssertEqual(p.err, "framescout: /proc/pick.html: cannot write into the folder /proc: No such file or directory\n")
    let w = try framescout(["watch", video, "--roi", "392,146,56,44", "--report", "/proc/framescout-report"])
    XCTAssertEqual(w.status, 2)
    XCTAssertEqual(w.err, "framescout: /proc/framescout-report/thumbs: cannot create the folder: No such file or directory\n")
    let s = try framescout(["scan", video, "--quiet", "--report", "/proc/framescout-report"])
    XCTAssertEqual(s.status, 2)
    XCTAssertEqual(s.err.split(separator: "\n").count, 1, s.err)
  }

  /// A regions file edited by hand: the error names the file and the line, for scan and
  /// watch; watch takes one region and no exclusions.
  func testRegionsFileErrorsNameTheLine() throws {
    let dir = try tempDir()
    let video = try testVideo("parcel_taken.mp4")
    let bad = dir.appendingPathComponent("bad.txt").path
    try "# drawn in framescout pick\n392,146,56,44\nexclude 10,10,x,5\n".write(toFile: bad, atomically: true, encoding: .utf8)
    for command in ["scan", "watch"] {
      let r = try framescout([command, video, "--regions", bad])
      XCTAssertEqual(r.status, 1)
      XCTAssertEqual(r.err.split(separator: "\n").first.map(String.init),
                     "framescout: --regions \(bad) line 3: 'x' in region '10,10,x,5' is not a number (pixels, or percent with %)")
    }
    let two = dir.appendingPathComponent("two.txt").path
    try "392,146,56,44\n0,0,10,10\n".write(toFile: two, atomically: true, encoding: .utf8)
    let r = try framescout(["watch", video, "--regions", two])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.hasPrefix("framescout: watch follows one region: give --roi or a --regions file with one region line (2 given)\n"), r.err)
    XCTAssertEqual(try framescout(["watch", video]).status, 1)
  }

  /// --open without a desktop prints where the page is.
  func testOpenWithoutABrowserPrintsThePath() throws {
    let env = ProcessInfo.processInfo.environment
    if env["DISPLAY"] != nil || env["WAYLAND_DISPLAY"] != nil { throw XCTSkip("a desktop is present: --open would open a browser") }
    let page = try tempDir().appendingPathComponent("pick.html")
    let r = try framescout(["pick", try testVideo("parcel_taken.mp4"), "-o", page.path, "--open"])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertTrue(r.out.hasSuffix("no browser to open it with: open \(page.absoluteString)\n"), r.out)
  }
}
