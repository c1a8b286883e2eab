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
  case missingFrames = "missing-frames", frozenPicture = "frozen-picture"
  case osdJump = "osd-jump"
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
