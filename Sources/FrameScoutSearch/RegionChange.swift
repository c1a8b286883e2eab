import FrameScoutCore

/// What `watch` finds: the region settled on a new look for good (an object taken away,
/// left behind, or replaced), at one exact frame.
public struct RegionChange: Finding {
  /// appeared, disappeared or changed: which of the two states blends with the scene
  /// around the region (see `RegionChangeDetector`).
  public var kind: EventKind
  /// The first frame showing the new state: the frame of the change.
  public var after: FramePosition
  /// The last frame that still showed the old state: the frame just before the change,
  /// or, when something hid the region meanwhile, the last frame before it was hidden.
  public var before: FramePosition
  /// The first frame of the old state.
  public var previousStateSince: FramePosition
  /// Signature distance between the old state and the new one (0…1).
  public var score: Double
  /// The watched region (source pixels).
  public var region: PixelRect
  /// How much the region stood out from its surroundings in the old and the new state
  /// (mean gray step across its border).
  public var contrastBefore: Double
  public var contrastAfter: Double
  /// The file of the change (the file of `after`).
  public var file: String
  /// Pictures of `before` and `after`, once written (paths as the report records them).
  public var beforeThumbnail: String?
  public var afterThumbnail: String?
  /// A stream-copied clip around the change, once written (see the report's clips).
  public var clip: String?

  public init(kind: EventKind, after: FramePosition, before: FramePosition, previousStateSince: FramePosition, score: Double,
              region: PixelRect, contrastBefore: Double, contrastAfter: Double, file: String) {
    self.kind = kind
    self.after = after
    self.before = before
    self.previousStateSince = previousStateSince
    self.score = score
    self.region = region
    self.contrastBefore = contrastBefore
    self.contrastAfter = contrastAfter
    self.file = file
  }

  /// The change is one instant: start and end are the frame of the change.
  public var start: TimePoint { TimePoint(frame: after.frame, time: after.time) }
  public var end: TimePoint { start }
  /// Seconds on the timeline of all files.
  public var timelineTime: Double { after.timeline }
  /// The old state was out of sight for a while before the change (someone stood in front).
  public var wasHidden: Bool { before.frame < after.frame - 1 }
}
