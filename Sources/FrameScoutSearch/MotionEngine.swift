import FrameScoutCore
import FrameScoutMedia

/// What happened on one analysed frame (for `--stats` and progress).
public struct MotionSample: Sendable, Hashable {
  public var position: FramePosition
  /// Changed fraction of the busiest cell (0…1).
  public var score: Double
  /// The score threshold.
  public var threshold: Double
  /// Gray-level threshold for a pixel to count as changed (from the noise estimate).
  public var pixelThreshold: Int
  /// True when a global lighting change was compensated on this frame.
  public var lightingCorrected: Bool
}

/// What an engine's run comes to besides its events.
public struct MotionTally: Sendable, Hashable {
  public var framesAnalysed = 0
  public var lightingCorrections = 0
}

/// Motion events by frame differencing over a 16×9 grid of cells: the scan engine, fed one
/// reduced frame at a time (`process`), whoever decodes them; `finish` closes the last
/// event. Scoring is `MotionScorer`'s, the event logic `MotionEventRule`'s, and a still
/// presence (`StillPresence`) holds an event open while someone stands where the motion
/// stopped. Several files are one timeline: the first frame of each file has no earlier
/// frame to difference with (no false event at a file boundary), and an event may run on
/// across it. A noncopyable value: it owns its frame buffers, and has one owner.
public struct MotionEngine: ~Copyable {
  public let threshold: Double
  var scorer: MotionScorer
  var presence: StillPresence
  var rule: MotionEventRule
  public private(set) var tally = MotionTally()
  var lastPosition: FramePosition?

  /// An engine for frames of `grid`'s analysis size from the timeline's `files`, timed by
  /// the first file's clock.
  public init(settings: ScanSettings, grid: MotionGrid, files: [String], clock: StreamClock) {
    threshold = settings.effectiveThreshold
    let lagFrames = max(1, Int((ScanSettings.lag * clock.rate / Double(settings.every)).rounded()))
    scorer = MotionScorer(grid: grid, lagFrames: lagFrames, threshold: threshold)
    presence = StillPresence(grid: grid)
    rule = MotionEventRule(settings: settings, grid: grid, files: files, frameDuration: clock.frameDuration)
  }

  /// Scores one frame (reduced to the analysis size) at `position` and advances the event
  /// logic. Allocates nothing.
  public mutating func process(_ gray: GrayView, at position: FramePosition) -> MotionSample {
    if let last = lastPosition, last.file != position.file { scorer.restart() }
    lastPosition = position
    tally.framesAnalysed += 1
    let s = scorer.score(gray)
    if s.lightingCorrected { tally.lightingCorrections += 1 }
    let sample = MotionSample(position: position, score: s.score, threshold: threshold, pixelThreshold: s.pixelThreshold,
                              lightingCorrected: s.lightingCorrected)
    guard s.differenced else {
      rule.feed(position, score: 0, threshold: threshold, cells: scorer.persisted)
      return sample
    }
    let active = s.score >= threshold
    // A new event: remember the scene before it (the oldest frame of the ring).
    if active && rule.isIdle { presence.remember(scorer.oldest) }
    var occupied = false
    if !active && rule.isWaiting && presence.remembered {
      occupied = presence.occupied(scorer.newest, cells: rule.lastCells, pixelThreshold: s.pixelThreshold)
    }
    let moved = active ? scorer.motionBounds() : PixelBounds()
    if rule.feed(position, score: s.score, threshold: threshold, cells: scorer.persisted, moved: moved, occupied: occupied) { presence.forget() }
    return sample
  }

  /// No run and no event waiting (`MotionEventRule.isIdle`): frames without motion change
  /// nothing but the noise and idle averages, so a scan may skip idle footage here.
  public var isIdle: Bool { rule.isIdle }

  /// The next frame follows skipped footage: it is not differenced with the frame before
  /// the skip (as at a file boundary); the noise history and idle levels carry on.
  public mutating func resume() { scorer.restart() }

  /// The footage ended: every event, in order.
  public mutating func finish() -> [MotionEvent] { rule.finish() }

  /// Events emitted so far.
  public var events: [MotionEvent] { rule.events }
}
