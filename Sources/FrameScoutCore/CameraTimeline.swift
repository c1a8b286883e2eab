/// The files of each camera on the wall clock: ordered by the time of their first frame (not
/// by name), with the footage missing between one file's end and the next one's start
/// (`gaps`) and the spans two files both cover (`overlaps`: two exports of the same
/// minutes, or a DVR clock set back between them), each beyond one frame of the earlier file.
///
/// A camera is a folder, or, where the file names carry a channel (Hikvision's
/// `ch02_…`), a channel within a folder: DVR exports put one camera's files together.
public enum CameraTimeline {
  /// One file with its wall-clock span (the corrected times of its first frame and of the
  /// end of its last).
  public struct File: Sendable, Equatable {
    public var path: String
    public var start: WallTime
    public var end: WallTime
    /// Seconds of one frame: differences up to it are no gap and no overlap.
    public var frame: Double
    public init(path: String, start: WallTime, end: WallTime, frame: Double) {
      self.path = path
      self.start = start
      self.end = end
      self.frame = frame
    }
  }

  /// A span between two consecutive files of a camera: `after` ends, `before` starts.
  public struct Span: Sendable, Equatable {
    public var from: WallTime
    public var to: WallTime
    public var seconds: Double
    public var after: String
    public var before: String
  }

  public struct Lane: Sendable, Equatable {
    public var camera: String
    public var channel: String?
    public var files: [File]
    public var gaps: [Span]
    public var overlaps: [Span]
  }

  /// The camera a file belongs to: its folder (`.` for none) and the channel its name
  /// states, if any.
  public static func camera(of path: String) -> (folder: String, channel: String?) {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    let folder = parts.count > 1 ? parts.dropLast().joined(separator: "/") : "."
    let name = String(parts.last ?? "")
    let head = name.split(separator: "_").first.map(String.init) ?? ""
    let channel = name.contains("_") ? ExportName.channel(head).flatMap { $0.isEmpty ? nil : $0 } : nil
    return (folder.isEmpty ? "/" : folder, channel)
  }

  /// The lanes of `files`, one per camera (ordered by folder, then channel); within each,
  /// the files by start time (then path), and the gaps and overlaps between consecutive
  /// ones. Files whose times cannot be compared with the lane's first (one states a zone,
  /// the other not) are left out of the gaps and overlaps but kept in the lane.
  public static func lanes(_ files: [File]) -> [Lane] {
    var groups: [String: (folder: String, channel: String?, files: [File])] = [:]
    for f in files {
      let c = camera(of: f.path)
      groups[c.folder + "\u{0}" + (c.channel ?? ""), default: (c.folder, c.channel, [])].files.append(f)
    }
    return groups.keys.sorted().map { key in
      let g = groups[key]!
      let ordered = g.files.sorted { ($0.start, $0.path) < ($1.start, $1.path) }
      var gaps: [Span] = [], overlaps: [Span] = []
      // The file reaching furthest so far: a file inside another's span leaves no gap after it.
      var last: File?
      for f in ordered {
        guard let l = last, let step = f.start.seconds(since: l.end) else {
          if last == nil { last = f }
          continue
        }
        if step > l.frame + 0.0005 {
          gaps.append(Span(from: l.end, to: f.start, seconds: step, after: l.path, before: f.path))
        } else if -step > l.frame + 0.0005 {
          let to = (f.end.seconds(since: l.end) ?? 0) < 0 ? f.end : l.end
          overlaps.append(Span(from: f.start, to: to, seconds: to.seconds(since: f.start) ?? -step, after: l.path, before: f.path))
        }
        if (f.end.seconds(since: l.end) ?? 0) > 0 { last = f }
      }
      return Lane(camera: g.folder, channel: g.channel, files: ordered, gaps: gaps, overlaps: overlaps)
    }
  }
}
