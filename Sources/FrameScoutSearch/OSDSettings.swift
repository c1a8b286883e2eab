import FrameScoutCore
import FrameScoutMedia

/// Settings of `osd`: where the clock is (nil: found), its format (nil: inferred), and
/// whether to read every frame.
public struct OSDSettings: EngineSettings {
  /// The clock's box in source pixels; nil: found (the seconds digit ticks once a second).
  public var box: PixelRect?
  /// `--format` (YYYY-MM-DD HH:mm:ss …); nil: inferred from the clip.
  public var format: String?
  /// Decode every frame and list every tick; false: read keyframes and bisect.
  public var everyTick = false
  /// Seconds decoded densely at the start to find the clock and learn its digits.
  public var learnSeconds = 15.0
  /// Sampled mode: read a keyframe at most every this many seconds (a jump between two is
  /// found at the second and decoded frame by frame from the first)…
  public var sampleSeconds = 10.0
  /// … and at most this many keyframes in all: a longer file's keyframes are its length over
  /// this apart (an hour: 30 s; `OnScreenClock.spacing` says why).
  public var sampleKeyframes = 120
  public var threads = 0
  public var open = OpenOptions()

  public init() {}

  public func validate() throws(SettingError) {
    try open.validate()
    if let box, box.width < 8 || box.height < 6 { throw SettingError("box", "must be at least 8x6 pixels") }
    if let format, OSDLayout(format: format) == nil {
      throw SettingError("format", "'\(format)' needs YYYY, MM, DD, HH (or hh with A), mm and ss, the time first or last")
    }
    if threads < 0 { throw SettingError("threads", "must be 0 or more") }
  }

  public var parameters: [(String, JSONValue)] {
    [("box", box.map { .array([.int($0.x), .int($0.y), .int($0.width), .int($0.height)]) } ?? .null),
     ("format", .optional(format)), ("every_tick", .bool(everyTick)),
     ("learn_seconds", .double(learnSeconds)), ("sample_seconds", .double(sampleSeconds)), ("sample_keyframes", .int(sampleKeyframes))] + open.parameters
  }
}

/// What `osd` found in one file.
public struct OSDResult: Sendable {
  public var path: String
  /// The clock's box (nil: no on-screen clock found).
  public var box: PixelRect?
  public var polarity: TextPolarity?
  public var format: String?
  public var readings: [OSDReading] = []
  public var fit: OSDFit?
  public var unreadableFrames = 0
  /// Frames decoded in all, and keyframes read (sampled mode).
  public var framesDecoded = 0
  public var keyframesRead = 0
  public var notes: [String] = []
  /// Every decoded frame's reading (nil: unreadable), in frame order: for `--stats`.
  public var frameValues: [(frame: Int, seconds: Int64?)] = []
  public var clock: StreamClock
  public var info: StreamInfo

  public init(path: String, clock: StreamClock, info: StreamInfo) {
    self.path = path
    self.clock = clock
    self.info = info
  }

  /// The wall time of frame `n` by the fit (nil without one).
  public func wall(atFrame n: Int) -> WallTime? {
    fit.map { WallTime(milliseconds: Int64(($0.wall(atFrame: n) * 1000).rounded(.down))) }
  }
}
