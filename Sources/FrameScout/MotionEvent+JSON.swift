import FrameScoutCore
import FrameScoutSearch

extension MotionEvent: ReportedFinding {
  /// DESIGN.md's event object, then scan's own fields: where it ran on the timeline (several
  /// files), the peak, the frames with motion, the padded range, the files it ends and
  /// peaks in when they differ, and its clips.
  public var json: JSONValue {
    func seconds(_ v: Double) -> JSONValue { .double(JSONValue.rounded(v, 6)) }
    var fields: [(String, JSONValue)] = [
      ("file", .string(file)), ("kind", .string(kind.rawValue)),
      ("start", .timePoint(start)), ("end", .timePoint(end)),
      ("score", .double(JSONValue.rounded(score, 4))),
    ]
    if let box { fields.append(("box", .rect(box))) }
    if let thumbnail { fields.append(("thumbnails", .object([("peak", .string(thumbnail))]))) }
    if let timelineStart, let timelineEnd { fields += [("timeline_start", seconds(timelineStart)), ("timeline_end", seconds(timelineEnd))] }
    fields += [
      ("peak_frame", .int(peak.frame)), ("peak_time", seconds(peak.time)), ("frames_with_motion", .int(framesWithMotion)),
      ("padded_start", seconds(paddedStart)), ("padded_end", seconds(paddedEnd)),
    ]
    if let endFile { fields.append(("end_file", .string(endFile))) }
    if let peakFile { fields.append(("peak_file", .string(peakFile))) }
    for (n, clip) in clips.enumerated() { fields.append((clips.count > 1 ? "clip_part\(n + 1)" : "clip", .string(clip))) }
    return .object(fields)
  }
}
