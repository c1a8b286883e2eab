import FrameScoutCore

extension WatchResult {
  /// The changes as the old `Event`, for `framescout check` until it reads `changes` (as
  /// `Finding`s: kind, start, end). Goes when `Event` goes.
  public var events: [Event] {
    changes.map { Event(file: $0.file, kind: $0.kind, start: $0.start, end: $0.end, score: $0.score, region: $0.region) }
  }
}
