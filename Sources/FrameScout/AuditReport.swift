import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// What `AuditJob` found: per file read, its `inputs` entry and its audit; the files that
/// could not be read, with their errors.
public struct AuditReport: JobReport {
  public static let command = "audit"

  public struct Entry: Sendable {
    public var input: InputRecord
    public var audit: FileAudit

    /// A summary line, then a line per finding.
    public var text: String {
      let r = audit.result
      let count = r.findings.isEmpty ? "no findings" : "\(r.findings.count) finding\(r.findings.count == 1 ? "" : "s")"
      var out = "\(input.path): \(audit.stream.count) frames, \(count)" + (r.keyframeInterval.map { ", keyframe every \($0) frames" } ?? "") + "\n"
      let legend = r.findings.isEmpty ? nil : input.wallClock.flatMap { WallTimes.legend([(input.path, $0)]) }
      if let legend { out += "  " + legend + "; then file time\n" }
      for f in r.findings {
        let range = f.start.frame == f.end.frame ? "#\(f.start.frame)" : "#\(f.start.frame)-#\(f.end.frame)"
        let wall = legend == nil ? "" : WallTimes.text(input.wallClock, seconds: f.start.time)
        out += "  \(wall)\(f.start.timecode)  \(range)  \(f.kind.rawValue)  confidence \(String(format: "%.2f", f.score))  \(f.message)\n"
      }
      if !r.lighting.isEmpty {
        out += "  changes of light (the picture's texture stayed; not findings): "
          + r.lighting.map { "#\($0.frame) (\(Int(($0.changed * 100).rounded())) % of the picture)" }.joined(separator: ", ") + "\n"
      }
      return out
    }
  }

  /// One file's outcome: audited, or not readable.
  public enum Outcome: Sendable {
    case audited(Entry)
    case failed(MediaError)
  }

  public var settings: AuditSettings
  public var analysisWidth: Int
  /// Where the framemd5 was written, if it was.
  public var frameMD5: String?
  public var entries: [Entry]
  public var failures: [MediaError]

  /// Every file's findings, file by file in frame order.
  public var findings: [AuditFinding] { entries.flatMap { $0.audit.result.findings } }

  public var warnings: [Warning] {
    entries.flatMap { e in e.audit.result.warnings.map { Warning(file: e.input.path, message: $0) } }
  }

  /// The settings, then how the files were read.
  public var parameters: [(String, JSONValue)] {
    settings.parameters + [("analysis_width", .int(analysisWidth)), ("framemd5", .optional(frameMD5)),
                           ("guarantee", .string(FrameAudit.guarantee))]
  }

  public var json: JSONValue {
    Self.document(parameters: parameters, inputs: entries.map(\.input), events: findings.map(\.json),
                  extra: [("lighting_changes", .array(lightingChanges))], warnings: warnings)
  }

  /// The jumps of the picture that were changes of light, file by file: reported beside the
  /// findings so that a reader knows they were seen and why they are none.
  var lightingChanges: [JSONValue] {
    entries.flatMap { e in
      e.audit.result.lighting.map { l in
        .object([("file", .string(e.input.path)), ("frame", .int(l.frame)), ("time", .double(JSONValue.rounded(l.time, 6))),
                 ("grid_distance", .double(JSONValue.rounded(l.gridDistance, 6))), ("changed", .double(JSONValue.rounded(l.changed, 4))),
                 ("texture_kept", .double(JSONValue.rounded(l.kept, 4)))])
      }
    }
  }

  /// Per file a summary line, then a line per finding.
  public func text(elapsed: Double?) -> String { entries.map(\.text).joined() }
}

extension AuditFinding: ReportedFinding {
  /// DESIGN.md's event object: file, kind, start, end, score, message, then the evidence.
  public var json: JSONValue {
    .object([("file", .string(file)), ("kind", .string(kind.rawValue)), ("start", .timePoint(start)), ("end", .timePoint(end)),
             ("score", .double(JSONValue.rounded(score, 4))), ("message", .string(message))] + evidence.fields)
  }
}

extension AuditFinding.Evidence {
  /// The evidence as JSON fields, in the order reports list them (numbers to 6 decimals).
  var fields: [(String, JSONValue)] {
    func number(_ v: Double) -> JSONValue { .double(JSONValue.rounded(v, 6)) }
    switch self {
    case .timestampStep(let interval): return [("interval_ms", number(interval))]
    case .timestampGap(let previous, let interval, let missing, let change):
      return [("previous_frame", .int(previous)), ("interval_ms", number(interval)), ("missing_frames", .int(missing)),
              ("content_change", number(change))]
    case .variableRate(let irregular): return [("irregular_intervals", .int(irregular))]
    case .duplicate(let copyOf, let frames, let identical, let change, let changeBefore, let motionBefore, let motionAfter, let jump):
      return [("copy_of", .int(copyOf)), ("frames", .int(frames)), ("bit_identical", .bool(identical)), ("change", number(change)),
              ("change_before", number(changeBefore)), ("motion_before", number(motionBefore)),
              ("motion_after", number(motionAfter)), ("jump_after", number(jump))]
    case .pause(let copyOf, let frames, let identical, let before, let at, let after, let changeBefore, let changeAt),
         .frozen(let copyOf, let frames, let identical, let before, let at, let after, let changeBefore, let changeAt):
      return [("copy_of", .int(copyOf)), ("frames", .int(frames)), ("bit_identical", .bool(identical)),
              ("motion_before", number(before)), ("motion_at", number(at)), ("motion_after", number(after)),
              ("change_before", number(changeBefore)), ("change_at", number(changeAt))]
    case .motionJump(let before, let at, let after, let two, let onTrack, let threshold, let missing, let displacement):
      var fields: [(String, JSONValue)] = [("motion_before", number(before)), ("motion_at", number(at)), ("motion_after", number(after)),
                                           ("two_step_around", number(two)), ("motion_on_track", number(onTrack)),
                                           ("noise_threshold", .int(threshold)), ("estimated_missing_frames", .int(missing))]
      if let d = displacement {
        fields += [("displacement_before", number(d.before)), ("displacement_at", number(d.at)), ("displacement_after", number(d.after)),
                   ("displacement_scale", .string(d.coarse ? "half" : "analysis"))]
      }
      return fields
    case .frameRateConversion(let period, let repeats):
      return [("period", .int(period)), ("repeats", .int(repeats)), ("frame_rate_conversion", .bool(true))]
    case .discontinuity(let grid, let before, let after, let phash):
      return [("grid_distance", number(grid)), ("change_before", number(before)), ("change_after", number(after)),
              ("phash_distance", .int(phash))]
    case .keyframeInterval(let before, let after): return [("interval_before", .int(before)), ("interval_after", .int(after))]
    case .keyframeSize(let before, let after, let ratio):
      return [("size_before", .int(before)), ("size_after", .int(after)), ("ratio", number(ratio))]
    case .osdJump(let seconds): return [("seconds", number(seconds))]
    case .pictureFormat, .corruptFrames, .damage: return []
    }
  }
}
