import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// Fingerprints shared by the audit and compare tests (each clip decoded once per run).
enum Fingerprints {
  static let videos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestVideos")
  nonisolated(unsafe) static var cache: [String: FingerprintStream] = [:]
  static let lock = NSLock()

  static func path(_ name: String) throws -> String {
    let p = videos.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("missing \(name): run tools/make-testvideos") }
    return p
  }
  static func stream(_ name: String) throws -> FingerprintStream {
    lock.lock(); defer { lock.unlock() }
    if let s = cache[name] { return s }
    let s = try FingerprintStream.make(path: try path(name))
    cache[name] = s
    return s
  }
  static func truth(_ name: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: videos.appendingPathComponent(name + ".truth.json"))) as! [String: Any]
  }
  /// Clips whose truth lists a manipulation (dropped, duplicated or spliced frames).
  static func manipulated() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: videos.path).filter { $0.hasSuffix(".truth.json") }
      .map { String($0.dropLast(".truth.json".count)) }.sorted().filter { name in
        let t = try truth(name)
        return [t["dropped"], t["duplicated"], t["spliced"], t["parameter_changes"]].contains { (($0 as? [Any])?.isEmpty == false) }
      }
  }
}

/// `FrameAudit` scored against the truth files: every manipulation found at its frame (±1),
/// nothing on the untouched clips.
final class AuditTests: XCTestCase {
  func audit(_ name: String) throws -> AuditResult { FrameAudit().audit(try Fingerprints.stream(name)) }

  func testEveryManipulationIsFoundAtItsFrame() throws {
    let clips = try Fingerprints.manipulated()
    XCTAssertGreaterThanOrEqual(clips.count, 5, "gap, cut, dup, splice and params clips at least")
    var checked = 0
    for clip in clips {
      let t = try Fingerprints.truth(clip)
      let events = try audit(clip).findings
      func found(_ kinds: [EventKind], at frame: Int, _ what: String) {
        let hit = events.contains { kinds.contains($0.kind) && abs($0.start.frame - frame) <= 1 }
        XCTAssertTrue(hit, "\(clip): \(what) at #\(frame) not found; got \(events.map { "\($0.kind.rawValue) #\($0.start.frame)" })")
        checked += 1
      }
      for d in (t["dropped"] as? [[String: Any]]) ?? [] {
        let frame = d["frame"] as! Int
        if d["timestamps"] as? String == "gap" {
          found([.timestampGap], at: frame, "timestamp gap")
          let gap = events.first { $0.kind == .timestampGap }
          if case .timestampGap(_, _, let missing, _)? = gap?.evidence {
            XCTAssertEqual(missing, d["count"] as? Int, "\(clip): missing frame count")
          } else { XCTFail("\(clip): no missing_frames") }
        } else {
          found([.discontinuity], at: frame, "content jump of removed frames")
        }
      }
      for d in (t["duplicated"] as? [[String: Any]]) ?? [] {
        let start = d["start"] as! Int, end = d["end"] as! Int
        found([.duplicateFrame], at: start, "duplicated frames")
        let e = events.first { $0.kind == .duplicateFrame && abs($0.start.frame - start) <= 1 }
        XCTAssertLessThanOrEqual(abs((e?.end.frame ?? -9) - end), 1, "\(clip): duplicate run end")
      }
      for s in (t["spliced"] as? [[String: Any]]) ?? [] {
        found([.discontinuity], at: s["start"] as! Int, "start of the spliced segment")
        found([.discontinuity], at: (s["end"] as! Int) + 1, "end of the spliced segment")
      }
      for p in (t["parameter_changes"] as? [[String: Any]]) ?? [] {
        let frame = p["frame"] as! Int
        let hits = events.filter { $0.kind == .gopChange && $0.start.frame - 1 <= frame && frame <= $0.end.frame + 1 }
        XCTAssertFalse(hits.isEmpty, "\(clip): \(p["what"] ?? "") at #\(frame) not found; got \(events.map { "\($0.kind.rawValue) #\($0.start.frame)" })")
        checked += 1
      }
      XCTAssertEqual(Set(events.filter { $0.kind == .gopChange }.map { $0.start.frame }).count,
                     Set(((t["parameter_changes"] as? [[String: Any]]) ?? []).map { $0["frame"] as! Int }).count, "\(clip): one place per change")
      // Nothing else: each event lies at a manipulation.
      let truthFrames = ((t["dropped"] as? [[String: Any]]) ?? []).map { $0["frame"] as! Int }
        + ((t["duplicated"] as? [[String: Any]]) ?? []).map { $0["start"] as! Int }
        + ((t["spliced"] as? [[String: Any]]) ?? []).flatMap { [$0["start"] as! Int, ($0["end"] as! Int) + 1] }
        + ((t["parameter_changes"] as? [[String: Any]]) ?? []).map { $0["frame"] as! Int }
      for e in events {
        XCTAssertTrue(truthFrames.contains { abs($0 - e.start.frame) <= 1 }, "\(clip): unexpected \(e.kind.rawValue) at #\(e.start.frame)")
      }
    }
    XCTAssertGreaterThanOrEqual(checked, 6)
  }

  func testUntouchedClipsGiveNoFindings() throws {
    for clip in ["bag_left.mp4", "parcel_taken.mp4", "passerby.mp4", "static.mkv", "light_switch.mp4", "lighting_gradual.mp4",
                 "night_noise.mp4", "osd_clock.mp4", "frame_index.mp4", "mjpeg.avi", "passerby.ts",
                 "passerby_reencode.mp4", "passerby_small.mp4", "passerby_trim.mp4"] {
      let r = try audit(clip)
      XCTAssertEqual(r.findings.map { "\($0.kind.rawValue) #\($0.start.frame)" }, [], clip)
      XCTAssertEqual(r.frames, try Fingerprints.truth(clip)["frames"] as? Int, clip)
      XCTAssertEqual(r.keyframeInterval, try Fingerprints.truth(clip)["keyframe_interval"] as? Int, clip)
    }
  }

  /// The 30 fps copy (fps filter) repeats one source frame in six: while the person walks,
  /// the repeats show as one duplicate-frame event naming the pattern and its period.
  func testFrameRateConversionRepeatsAreOnePattern() throws {
    let dups = try audit("passerby_30fps.mp4").findings.filter { $0.kind == .duplicateFrame }
    XCTAssertEqual(dups.count, 1, "\(dups.map { "#\($0.start.frame)-#\($0.end.frame)" })")
    guard let e = dups.first else { return }
    if case .frameRateConversion(let period, let repeats) = e.evidence {
      XCTAssertEqual(period, 6)
      XCTAssertGreaterThanOrEqual(repeats, 10)
    } else { XCTFail("no frame-rate conversion pattern: \(e.evidence)") }
    XCTAssertEqual(try audit("passerby_dup.mp4").findings.filter { $0.kind == .duplicateFrame }.count, 2, "two runs stay two events")
  }

  /// A pts gap is reported in the analyst's words, and a truncated file as damaged data.
  func testWordingAndDamage() throws {
    guard let message = try audit("passerby_gap.mp4").findings.first(where: { $0.kind == .timestampGap })?.message else {
      return XCTFail("no gap message")
    }
    XCTAssertTrue(message.hasPrefix("timestamp gap of 480 ms (12 frames at 25 fps)"), message)
    let truncated = try audit("truncated.mp4").findings
    XCTAssertTrue(truncated.contains { $0.kind == .corruptData })
    for e in try audit("passerby_splice.mp4").findings + (try audit("passerby_dup.mp4").findings) {
      let m = e.message
      XCTAssertFalse(m.lowercased().contains("tamper") || m.lowercased().contains("inserted"), m)
    }
  }

  /// The raw-frame hash tells bit-identical frames only: remuxed streams hash equal, a
  /// re-encode does not.
  func testContentHashesFollowDecodedBytes() throws {
    XCTAssertEqual(try Fingerprints.stream("passerby.mp4").contentHash, try Fingerprints.stream("passerby.ts").contentHash)
    XCTAssertNotEqual(try Fingerprints.stream("passerby.mp4").contentHash, try Fingerprints.stream("passerby_reencode.mp4").contentHash)
    var h1 = ContentHasher(), h2 = ContentHasher()
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    bytes.withUnsafeBufferPointer { b in
      h1.add(b.baseAddress!, count: 1000)
      h2.add(b.baseAddress!, count: 333); h2.add(b.baseAddress! + 333, count: 667)
    }
    XCTAssertEqual(h1.finish(), h2.finish(), "a row split does not change the hash")
    for cut in stride(from: 0, through: 1000, by: 13) {
      var h = ContentHasher()
      bytes.withUnsafeBufferPointer { b in
        h.add(b.baseAddress!, count: cut / 2); h.add(b.baseAddress! + cut / 2, count: cut - cut / 2)
        h.add(b.baseAddress! + cut, count: 1000 - cut)
      }
      XCTAssertEqual(h.finish(), h1.finish(), "split at \(cut / 2) and \(cut)")
    }
    var shorter = ContentHasher()
    bytes.withUnsafeBufferPointer { shorter.add($0.baseAddress!, count: 999) }
    XCTAssertNotEqual(shorter.finish(), h1.finish(), "length counts")
    var h3 = ContentHasher()
    var changed = bytes
    changed[999] ^= 1
    changed.withUnsafeBufferPointer { h3.add($0.baseAddress!, count: 1000) }
    XCTAssertNotEqual(h1.finish(), h3.finish())
  }
}
