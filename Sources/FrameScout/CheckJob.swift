import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// Expected detections on sample clips, and how to compare what the engines find with
/// them: a CI regression check. The file: {"tolerance": 0.5, "clips": [{"file": "passerby.mp4",
/// "engine": "scan", "expect": [{"kind": "motion", "start": 4.84, "end": 9.44}]}, …]}; files
/// relative to it, times in seconds, "tolerance" per clip or for all.
public struct Expectations: Sendable {
  public struct Clip: Sendable {
    public var file: String
    public var engine: String
    public var roi: String?
    public var tolerance: Double
    public var expect: [(kind: String, start: Double, end: Double?)]
    /// The clip's object as read (kept when the file is rewritten).
    public var raw: JSONValue
  }

  /// What makes an expectations file unusable, said with its name.
  public struct Malformed: Error, CustomStringConvertible {
    public let description: String
  }

  public var path: String
  public var document: JSONValue
  public var clips: [Clip]

  public init(path: String) throws {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw MediaError(file: path, kind: .notFound, reason: "cannot read the expectations file")
    }
    self.path = path
    do { document = try JSONValue(parsing: text) } catch { throw Malformed(description: "\(path): \(error)") }
    let tolerance = document["tolerance"]?.doubleValue ?? 0.5
    guard let clips = document["clips"]?.arrayValue else { throw Malformed(description: "\(path): no \"clips\" list") }
    self.clips = try clips.enumerated().map { k, c in try Self.clip(c, number: k + 1, tolerance: tolerance, path: path) }
  }

  static func clip(_ c: JSONValue, number k: Int, tolerance: Double, path: String) throws -> Clip {
    guard let file = c["file"]?.stringValue, let engine = c["engine"]?.stringValue, ["scan", "watch"].contains(engine) else {
      throw Malformed(description: "\(path): clip \(k) needs \"file\" and \"engine\" (scan or watch)")
    }
    if engine == "watch" && c["roi"]?.stringValue == nil { throw Malformed(description: "\(path): clip \(k) (watch) needs \"roi\"") }
    let expect = try (c["expect"]?.arrayValue ?? []).map { e -> (kind: String, start: Double, end: Double?) in
      guard let kind = e["kind"]?.stringValue, let start = e["start"]?.doubleValue else {
        throw Malformed(description: "\(path): clip \(k): every expected event needs \"kind\" and \"start\"")
      }
      return (kind, start, e["end"]?.doubleValue)
    }
    return Clip(file: file, engine: engine, roi: c["roi"]?.stringValue, tolerance: c["tolerance"]?.doubleValue ?? tolerance,
                expect: expect, raw: c)
  }
}

/// Runs each clip's engine with its defaults and compares the findings with the expected
/// ones: every expected event found with its kind and its start (and end, when given)
/// within the tolerance, and nothing else found.
public struct CheckJob: Sendable {
  public var expectations: Expectations

  public init(expectations: Expectations) { self.expectations = expectations }

  public func run() throws -> CheckReport {
    let base = URL(fileURLWithPath: expectations.path).deletingLastPathComponent()
    var results: [CheckReport.ClipResult] = []
    for clip in expectations.clips {
      let path = clip.file.hasPrefix("/") ? clip.file : base.appendingPathComponent(clip.file).path
      let found = try findings(clip, path: path)
      results.append(CheckReport.ClipResult(clip: clip, found: found.map { ($0.kind.rawValue, $0.start.time, $0.end.time) },
                                            differences: Self.differences(clip, found)))
    }
    return CheckReport(expectations: expectations, clips: results)
  }

  func findings(_ clip: Expectations.Clip, path: String) throws -> [any Finding] {
    if clip.engine == "scan" { return try MotionScanner(paths: [path], settings: ScanSettings()).run().events }
    let spec: RegionSpec
    do { spec = try RegionSpec(parsing: clip.roi!) }
    catch { throw Expectations.Malformed(description: "\(expectations.path): \(clip.file): roi: \(error)") }
    return try RegionWatcher(paths: [path], settings: WatchSettings(region: spec)).run().changes
  }

  /// Diff lines: `- KIND SPAN expected, not found`, `~ KIND expected SPAN, found SPAN`, `+ KIND SPAN found, not expected`.
  static func differences(_ clip: Expectations.Clip, _ found: [any Finding]) -> [String] {
    var diffs: [String] = []
    var used = Set<Int>()
    let tolerance = clip.tolerance + 1e-9
    for e in clip.expect {
      let match = found.indices.first { k in
        !used.contains(k) && found[k].kind.rawValue == e.kind && abs(found[k].start.time - e.start) <= tolerance
          && (e.end == nil || abs(found[k].end.time - e.end!) <= tolerance)
      }
      if let match { used.insert(match); continue }
      if let near = found.indices.first(where: { !used.contains($0) && found[$0].kind.rawValue == e.kind }) {
        used.insert(near)
        let end = clip.expect.contains { $0.end != nil } ? found[near].end.time : nil
        diffs.append("  ~ \(e.kind) expected \(span(e.start, e.end)), found \(span(found[near].start.time, end)) (tolerance \(SettingCheck.plain((clip.tolerance * 100).rounded() / 100)) s)")
      } else {
        diffs.append("  - \(e.kind) \(span(e.start, e.end)) expected, not found")
      }
    }
    for k in found.indices where !used.contains(k) {
      diffs.append("  + \(found[k].kind.rawValue) \(span(found[k].start.time, found[k].end.time)) found, not expected")
    }
    return diffs
  }

  static func span(_ a: Double, _ b: Double?) -> String { Timecode.format(a) + (b.map { "–" + Timecode.format($0) } ?? "") }
}

/// What `CheckJob` found: per clip, the findings and the differences from the expectations.
public struct CheckReport: Sendable {
  public struct ClipResult: Sendable {
    public var clip: Expectations.Clip
    public var found: [(kind: String, start: Double, end: Double)]
    public var differences: [String]
  }

  public var expectations: Expectations
  public var clips: [ClipResult]

  public var regressions: Int { clips.filter { !$0.differences.isEmpty }.count }

  /// One line per clip, its differences under it.
  public var clipLines: String {
    var out = ""
    for r in clips {
      let n = r.found.count
      out += "\(r.differences.isEmpty ? "ok  " : "FAIL") \(r.clip.engine) \(r.clip.file)\(r.clip.roi.map { " --roi \($0)" } ?? ""): \(n) event\(n == 1 ? "" : "s")\n"
      for d in r.differences { out += d + "\n" }
    }
    return out
  }

  /// The last line: all as expected, or how many clips differ.
  public var verdict: String {
    regressions == 0 ? "all \(clips.count) clips as expected\n" : "\(regressions) of \(clips.count) clips differ from the expectations\n"
  }

  /// The expectations file rewritten with what the engines find now (tolerances kept).
  public var updated: JSONValue {
    let clipsJSON: [JSONValue] = clips.map { r in
      guard case .object(var fields) = r.clip.raw else { return r.clip.raw }
      let events: [JSONValue] = r.found.map { f in
        var o: [(String, JSONValue)] = [("kind", .string(f.kind)), ("start", .double(JSONValue.rounded(f.start, 3)))]
        if r.clip.engine == "scan" { o.append(("end", .double(JSONValue.rounded(f.end, 3)))) }
        return .object(o)
      }
      if let i = fields.firstIndex(where: { $0.0 == "expect" }) { fields[i].1 = .array(events) } else { fields.append(("expect", .array(events))) }
      return .object(fields)
    }
    guard case .object(var fields) = expectations.document else { return expectations.document }
    if let i = fields.firstIndex(where: { $0.0 == "clips" }) { fields[i].1 = .array(clipsJSON) }
    return .object(fields)
  }
}
