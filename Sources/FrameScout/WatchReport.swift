import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// What a `WatchJob` found, with the run's facts, and every way of writing them: JSON
/// (DESIGN.md's envelope with a `sampling` block), the text an investigator reads, and
/// the before/after pictures of each change.
public struct WatchReport: JobReport {
  public static let command = "watch"
  /// The settings as run: the region resolved on the first file's frame, the time window
  /// in seconds.
  public let settings: WatchSettings
  public let region: Region
  /// The timeline's files, in order (a `FramePosition`'s `file` indexes them).
  public let files: [String]
  /// DESIGN.md's `inputs` (empty when the job did not describe them).
  public let inputs: [InputRecord]
  public var changes: [RegionChange]
  public let sampling: WatchSampling
  public var warnings: [Warning]
  /// Each file's wall clock (text output shows the time of day first where one has a source).
  public var wallClocks: [FileClock] = []

  public var json: JSONValue {
    Self.document(parameters: settings.parameters, inputs: inputs, events: changes.map(\.json),
                  extra: [("sampling", .object([
                    ("mode", .string(sampling.mode)), ("guarantee", .string(sampling.guarantee)),
                    ("keyframes_sampled", .int(sampling.keyframesSampled)),
                    ("noise_distance", .double(JSONValue.rounded(sampling.noiseDistance, 4))),
                    ("threshold_used", .double(JSONValue.rounded(sampling.effectiveThreshold, 4))),
                    ("frames_decoded", .int(sampling.framesDecoded)), ("dense_runs", .int(sampling.denseRuns))]))],
                  warnings: warnings)
  }

  /// The region, each change on a line (with its pictures below it), then what the run
  /// cost (with `elapsed`), the threshold and the sampling guarantee.
  public func text(elapsed: Double?) -> String {
    var lines = ["watching \(region.bounds) (x,y,w,h) in \(files.count) file\(files.count == 1 ? "" : "s"), \(sampling.mode), hold \(briefSeconds(settings.hold)) s"]
    if changes.isEmpty { lines.append("no change of the region") }
    else if let legend = WallTimes.legend(Array(zip(files, wallClocks))) { lines.append(legend + "; then file time") }
    lines += changes.map(line)
    if let elapsed {
      lines.append(String(format: "%d keyframes sampled, %d frames decoded, %.2f s (%.0fx realtime)", sampling.keyframesSampled,
                          sampling.framesDecoded, elapsed, elapsed > 0 ? sampling.duration / elapsed : 0))
    }
    lines.append(String(format: "threshold %.2f (region noise %.2f)", sampling.effectiveThreshold, sampling.noiseDistance))
    lines.append("guarantee: \(sampling.guarantee)")
    return lines.joined(separator: "\n") + "\n"
  }

  func line(_ c: RegionChange) -> String {
    var line = c.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
      + "#\(c.start.frame)".padding(toLength: 9, withPad: " ", startingAt: 0)
      + (wallClocks.contains { $0.used != nil } ? WallTimes.text(wallClocks[c.after.file], seconds: c.start.time) : "")
      + c.start.timecode + String(format: "  distance %.2f  ", c.score) + c.file
    if c.wasHidden {
      line += "  (previous state last seen #\(c.before.frame) \(Timecode.format(c.before.time)); hidden in between)"
    }
    if files.count > 1 { line += "  (timeline \(Timecode.format(c.timelineTime)))" }
    if let p = c.beforeThumbnail { line += "\n    before: \(p)" }
    if let p = c.afterThumbnail { line += "\n    after: \(p)" }
    if let p = c.clip { line += "\n    clip: \(p)" }
    return line
  }

  /// Writes each change's `before` and `after` frames in colour with the region outlined
  /// (yellow before, red after) into `dir` (created only when there is a change), named by
  /// `name(position, role)` (default FILE-FRAME-ROLE.jpg), and records `recorded(path)` in
  /// the change. A frame that cannot be decoded again (damaged data) costs its picture (a
  /// warning), not the report; a picture that cannot be written is an error.
  public mutating func writeThumbnails(into dir: String, name: ((FramePosition, String) -> String)? = nil,
                                       recorded: (String) -> String = { $0 }) throws {
    let files = self.files
    let name = name ?? { pos, role in
      URL(fileURLWithPath: files[pos.file]).deletingPathExtension().lastPathComponent + "-\(pos.frame)-\(role).jpg"
    }
    var pictures = FindingPicture(open: settings.open)
    if !changes.isEmpty { try OutputFolder.make(dir) }
    for k in changes.indices {
      var written: [String: String] = [:]
      for (role, pos) in [("before", changes[k].before), ("after", changes[k].after)] where pos.frame >= 0 {
        let grabber = try pictures.grabber(files[pos.file])
        let out = (dir as NSString).appendingPathComponent(name(pos, role))
        let box = FindingPicture.Box(rect: region.bounds, colour: role == "before" ? (255, 200, 0) : (255, 40, 40))
        guard let jpeg = try? pictures.jpeg(grabber, frame: pos.frame, boxes: [box], label: role.uppercased()) else {
          warnings.append(Warning(file: files[pos.file], message: "\(role) picture: frame #\(pos.frame) could not be decoded again"))
          continue
        }
        try AtomicFile.write(jpeg, to: out)
        written[role] = recorded(out)
      }
      changes[k].beforeThumbnail = written["before"]
      changes[k].afterThumbnail = written["after"]
    }
  }
}

extension WatchReport {
  /// Seconds of footage a change's clip holds before and after the change's first frame.
  public static let clipPadding = 3.0

  /// Each change's moment, `clipPadding` either side, copied without re-encoding (from the
  /// keyframe at or before, timestamps from zero) into `dir` as FILE-changeK.EXT, or
  /// `name(k, path)` + "." + EXT; the change records `recorded(path)`. Returns a note for
  /// each clip that had no packets to copy.
  @discardableResult
  public mutating func writeClips(into dir: String, name: ((Int, String) -> String)? = nil,
                                  recorded: (String) -> String = { $0 }) throws -> [Warning] {
    var notes: [Warning] = []
    if !changes.isEmpty { try OutputFolder.make(dir) }
    for k in changes.indices {
      let pos = changes[k].after, path = files[pos.file]
      let stem = name?(k, path) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + "-change\(k + 1)"
      let out = (dir as NSString).appendingPathComponent(stem + "." + Remuxer.clipExtension(for: path))
      let copied = try Remuxer.copy(path: path, from: max(0, pos.time - Self.clipPadding), to: pos.time + Self.clipPadding,
                                    into: out, options: settings.open)
      changes[k].clip = recorded(out)
      if copied.packets == 0 { notes.append(Warning(file: path, message: "change \(k + 1) has no packets to copy")) }
    }
    return notes
  }
}

extension RegionChange: ReportedFinding {
  /// DESIGN.md's event: file, kind, start, end, score, region, thumbnails (before, after),
  /// then timeline_time, previous_state_since, previous_state_last_seen (frame and time),
  /// contrast_before, contrast_after.
  public var json: JSONValue {
    var fields: [(String, JSONValue)] = [
      ("file", .string(file)), ("kind", .string(kind.rawValue)), ("start", .timePoint(start)), ("end", .timePoint(end)),
      ("score", .double(JSONValue.rounded(score, 4))), ("region", .rect(region)),
    ]
    let thumbnails = [("before", beforeThumbnail), ("after", afterThumbnail)].compactMap { role, path in
      path.map { (role, JSONValue.string($0)) }
    }
    if !thumbnails.isEmpty { fields.append(("thumbnails", .object(thumbnails))) }
    if let clip { fields.append(("clip", .string(clip))) }
    fields += [
      ("timeline_time", .double(JSONValue.rounded(timelineTime, 6))), ("previous_state_since", .int(previousStateSince.frame)),
      ("previous_state_last_seen", .int(before.frame)), ("previous_state_last_seen_time", .double(JSONValue.rounded(before.time, 6))),
      ("contrast_before", .double(JSONValue.rounded(contrastBefore, 6))), ("contrast_after", .double(JSONValue.rounded(contrastAfter, 6))),
    ]
    return .object(fields)
  }
}
