import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the engines on sample clips and compare with the expected events (a CI regression check).",
    discussion: """
      EXPECTATIONS.json: {"tolerance": 0.5, "clips": [{"file": "passerby.mp4", "engine": "scan",
      "expect": [{"kind": "motion", "start": 4.84, "end": 9.44}]}, {"file": "parcel_taken.mp4",
      "engine": "watch", "roi": "392,146,56,44", "expect": [{"kind": "disappeared", "start": 9.36}],
      "tolerance": 0.08}]}. Files are relative to the expectations file; times in seconds;
      "tolerance" (seconds) per clip or for all. Every expected event must be found with the
      same kind and its start (and end, when given) within the tolerance, and nothing else
      may be found. Prints one line per clip and a diff for each difference.
      Exit codes: 0 all as expected, 4 a regression, 1 a malformed file, 2 a clip could not be read.
      --update rewrites the file with what the engines find now (tolerances kept).
      """)

  @Argument(help: "The expectations file.") var expectations: String
  @Flag(help: "Rewrite the expectations with the current detections.") var update = false

  static let regression: Int32 = 4

  struct Clip {
    var file: String
    var engine: String
    var roi: String?
    var tolerance: Double
    var expect: [(kind: String, start: Double, end: Double?)]
    var raw: JSONValue
  }

  func load() throws -> (JSONValue, [Clip]) {
    guard let text = try? String(contentsOfFile: expectations, encoding: .utf8) else {
      throw MediaError(file: expectations, kind: .notFound, reason: "cannot read the expectations file")
    }
    let doc: JSONValue
    do { doc = try JSONValue(parsing: text) } catch { throw ValidationError("\(expectations): \(error)") }
    let tolerance = doc["tolerance"]?.doubleValue ?? 0.5
    guard let clips = doc["clips"]?.arrayValue else { throw ValidationError("\(expectations): no \"clips\" list") }
    return (doc, try clips.enumerated().map { k, c in
      guard let file = c["file"]?.stringValue, let engine = c["engine"]?.stringValue, ["scan", "watch"].contains(engine) else {
        throw ValidationError("\(expectations): clip \(k + 1) needs \"file\" and \"engine\" (scan or watch)")
      }
      if engine == "watch" && c["roi"]?.stringValue == nil { throw ValidationError("\(expectations): clip \(k + 1) (watch) needs \"roi\"") }
      let expect = try (c["expect"]?.arrayValue ?? []).map { e -> (kind: String, start: Double, end: Double?) in
        guard let kind = e["kind"]?.stringValue, let start = e["start"]?.doubleValue else {
          throw ValidationError("\(expectations): clip \(k + 1): every expected event needs \"kind\" and \"start\"")
        }
        return (kind, start, e["end"]?.doubleValue)
      }
      return Clip(file: file, engine: engine, roi: c["roi"]?.stringValue, tolerance: c["tolerance"]?.doubleValue ?? tolerance, expect: expect, raw: c)
    })
  }

  func run() throws {
    let (doc, clips) = try load()
    let base = URL(fileURLWithPath: expectations).deletingLastPathComponent()
    var regressions = 0
    var updated: [JSONValue] = []
    for clip in clips {
      let path = clip.file.hasPrefix("/") ? clip.file : base.appendingPathComponent(clip.file).path
      let found: [any Finding]
      if clip.engine == "scan" {
        found = try MotionScanner(paths: [path], settings: ScanSettings()).run().events
      } else {
        let spec: RegionSpec
        do { spec = try RegionSpec(parsing: clip.roi!) } catch { throw ValidationError("\(expectations): \(clip.file): roi: \(error)") }
        found = try RegionWatcher(paths: [path], settings: WatchSettings(region: spec)).run().events
      }
      var diffs: [String] = []
      var used = Set<Int>()
      for e in clip.expect {
        let match = found.indices.first { k in
          !used.contains(k) && found[k].kind.rawValue == e.kind && abs(found[k].start.time - e.start) <= clip.tolerance + 1e-9
            && (e.end == nil || abs(found[k].end.time - e.end!) <= clip.tolerance + 1e-9)
        }
        if let match { used.insert(match); continue }
        let near = found.indices.first { !used.contains($0) && found[$0].kind.rawValue == e.kind }
        if let near {
          used.insert(near)
          diffs.append("  ~ \(e.kind) expected \(span(e.start, e.end)), found \(span(found[near].start.time, clip.expect.contains { $0.end != nil } ? found[near].end.time : nil)) (tolerance \(format(clip.tolerance)) s)")
        } else {
          diffs.append("  - \(e.kind) \(span(e.start, e.end)) expected, not found")
        }
      }
      for k in found.indices where !used.contains(k) {
        diffs.append("  + \(found[k].kind.rawValue) \(span(found[k].start.time, found[k].end.time)) found, not expected")
      }
      print("\(diffs.isEmpty ? "ok  " : "FAIL") \(clip.engine) \(clip.file)\(clip.roi.map { " --roi \($0)" } ?? ""): \(found.count) event\(found.count == 1 ? "" : "s")")
      for d in diffs { print(d) }
      if !diffs.isEmpty { regressions += 1 }
      if update, case .object(var fields) = clip.raw {
        let events: [JSONValue] = found.map { f in
          var o: [(String, JSONValue)] = [("kind", .string(f.kind.rawValue)), ("start", .double(JSONValue.rounded(f.start.time, 3)))]
          if clip.engine == "scan" { o.append(("end", .double(JSONValue.rounded(f.end.time, 3)))) }
          return .object(o)
        }
        if let i = fields.firstIndex(where: { $0.0 == "expect" }) { fields[i].1 = .array(events) } else { fields.append(("expect", .array(events))) }
        updated.append(.object(fields))
      }
    }
    if update, case .object(var fields) = doc {
      if let i = fields.firstIndex(where: { $0.0 == "clips" }) { fields[i].1 = .array(updated) }
      try AtomicFile.write(Array(JSONValue.object(fields).serialized().utf8), to: expectations)
      print("updated \(expectations)")
      return
    }
    print(regressions == 0 ? "all \(clips.count) clips as expected" : "\(regressions) of \(clips.count) clips differ from the expectations")
    if regressions > 0 { throw ExitCode(Self.regression) }
  }

  func span(_ a: Double, _ b: Double?) -> String {
    Timecode.format(a) + (b.map { "–" + Timecode.format($0) } ?? "")
  }
}
