import FrameScoutCore

/// What `find` finds: a time range of one file in which the target picture is visible,
/// with the frame where it matched best.
public struct Match: Finding {
  public var file: String
  public var kind: EventKind { .match }
  /// First and last frame that match (found frame by frame between the sparse samples).
  public var start: TimePoint
  public var end: TimePoint
  /// The best-matching frame, its time, and where the target is in it (source pixels).
  public var bestFrame: Int
  public var bestTime: Double
  public var box: PixelRect
  /// Normalised cross-correlation at the best frame (−1…1).
  public var score: Double
  /// The object's size in the footage relative to the target picture's, at the best frame.
  public var scale: Double
  /// Where the range starts on the timeline of all files.
  public var timelineStart: Double
  /// The searched region (nil: the whole frame).
  public var region: PixelRect?
  /// The picture of the best frame with the box drawn, once written (its path as the
  /// report records it).
  public var thumbnail: String?

  public init(file: String, start: TimePoint, end: TimePoint, bestFrame: Int, bestTime: Double, box: PixelRect, score: Double,
              scale: Double, timelineStart: Double, region: PixelRect?) {
    self.file = file
    self.start = start
    self.end = end
    self.bestFrame = bestFrame
    self.bestTime = bestTime
    self.box = box
    self.score = score
    self.scale = scale
    self.timelineStart = timelineStart
    self.region = region
  }
}
