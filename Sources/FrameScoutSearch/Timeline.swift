import FrameScoutCore
import FrameScoutMedia

/// Several files of one camera played one after another (a DVR exports one file per hour):
/// each file's frames keep their own numbers and times, and `offset` places the file's
/// time zero on the shared timeline. The next file starts where the previous one truly
/// ends — its last frame's time plus that frame's duration (`StreamEnd`) — not at the
/// container's declared duration, which can be short by a frame or more per file.
public struct Timeline: Sendable {
  public struct Entry: Sendable {
    public let path: String
    public let offset: Double
    /// Seconds from the file's first frame to the end of its last (`StreamEnd`), else the
    /// declared duration.
    public let duration: Double?
    /// The container's declared duration (what `probe` shows).
    public let declaredDuration: Double?
    public let info: StreamInfo
    /// How this file's frames are numbered and timed.
    public let clock: StreamClock
    /// The wall-clock time of the file's frames, and where it comes from.
    public let wallClock: FileClock
  }
  public let entries: [Entry]

  /// Opens each file (for its facts only) and lays them end to end in the given order.
  public init(paths: [String], options: OpenOptions = OpenOptions()) throws(MediaError) {
    var entries: [Entry] = []
    var offset = 0.0
    for path in paths {
      let decoder = try VideoDecoder(path: path, options: DecodeOptions(open: options, analysisWidth: nil))
      let info = decoder.info
      let duration = StreamEnd.measure(path: path, options: options, declared: info.duration) ?? info.duration
      let clock = decoder.clock
      entries.append(Entry(path: path, offset: offset, duration: duration, declaredDuration: info.duration, info: info, clock: clock,
                           wallClock: FileClock.of(path: path, info: info, duration: duration, clock: clock, request: options.clock, open: options)))
      offset += duration ?? 0
    }
    self.entries = entries
  }

  /// Seconds on the shared timeline of `time` in file `k`.
  public func timelineTime(file k: Int, time: Double) -> Double { entries[k].offset + time }
}

extension FileClock {
  /// The wall clock of an opened file: its own readings (name, container), the user's
  /// request applied to them. `--clock-at #N` ties the clock to frame N's own time: from
  /// `frameTimes` (every frame's, when the caller read them), else, for a stream timed by
  /// its pts, from frame N decoded once (`open`: how the file is opened; a variable-rate
  /// file's frame N is not at N ÷ rate), else N ÷ rate.
  public static func of(path: String, info: StreamInfo, duration: Double?, clock: StreamClock, request: ClockRequest,
                        open: OpenOptions? = nil, frameTimes: [Double]? = nil) -> FileClock {
    var warnings: [String] = []
    var found = readings(path: path, tags: info.tags, duration: duration, warnings: &warnings)
    if let dvr = dvrReading(info) { found.insert(dvr, at: 0) }
    if request.source == .osd, let osd = osdReading(path: path, open: open ?? OpenOptions(), warnings: &warnings) { found.insert(osd, at: 0) }
    func seconds(ofFrame n: Int) -> Double {
      if let t = frameTimes, n >= 0, n < t.count { return t[n] }
      if clock.timing == .pts, let open, let grabber = try? FrameGrabber(path: path, options: open),
         let t = try? grabber.withFrame(n, { frame, _ in frame.time }) { return t }
      return clock.seconds(ofFrame: n)
    }
    return resolve(request: request, found: found, secondsOfFrame: seconds(ofFrame:), warnings: warnings)
  }

  /// `--clock osd`: the burned-in clock read (sampled) and fitted. The first frame's time is
  /// the fit's, the rate its slope, and each jump a step from its frame on: a frame's wall
  /// time is the fit's stretch it falls in (between jumps), so times on both sides of a
  /// jump are the clock's. A jump is also a warning (a clock set, a cut or a splice).
  static func osdReading(path: String, open: OpenOptions, warnings: inout [String]) -> ClockReading? {
    var settings = OSDSettings()
    settings.open = open
    guard let r = try? OnScreenClock(path: path, settings: settings).run(), let box = r.box, let fit = r.fit,
          let start = r.wall(atFrame: 0) else {
      warnings.append("--clock osd: no on-screen clock found")
      return nil
    }
    let d = r.clock.frameDuration
    var steps: [ClockStep] = []
    for j in fit.jumps {
      warnings.append("the on-screen clock jumps by \(j.seconds) s at frame \(j.frame) (a clock set, a cut or a splice): "
        + "wall times from there are the clock's after the jump")
      steps.append(ClockStep(frame: j.frame, atSeconds: r.clock.seconds(ofFrame: j.frame) - d / 2, seconds: j.seconds))
    }
    let rate = d > 0 && fit.secondsPerFrame > 0 ? fit.secondsPerFrame / d : 1
    let jumps = fit.jumps.isEmpty ? "" : ", \(fit.jumps.count) jump\(fit.jumps.count == 1 ? "" : "s")"
    return ClockReading(source: .osd, start: start, how: "on-screen clock at \(box), \(r.format ?? "?"), fitted over \(r.readings.count) readings\(jumps)",
                        rate: rate, steps: steps)
  }

  /// A Dahua DHAV stream times its frames by the DVR's clock: FFmpeg's pts is the date field
  /// of each frame's header (read as civil fields, without a zone) in milliseconds, refined
  /// within the second by the frame counter; the first frame's is the file's start, and
  /// each frame's time from it is its own DVR time.
  static func dvrReading(_ info: StreamInfo) -> ClockReading? {
    guard info.container == "dhav", let start = info.startTime, start > 946_684_800 else { return nil }    // after 2000-01-01
    let t = WallTime(milliseconds: Int64((start * 1000).rounded()))
    return ClockReading(source: .dvr, start: t, how: "DHAV frame headers (the DVR's own clock, no zone)")
  }
}
