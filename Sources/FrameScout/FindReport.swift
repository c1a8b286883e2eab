import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// What a `FindJob` found, with the run's facts, and every way of writing them: JSON
/// (DESIGN.md's envelope with a `sampling` block), the text an investigator reads, and a
/// picture of each match's best frame.
public struct FindReport: JobReport {
  public static let command = "find"

  /// The target picture: its path as given, SHA-256 and size.
  public struct Target: Sendable, Hashable {
    public var path: String
    public var sha256: String
    public var width: Int
    public var height: Int
  }

  public let target: Target
  /// The settings as run: the target's colour (nil: shapes only) and the analysis width.
  public let settings: FindSettings
  /// DESIGN.md's `inputs` (empty when the job did not describe them).
  public let inputs: [InputRecord]
  public var matches: [Match]
  public let framesSampled: Int
  public let framesRefined: Int
  /// Seconds of footage searched.
  public let duration: Double
  public var warnings: [Warning]
  /// Each file's wall clock, for the text (read whether or not `inputs` are).
  public var wallClocks: [(path: String, clock: FileClock)] = []

  /// The target's facts, then the settings' parameters.
  public var parameters: [(String, JSONValue)] {
    [("target", .string(target.path)), ("target_sha256", .string(target.sha256)),
     ("target_size", .array([.int(target.width), .int(target.height)]))] + settings.parameters
  }

  public var json: JSONValue {
    Self.document(parameters: parameters, inputs: inputs, events: matches.map(\.json),
                  extra: [("sampling", .object([("frames_sampled", .int(framesSampled)), ("frames_refined", .int(framesRefined))]))],
                  warnings: warnings)
  }

  /// Each match on a line (its picture below it), then what the run cost (with `elapsed`).
  public func text(elapsed: Double?) -> String {
    var lines: [String] = matches.isEmpty ? ["target not found"] : []
    let clocks = Dictionary(wallClocks.map { ($0.path, $0.clock) }, uniquingKeysWith: { a, _ in a })
    let legend = matches.isEmpty ? nil : WallTimes.legend(wallClocks)
    if let legend { lines.append(legend + "; then file time") }
    for m in matches {
      let wall = legend == nil ? "" : WallTimes.text(clocks[m.file], seconds: m.start.time) + " - " + WallTimes.text(clocks[m.file], seconds: m.end.time) + " "
      lines.append(wall + "\(m.start.timecode) - \(m.end.timecode)  #\(m.start.frame)-#\(m.end.frame)  score \(String(format: "%.2f", m.score))  box \(m.box)  best #\(m.bestFrame)  \(m.file)")
      if let p = m.thumbnail { lines.append("    best: \(p)") }
    }
    if let elapsed {
      lines.append(String(format: "%d frames sampled, %d refined, %.2f s (%.0fx realtime)", framesSampled, framesRefined,
                          elapsed, elapsed > 0 ? duration / elapsed : 0))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Writes each match's best frame in colour with the box drawn (green) into `dir`
  /// (created only when there is a match), named FILE-FRAME-match.jpg, and records the
  /// path in the match.
  public mutating func writeThumbnails(into dir: String) throws {
    guard !matches.isEmpty else { return }
    try OutputFolder.make(dir)
    var pictures = FindingPicture(open: settings.open)
    for k in matches.indices {
      let m = matches[k]
      let stem = URL(fileURLWithPath: m.file).deletingPathExtension().lastPathComponent
      let out = (dir as NSString).appendingPathComponent("\(stem)-\(m.bestFrame)-match.jpg")
      let jpeg = try pictures.jpeg(try pictures.grabber(m.file), frame: m.bestFrame,
                                         boxes: [FindingPicture.Box(rect: m.box, colour: (40, 255, 40))], label: "MATCH")
      try AtomicFile.write(jpeg, to: out)
      matches[k].thumbnail = out
    }
  }
}

extension Match: ReportedFinding {
  /// DESIGN.md's event: file, kind, start, end, score, region (when one was searched),
  /// box, thumbnails (best), then best_frame, best_time, scale, timeline_start.
  public var json: JSONValue {
    var fields: [(String, JSONValue)] = [
      ("file", .string(file)), ("kind", .string(kind.rawValue)), ("start", .timePoint(start)), ("end", .timePoint(end)),
      ("score", .double(JSONValue.rounded(score, 4))),
    ]
    if let region { fields.append(("region", .rect(region))) }
    fields.append(("box", .rect(box)))
    if let thumbnail { fields.append(("thumbnails", .object([("best", .string(thumbnail))]))) }
    fields += [("best_frame", .int(bestFrame)), ("best_time", .double(JSONValue.rounded(bestTime, 6))),
               ("scale", .double(JSONValue.rounded(scale, 6))), ("timeline_start", .double(JSONValue.rounded(timelineStart, 6)))]
    return .object(fields)
  }
}
