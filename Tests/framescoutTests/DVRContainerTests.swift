import Foundation
import XCTest

/// DVR containers: Dahua `.dav` (FFmpeg's dhav demuxer) and Hikvision exports (a 40-byte
/// IMKH header before an MPEG-2 program stream), made at test time by tools/make-dav and
/// tools/make-hik from three TestVideos clips. Each copy must decode to the same frames as
/// its reference and give the same frame numbers, times and findings in every engine.
///
/// References: a Hikvision copy wraps the clip's own H.264 stream, so its reference is the
/// TestVideos clip. DHAV carries one timestamp per frame in decode order and cannot time
/// B-frames, which every TestVideos clip has: make-dav re-encodes the clip without them
/// (keyframe every 40 frames: 1.6 s, so most keyframes fall inside a second, where the dhav
/// demuxer's own seek mis-times them) into a reference MP4 and wraps that stream.
final class DVRContainerTests: XCTestCase {
  static let root = GoldenTests.root
  static let clips = ["parcel_taken", "bag_left", "passerby_dup"]
  /// What each clip is watched and searched for: (roi, target picture).
  static let subjects = ["parcel_taken": ("392,146,56,44", "parcel-target.png"), "bag_left": ("150,248,56,42", "bag-target.png"),
                         "passerby_dup": ("392,146,56,44", "parcel-target.png")]
  nonisolated(unsafe) static var folder: URL?
  nonisolated(unsafe) static var failure: String?

  /// A copy and the file it must equal.
  struct Pair { var clip: String; var reference: String; var copy: String; var container: String }

  override class func setUp() {
    super.setUp()
    guard (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ffmpeg", "-version"]).status) == 0 else {
      failure = "ffmpeg is not installed: the DVR copies cannot be made"
      return
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-dvr-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    folder = dir
    for clip in clips {
      let source = root.appendingPathComponent("TestVideos/\(clip).mp4").path
      for (tool, args) in [("make-dav", [source, dir.appendingPathComponent("\(clip).dav").path, "--reencode",
                                         dir.appendingPathComponent("\(clip)_ref.mp4").path, "--gop", "40"]),
                           ("make-hik", [source, dir.appendingPathComponent("\(clip)_hik.mp4").path])] {
        let r = try? runProcess(root.appendingPathComponent("tools/\(tool)"), args)
        if r?.status != 0 { failure = "tools/\(tool) \(clip) failed: \(r?.err ?? "did not run")"; return }
      }
    }
  }

  override class func tearDown() {
    if let folder { try? FileManager.default.removeItem(at: folder) }
    super.tearDown()
  }

  /// Every copy with its reference (skips the test when the copies could not be made).
  func pairs() throws -> [Pair] {
    if let failure = Self.failure { throw XCTSkip(failure) }
    let dir = try XCTUnwrap(Self.folder)
    return Self.clips.flatMap { clip in
      [Pair(clip: clip, reference: dir.appendingPathComponent("\(clip)_ref.mp4").path, copy: dir.appendingPathComponent("\(clip).dav").path,
            container: "dhav"),
       Pair(clip: clip, reference: Self.root.appendingPathComponent("TestVideos/\(clip).mp4").path,
            copy: dir.appendingPathComponent("\(clip)_hik.mp4").path, container: "mpeg")]
    }
  }

  /// A folder for one test's outputs, removed at its end.
  func scratch() throws -> URL {
    let dir = try XCTUnwrap(Self.folder).appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
  }

  func framescout(_ args: [String]) throws -> ProcessResult {
    let r = try runProcess(builtFramescout(), args)
    XCTAssertEqual(r.status, 0, "framescout \(args.joined(separator: " ")): \(r.err)")
    return r
  }

  func json(_ args: [String]) throws -> [String: Any] {
    try XCTUnwrap(JSONSerialization.jsonObject(with: try framescout(args + ["--json"]).output) as? [String: Any])
  }

  /// The findings of a JSON report: kind, start and end frame and time, each event on a line.
  func findings(_ report: [String: Any]) -> [String] {
    (report["events"] as? [[String: Any]] ?? []).map { e in
      let start = e["start"] as? [String: Any] ?? [:], end = e["end"] as? [String: Any] ?? [:]
      return "\(e["kind"] ?? "?") #\(start["frame"] ?? "?") \(start["time"] ?? "?") - #\(end["frame"] ?? "?") \(end["time"] ?? "?")"
    }
  }

  func testTheCopiesProbeAsTheirContainerWithTheReferenceFrameCount() throws {
    for p in try pairs() {
      let copy = try json(["probe", p.copy, "--count"]), reference = try json(["probe", p.reference, "--count"])
      let input = try XCTUnwrap((copy["inputs"] as? [[String: Any]])?.first), ref = try XCTUnwrap((reference["inputs"] as? [[String: Any]])?.first)
      XCTAssertEqual(input["container"] as? String, p.container, p.copy)
      XCTAssertEqual(input["codec"] as? String, "h264", p.copy)
      XCTAssertEqual(input["frames"] as? Int, ref["frames"] as? Int, p.copy)
      XCTAssertEqual(input["fps"] as? Double, 25, p.copy)
    }
  }

  /// A copy given twice is one timeline: the second file starts at the first's true end
  /// (its last frame plus that frame's duration), as on the reference, though a .dav
  /// declares its duration in whole seconds.
  func testTheCopiesLieEndToEndOnATimelineAsTheReferenceDoes() throws {
    for p in try pairs() {
      let copy = try json(["scan", p.copy, p.copy, "--quiet"]), reference = try json(["scan", p.reference, p.reference, "--quiet"])
      func starts(_ r: [String: Any]) -> [Double] { (r["events"] as? [[String: Any]] ?? []).compactMap { $0["timeline_start"] as? Double } }
      XCTAssertFalse(starts(reference).isEmpty, p.reference)
      XCTAssertEqual(starts(copy), starts(reference), p.copy)
    }
  }

  func testEveryFrameDecodesAsInTheReference() throws {
    let dir = try scratch()
    for p in try pairs() {
      let a = dir.appendingPathComponent("a.framemd5").path, b = dir.appendingPathComponent("b.framemd5").path
      _ = try framescout(["audit", p.reference, "--framemd5", a])
      _ = try framescout(["audit", p.copy, "--framemd5", b])
      func hashes(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
          .compactMap { $0.split(separator: ",").last }
      }
      let (ha, hb) = (try hashes(a), try hashes(b))
      XCTAssertGreaterThanOrEqual(ha.count, 375, p.reference)
      XCTAssertEqual(ha, hb, "\(p.copy): \(hb.count) frames, first difference at #\(zip(ha, hb).enumerated().first { $0.1.0 != $0.1.1 }?.0 ?? -1)")
    }
  }

  /// Frames after a seek far from the start, on a keyframe inside a second (#83: keyframe
  /// #80 at 3.2 s) and on one on a whole second (#205: #200 at 8 s), the first and the last,
  /// by number and by time, and a contact sheet: the same picture from copy and reference.
  func testFrameExportAndSheetAreExactAfterSeeks() throws {
    func shown(_ out: String) -> String? { out.range(of: #"frame #[0-9]+ at [0-9:.]+"#, options: .regularExpression).map { String(out[$0]) } }
    let dir = try scratch()
    for p in try pairs() {
      for at in ["#0", "#83", "#205", "#333", "#374", "3.32", "12.001"] {
        let a = dir.appendingPathComponent("a.jpg").path, b = dir.appendingPathComponent("b.jpg").path
        let ra = try framescout(["frame", p.reference, "--at", at, "-o", a]), rb = try framescout(["frame", p.copy, "--at", at, "-o", b])
        XCTAssertEqual(shown(rb.out), shown(ra.out), "\(p.copy) --at \(at)")
        XCTAssertNotNil(shown(ra.out), ra.out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: b)), try Data(contentsOf: URL(fileURLWithPath: a)), "\(p.copy) --at \(at)")
      }
      let a = dir.appendingPathComponent("a-sheet.jpg").path, b = dir.appendingPathComponent("b-sheet.jpg").path
      // The pictures alike; the .dav's own sheet also labels each tile with its DVR time
      // (a second line), so it is compared with the wall clock off.
      _ = try framescout(["sheet", p.reference, "--count", "8", "-o", a])
      _ = try framescout(["sheet", p.copy, "--count", "8", "-o", b, "--clock", "none"])
      XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: b)), try Data(contentsOf: URL(fileURLWithPath: a)), "\(p.copy) sheet")
      guard p.copy.hasSuffix(".dav") else { continue }     // the Hikvision copies' names state no time
      _ = try framescout(["sheet", p.copy, "--count", "8", "-o", b])
      XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: b)), try Data(contentsOf: URL(fileURLWithPath: a)), "\(p.copy): the DVR time on the sheet")
    }
  }

  /// scan, watch (coarse, which seeks to keyframes, and exhaustive), find and audit: the
  /// same findings with the same frame numbers and times, and per frame the same scores.
  func testEveryEngineFindsTheSameEventsOnTheSameFrames() throws {
    let dir = try scratch()
    for p in try pairs() {
      let (roi, target) = Self.subjects[p.clip]!
      let picture = Self.root.appendingPathComponent("Tests/Golden/\(target)").path
      let commands: [[String]] = [["scan"], ["watch", "--roi", roi], ["watch", "--roi", roi, "--exhaustive"],
                                  ["find", "--target", picture], ["audit"]]
      var found = 0
      for command in commands {
        let a = findings(try json([command[0], p.reference] + command.dropFirst())), b = findings(try json([command[0], p.copy] + command.dropFirst()))
        XCTAssertEqual(b, a, "\(p.copy): \(command.joined(separator: " "))")
        found += a.count
      }
      XCTAssertGreaterThanOrEqual(found, 4, "\(p.clip): the engines should find something")
      for (option, name) in [(["scan", "--quiet", "--stats"], "scan.csv"), (["audit", "--signals"], "signals.csv")] {
        let a = dir.appendingPathComponent("a-" + name).path, b = dir.appendingPathComponent("b-" + name).path
        _ = try framescout([option[0], p.reference] + option.dropFirst() + [a])
        _ = try framescout([option[0], p.copy] + option.dropFirst() + [b])
        XCTAssertEqual(try perFrame(b), try perFrame(a), "\(p.copy): \(name)")
      }
    }
  }

  /// A per-frame CSV without the columns that name the container's own facts (the file,
  /// the pts in its time base, the packet sizes).
  func perFrame(_ path: String) throws -> [[Substring]] {
    let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let keep = rows.first?.indices.filter { !["file", "pts", "packet_size"].contains(rows[0][$0]) } ?? []
    XCTAssertGreaterThan(rows.count, 300, path)
    return rows.map { row in keep.map { row[$0] } }
  }

  /// Where the DHAV clock itself differs: FFmpeg's dhav times the first frame of each new
  /// DVR second at the whole second (the counter's milliseconds are used only within a
  /// second), so after a pause in the recording that ends inside a second (passerby_gap:
  /// 480 ms missing before frame #150 at 6.48 s) the frames up to the next whole second are
  /// early and the gap shows at 7 s. The frames and their numbers stay right; their times,
  /// and so audit's timestamp findings, follow the container's clock.
  func testAPauseEndingInsideASecondIsTimedAsFFmpegReadsTheDVRClock() throws {
    if let failure = Self.failure { throw XCTSkip(failure) }
    let dir = try scratch()
    let dav = dir.appendingPathComponent("gap.dav").path, reference = dir.appendingPathComponent("gap_ref.mp4").path
    let made = try runProcess(Self.root.appendingPathComponent("tools/make-dav"),
                              [Self.root.appendingPathComponent("TestVideos/passerby_gap.mp4").path, dav, "--reencode", reference])
    XCTAssertEqual(made.status, 0, made.err)
    XCTAssertEqual(findings(try json(["audit", reference])), ["timestamp-gap #150 6.48 - #150 6.48"])
    XCTAssertEqual(findings(try json(["audit", dav])), ["discontinuity #150 6.0 - #150 6.0", "timestamp-gap #163 7.0 - #163 7.0"])
    XCTAssertEqual(findings(try json(["scan", dav])), findings(try json(["scan", reference])), "the event starts and ends outside the mis-timed frames #150-#162")
    let frame = try framescout(["frame", dav, "--at", "#155", "-o", dir.appendingPathComponent("f.jpg").path])
    XCTAssertTrue(frame.out.contains("frame #155 at 00:00:06.200"), frame.out)
  }

  func testMakeDavRefusesBFramesWithoutAReference() throws {
    if let failure = Self.failure { throw XCTSkip(failure) }
    let out = try XCTUnwrap(Self.folder).appendingPathComponent("refused.dav").path
    let r = try runProcess(Self.root.appendingPathComponent("tools/make-dav"), [Self.root.appendingPathComponent("TestVideos/passerby.mp4").path, out])
    XCTAssertNotEqual(r.status, 0)
    XCTAssertTrue(r.err.contains("B-frames"), r.err)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out))
  }
}
