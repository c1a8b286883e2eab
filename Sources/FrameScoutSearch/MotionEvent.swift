import FrameScoutCore

/// One motion event of `scan`: from the first to the last frame with motion, with the
/// frame where it peaked and where in the picture it happened.
public struct MotionEvent: Finding, Hashable {
  /// The file the event starts in.
  public var file: String
  public var kind: EventKind { .motion }
  /// The first frame with motion (in `file`).
  public var start: TimePoint
  /// The last frame with motion (in `endFile` when set, else in `file`).
  public var end: TimePoint
  /// The peak score: changed fraction of the busiest cell on the busiest frame (0…1).
  public var score: Double
  /// The frame with the highest score (in `peakFile` when set, else in `file`).
  public var peak: TimePoint
  /// The motion on the peak frame, in source pixels (the whole frame when no cell stood out).
  public var peakBox: PixelRect
  /// The motion over the whole event, in source pixels.
  public var box: PixelRect?
  /// Analysed frames at or over the threshold.
  public var framesWithMotion: Int
  /// The event padded by `pre`/`post`, in timeline seconds (what clips cover).
  public var paddedStart: Double
  public var paddedEnd: Double
  /// Start and end in timeline seconds, when the scan covers several files (nil for one).
  public var timelineStart: Double?
  public var timelineEnd: Double?
  /// The file the event ends in, when several files are scanned and it is a later one.
  public var endFile: String?
  /// The file of the peak frame, when several files are scanned and it is not `file`.
  public var peakFile: String?
  /// The peak frame's picture, once written (see the report's thumbnails).
  public var thumbnail: String?
  /// The event copied to video, once written: one file per input file its padded range touches.
  public var clips: [String] = []

  public init(file: String, start: TimePoint, end: TimePoint, score: Double, peak: TimePoint, peakBox: PixelRect, box: PixelRect?,
              framesWithMotion: Int, paddedStart: Double, paddedEnd: Double, timelineStart: Double? = nil, timelineEnd: Double? = nil,
              endFile: String? = nil, peakFile: String? = nil) {
    self.file = file
    self.start = start
    self.end = end
    self.score = score
    self.peak = peak
    self.peakBox = peakBox
    self.box = box
    self.framesWithMotion = framesWithMotion
    self.paddedStart = paddedStart
    self.paddedEnd = paddedEnd
    self.timelineStart = timelineStart
    self.timelineEnd = timelineEnd
    self.endFile = endFile
    self.peakFile = peakFile
  }

  /// The file the peak frame is in.
  public var peakPath: String { peakFile ?? file }
  /// The file the last frame with motion is in.
  public var endPath: String { endFile ?? file }
}
