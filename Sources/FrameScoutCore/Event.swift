/// A moment in a video, said three ways: frame number (presentation order from #0),
/// seconds from the file's start (from the frame's pts), and a timecode.
public struct TimePoint: Hashable, Sendable {
  public var frame: Int
  public var time: Double
  public init(frame: Int, time: Double) {
    self.frame = frame
    self.time = time
  }
  public var timecode: String { Timecode.format(time) }
}

/// What an engine found. Kinds are the names of DESIGN.md's JSON contract.
public enum EventKind: String, Sendable, CaseIterable {
  case motion
  case appeared, disappeared, changed
  case match
  case timestampGap = "timestamp-gap", duplicateFrame = "duplicate-frame", irregularTimestamps = "irregular-timestamps"
  case discontinuity, gopChange = "gop-change", corruptData = "corrupt-data"
}

/// What every engine's finding has in common: which file, what kind, when, how strong.
/// Each engine's own finding type (a motion event, a region change, a match, an audit
/// finding) adds its named fields; reports encode them at the edge (the FrameScout target).
public protocol Finding: Sendable {
  var file: String { get }
  var kind: EventKind { get }
  var start: TimePoint { get }
  var end: TimePoint { get }
  /// Engine-specific strength, documented per engine (0…1 where possible).
  var score: Double { get }
}

/// One finding: where (file, region, box), when (start/end), how strong (score), with
/// optional thumbnails (paths relative to the report) and engine-specific details.
public struct Event: Finding {
  public var file: String
  public var kind: EventKind
  public var start: TimePoint
  public var end: TimePoint
  /// Engine-specific strength, documented per engine (0…1 where possible).
  public var score: Double
  /// The region the engine watched (source pixels), when it watched one.
  public var region: PixelRect?
  /// Where in the frame it happened (source pixels), when known.
  public var box: PixelRect?
  /// Role → path, e.g. "before", "after", "peak".
  public var thumbnails: [(role: String, path: String)]
  /// Extra facts in order: name → number or text.
  public var details: [(name: String, value: EventDetail)]

  public init(file: String, kind: EventKind, start: TimePoint, end: TimePoint, score: Double,
              region: PixelRect? = nil, box: PixelRect? = nil,
              thumbnails: [(role: String, path: String)] = [], details: [(name: String, value: EventDetail)] = []) {
    self.file = file
    self.kind = kind
    self.start = start
    self.end = end
    self.score = score
    self.region = region
    self.box = box
    self.thumbnails = thumbnails
    self.details = details
  }
}

public enum EventDetail: Sendable, Hashable {
  case number(Double), integer(Int), text(String), flag(Bool)
}
