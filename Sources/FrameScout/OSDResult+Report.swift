import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

extension OSDResult {
  /// `2026-11-20T07:31:05`: a time the clock shows (whole seconds, no zone).
  static func wallText(_ t: WallTime) -> String { String(t.iso.prefix(19)) }

  func point(_ frame: Int) -> TimePoint { TimePoint(frame: frame, time: clock.seconds(ofFrame: frame)) }

  /// Each jump as an audit finding (kind `osd-jump`).
  public var jumpFindings: [AuditFinding] {
    guard let fit else { return [] }
    return fit.jumps.map { j in
      let before = wall(atFrame: j.frame - 1), after = wall(atFrame: j.frame)
      let message = "the on-screen clock jumps by \(Self.signed(j.seconds)) s at frame \(j.frame)"
        + (before.flatMap { b in after.map { " (\(Self.wallText(b)) -> \(Self.wallText($0)))" } } ?? "")
      return AuditFinding(file: path, start: point(j.frame), end: point(j.frame), confidence: 1, message: message,
                          evidence: .osdJump(seconds: j.seconds))
    }
  }

  static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + String(format: "%.2f", v) }

  /// The `osd` block: box, format, readings, fit, jumps, unreadable frames.
  public var json: JSONValue {
    guard let box, let fit else {
      return .object([("file", .string(path)), ("box", .null), ("format", .null), ("readings", .array([])), ("fit", .null),
                      ("jumps", .array([])), ("unreadable_frames", .int(unreadableFrames)), ("found", .bool(false))])
    }
    let readings: [JSONValue] = self.readings.map { r in
      .object([("from_frame", .int(r.fromFrame)), ("wall", .string(Self.wallText(WallTime(milliseconds: r.seconds * 1000)))),
               ("seen", .bool(r.isChange || r.fromFrame == 0))])
    }
    return .object([
      ("file", .string(path)), ("box", .array([.int(box.x), .int(box.y), .int(box.width), .int(box.height)])),
      ("polarity", .optional(polarity?.rawValue)), ("format", .optional(format)), ("readings", .array(readings)),
      ("fit", .object([("wall_at_frame_0", .string(wall(atFrame: 0)!.iso)),
                       ("seconds_per_frame", .double(JSONValue.rounded(fit.secondsPerFrame, 9)))])),
      ("jumps", .array(fit.jumps.map { .object([("frame", .int($0.frame)), ("seconds", .double($0.seconds))]) })),
      ("unreadable_frames", .int(unreadableFrames)), ("frames_decoded", .int(framesDecoded)),
      ("keyframes_read", .int(keyframesRead)), ("found", .bool(true)),
    ])
  }

  /// What an investigator reads: the box and format, the fit, the jumps, then each reading
  /// with where its time comes from (read on screen at that frame, or placed by the fit).
  public func text(everyTick: Bool) -> String {
    guard let box, let fit else { return "\(path): no on-screen clock found\n" }
    var out = "\(path): on-screen clock at \(box) (\(polarity?.rawValue ?? "") text), format \(format ?? "?")\n"
    out += "  frame 0 = \(wall(atFrame: 0)!) by the fit, \(String(format: "%.6f", fit.secondsPerFrame)) s a frame\n"
    for j in fit.jumps {
      out += "  jump at frame \(j.frame) (\(point(j.frame).timecode)): \(Self.signed(j.seconds)) s\n"
    }
    if fit.jumps.isEmpty { out += "  no jump: the clock keeps time with the video\n" }
    out += "  \(readings.count) readings, \(unreadableFrames) unreadable frames, \(framesDecoded) frames decoded"
      + (everyTick ? "\n" : ", \(keyframesRead) keyframes read\n")
    for r in readings {
      let how = r.isChange ? "osd: read, the display changes here" : r.fromFrame == 0 ? "osd: read at the first frame"
        : "osd: read at a keyframe, tick frame from the fit"
      out += "  #\(r.fromFrame)\t\(point(r.fromFrame).timecode)\t\(WallTime(milliseconds: r.seconds * 1000).description.prefix(19))\t(\(how))\n"
    }
    return out
  }
}
