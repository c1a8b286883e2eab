import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// What `CompareJob` found: the two inputs and their comparison.
public struct CompareReport: JobReport {
  public static let command = "compare"

  public var a: InputRecord
  public var b: InputRecord
  public var settings: CompareSettings
  public var analysisWidth: Int
  public var comparison: Comparison
  public var warnings: [Warning]
  public var inputs: [InputRecord] { [a, b] }

  /// The two files, the settings, then how the files were read.
  public var parameters: [(String, JSONValue)] {
    [("a", .string(a.path)), ("b", .string(b.path))] + settings.parameters + [("analysis_width", .int(analysisWidth))]
  }

  /// The envelope with no events and the `comparison` block.
  public var json: JSONValue {
    Self.document(parameters: parameters, inputs: [a, b], events: [], extra: [("comparison", comparison.json)], warnings: warnings)
  }

  /// The verdict, the alignment, and (unless different) the offset, overlap and differences.
  public func text(elapsed: Double?) -> String {
    let r = comparison
    var out = "verdict: \(r.verdict.rawValue)\(r.ambiguous ? " (alignment ambiguous: little motion, or other offsets fit almost as well)" : "")\n"
    out += String(format: "alignment: %d moving frames, mean grid distance %.4f (frames differ above %.4f)\n",
                  r.alignedMovingFrames, r.alignmentDistance, r.threshold)
    guard r.verdict != .different else { return out }
    out += "offset: B frame 0 = A frame \(r.offsetFrames) (\(String(format: "%.3f", r.offsetSeconds)) s)\n"
    if let oa = r.overlapA, let ob = r.overlapB {
      out += "overlap: A #\(oa.start.frame)-#\(oa.end.frame) = B #\(ob.start.frame)-#\(ob.end.frame)\n"
    }
    for d in r.differences {
      let ra = d.a.map { "A #\($0.start.frame)-#\($0.end.frame)" } ?? "A -"
      let rb = d.b.map { "B #\($0.start.frame)-#\($0.end.frame)" } ?? "B -"
      out += "  differs: \(ra)  \(rb)  \(d.what)" + (d.thumbnail.map { "  \($0)" } ?? "") + "\n"
    }
    return out
  }
}

extension Comparison {
  /// compare's `comparison` block (DESIGN.md): verdict, offset, ambiguity, overlap,
  /// differences, and the alignment's measure.
  public var json: JSONValue {
    .object([
      ("verdict", .string(verdict.rawValue)),
      ("offset", .object([("frames", .int(offsetFrames)), ("seconds", .double(JSONValue.rounded(offsetSeconds, 6)))])),
      ("ambiguous", .bool(ambiguous)),
      ("overlap", .array(overlapA == nil ? [] : [.object([("a", FrameSpan.json(overlapA)), ("b", FrameSpan.json(overlapB))])])),
      ("differences", .array(differences.map(\.json))),
      ("alignment", .object([("metric", "mean normalised 16x9 grid distance of aligned moving frames"),
                             ("distance", .double(JSONValue.rounded(alignmentDistance, 5))),
                             ("moving_frames", .int(alignedMovingFrames)),
                             ("difference_threshold", .double(JSONValue.rounded(threshold, 5)))])),
    ])
  }
}

extension ComparisonDifference {
  public var json: JSONValue {
    var fields: [(String, JSONValue)] = [("a", FrameSpan.json(a)), ("b", FrameSpan.json(b)), ("what", .string(what)),
                                         ("distance", .double(JSONValue.rounded(distance, 4)))]
    if let thumbnail { fields.append(("thumbnail", .string(thumbnail))) }
    return .object(fields)
  }
}

extension FrameSpan {
  /// `{start, end}` as time points, or null.
  static func json(_ span: FrameSpan?) -> JSONValue {
    guard let span else { return .null }
    return .object([("start", .timePoint(span.start)), ("end", .timePoint(span.end))])
  }
}
