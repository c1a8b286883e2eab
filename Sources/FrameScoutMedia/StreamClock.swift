/// Which timing a stream's frames are told by, decided once per stream from its facts and
/// the user's frame rate. Every engine, frame export, remux and report converts between
/// frame numbers and seconds with it, so `scan`, `watch`, `frame` and `audit` number the
/// same file the same way.
///
/// The rule, in this order:
/// - a stream with timestamps: each frame's time is its pts; the rate (for a frame's
///   duration, a frame number after a seek, `#N` in a time window) is the container's
///   average rate, else the stream's base rate, else the user's, else 25;
/// - a stream without timestamps (raw .h264/.265, MJPEG): frame N is at N ÷ rate, with the
///   user's rate, else the demuxer's (the bitstream's timing information, else FFmpeg's
///   default 25), else 25.
public struct StreamClock: Sendable, Hashable {
  /// Where frame times come from.
  public enum Timing: String, Sendable {
    case pts = "frame pts"
    case bitstream = "bitstream timing info"
    case user = "user frame rate"
    case assumed = "assumed 25 fps"
  }

  public let timing: Timing
  /// Frames per second wherever a count of frames must become seconds, or back.
  public let rate: Double
  /// Where `rate` comes from, in words.
  public let rateSource: String

  public static let assumedRate = 25.0

  public init(timing: Timing, rate: Double, rateSource: String) {
    self.timing = timing
    self.rate = rate
    self.rateSource = rateSource
  }

  /// The clock of a stream with these facts; `userRate` is the frame rate the user gave.
  public init(info: StreamInfo, userRate: Double?) {
    func usable(_ r: Double?) -> Double? { r.flatMap { $0 > 0 && $0 < 1000 && $0.isFinite ? $0 : nil } }
    if info.hasTimestamps {
      timing = .pts
      if let r = usable(info.averageFrameRate) { (rate, rateSource) = (r, "container average frame rate (avg_frame_rate)") }
      else if let r = usable(info.baseFrameRate) { (rate, rateSource) = (r, "stream base rate (r_frame_rate)") }
      else if let r = usable(userRate) { (rate, rateSource) = (r, "user frame rate") }
      else { (rate, rateSource) = (Self.assumedRate, "assumed 25 fps") }
    } else if let r = usable(userRate) {
      (timing, rate, rateSource) = (.user, r, "user frame rate")
    } else if let r = usable(info.baseFrameRate) {
      (timing, rate, rateSource) = (.bitstream, r, "no timestamps: the demuxer's rate (bitstream timing info, else FFmpeg's default 25)")
    } else {
      (timing, rate, rateSource) = (.assumed, Self.assumedRate, "assumed 25 fps")
    }
  }

  /// Seconds one frame lasts at the clock's rate.
  public var frameDuration: Double { 1 / rate }

  /// The time of frame `n` at the clock's rate (exact for streams without timestamps and
  /// constant-rate streams; a stream with timestamps tells each frame's own time).
  public func seconds(ofFrame n: Int) -> Double { Double(n) / rate }

  /// The number of the frame starting nearest to `seconds` at the clock's rate.
  public func nearestFrame(at seconds: Double) -> Int { max(0, Int((seconds * rate).rounded())) }

  /// The number of the frame on screen at `seconds` (the last that starts at or before it).
  public func frame(at seconds: Double) -> Int { max(0, Int((seconds * rate + 0.0005).rounded(.down))) }
}

extension StreamInfo {
  /// The clock of this stream (see `StreamClock`).
  public func clock(userRate: Double?) -> StreamClock { StreamClock(info: self, userRate: userRate) }
}
