import FrameScoutCore
import FrameScoutMedia

extension OnScreenClock {
  /// The default mode: reads keyframes `spacing` apart after the first seconds (decoded
  /// already, `start`), decodes the last 2 s of the file frame by frame (ticks at both ends
  /// fix the rate), fits, and decodes frame by frame from the frame read before each reading
  /// that departs from the fit (a keyframe's, or the first of a window where the fit puts a
  /// jump) to a second after it, until none departs: a jump is located to its frame. The
  /// readings listed are the decoded ones and the keyframes', each placed at the frame where
  /// the fit says it began.
  func sample(start: [(frame: Int, seconds: Int64?, guess: Int64?)], reader: inout OSDClockReader) throws {
    var windows = [start]
    var samples: [(frame: Int, seconds: Int64?)] = []
    let fps = decoder.clock.rate
    let kd = try VideoDecoder(path: path, options: DecodeOptions(open: settings.open, threads: settings.threads, keyframesOnly: true,
                                                                analysisWidth: nil, keyframeSpacing: spacing))
    try kd.forEachFrame(from: learnFrames, through: nil) { frame in
      result.keyframesRead += 1
      samples.append((frame.index, reader.read(frame.luma)))
      return .next
    }
    // The last two seconds of the file (of what follows the first seconds or the last
    // keyframe read when its length is not known): ticks near the end fix the rate, and the
    // end is read whatever the spacing (a jump after the last keyframe read is seen).
    let twoSeconds = Int(2 * fps)
    let lastFrame = decoder.info.duration.map { Int(($0 * fps).rounded(.down)) - 1 }
    let after = max(learnFrames - 1, samples.last?.frame ?? 0)
    var end = try dense(from: max(learnFrames - 1, (lastFrame ?? after + twoSeconds) - twoSeconds), through: nil, reader: &reader)
    if end.isEmpty { end = try dense(from: after, through: nil, reader: &reader) }
    windows.append(end)
    var tried = Set<Int>()
    var fit = fitted(windows, samples)
    while let f = departure(samples, windows: windows, fit: fit, tried: tried) {
      tried.insert(f)
      // From the last frame read before it: the change is then inside the window.
      let read = windows.flatMap { $0.map(\.frame) } + samples.map(\.frame)
      let before = read.filter { $0 < f }.max() ?? 0
      let through = f + Int(fps.rounded(.up)) + 1
      windows.append(try dense(from: before, through: through, reader: &reader))
      fit = fitted(windows, samples)
    }
    result.fit = fit.fit
    result.readings = fit.readings.map { r in
      guard !r.isChange, let f = fit.fit, r.fromFrame >= learnFrames else { return r }
      let from = f.jumps.last(where: { $0.frame <= r.fromFrame })?.frame ?? 0
      return OSDReading(fromFrame: max(from, min(r.fromFrame, f.tickFrame(of: r.seconds, after: from))), seconds: r.seconds,
                        isChange: false, isTick: false)
    }
    result.unreadableFrames = fit.unreadable
    result.frameValues = (windows.flatMap { $0.map { ($0.frame, $0.seconds) } } + samples).sorted { $0.frame < $1.frame }
  }

  /// Seconds between the keyframes sampled: `sampleSeconds`, or on a file longer than
  /// `sampleKeyframes` of those, its length over `sampleKeyframes` (an hour: 30 s). A keyframe
  /// read costs about as much as decoding 11 frames (13 ms here against 1.16 ms a frame of
  /// 720p), so keyframes every 10 s alone cost 0.045 of the bare decode loop on any length
  /// (measured 0.139 on 10 min, 0.085 on 30 min); bounding their number makes the cost of a
  /// long file mostly its fixed first and last seconds. What sparser keyframes lose: a clock
  /// that jumps and jumps back within one spacing is not seen (`--every-tick` sees it); a
  /// jump that stays is still located to its frame.
  var spacing: Double {
    max(settings.sampleSeconds, (decoder.info.duration ?? 0) / Double(max(1, settings.sampleKeyframes)))
  }

  /// Decodes frames `from…through` and reads each.
  func dense(from: Int, through: Int?, reader: inout OSDClockReader) throws -> [(frame: Int, seconds: Int64?, guess: Int64?)] {
    var out: [(frame: Int, seconds: Int64?, guess: Int64?)] = []
    var r = reader
    try decoder.forEachFrame(from: from, through: through) { frame in
      result.framesDecoded += 1
      let v = r.reading(frame.luma)
      out.append((frame.index, v.seconds, v.guess))
      return .next
    }
    reader = r
    return out
  }

  /// The readings of the windows decoded frame by frame and of the keyframes outside them
  /// (in frame order), their fit, and the unreadable frames.
  func fitted(_ windows: [[(frame: Int, seconds: Int64?, guess: Int64?)]], _ samples: [(frame: Int, seconds: Int64?)])
    -> (readings: [OSDReading], fit: OSDFit?, unreadable: Int) {
    var all: [OSDReading] = [], unreadable = 0
    let spans = windows.compactMap { w in w.first.map { $0.frame...w.last!.frame } }
    for w in windows {
      let (r, u) = OSDTrack.readings(w, framesPerSecond: decoder.clock.rate)
      all += r
      unreadable += u
    }
    for s in samples where !spans.contains(where: { $0.contains(s.frame) }) {
      guard let v = s.seconds else { unreadable += 1; continue }
      all.append(OSDReading(fromFrame: s.frame, seconds: v, isChange: false, isTick: false))
    }
    all.sort { $0.fromFrame < $1.fromFrame }
    var readings: [OSDReading] = []
    for r in all where readings.last?.seconds != r.seconds { readings.append(r) }
    return (readings, OSDTrack.fit(readings, secondsPerFrame: decoder.clock.frameDuration), unreadable)
  }

  /// The first reading not tried yet that says a change lies before it, unseen: one at which
  /// the fit places a jump that was not seen to change there (a keyframe, or the first frame
  /// of a window: the jump is only known to be before it), or a keyframe whose reading is not
  /// what the fit shows there (one second off is allowed within two frames of a tick).
  func departure(_ samples: [(frame: Int, seconds: Int64?)], windows: [[(frame: Int, seconds: Int64?, guess: Int64?)]],
                 fit: (readings: [OSDReading], fit: OSDFit?, unreadable: Int), tried: Set<Int>) -> Int? {
    guard let f = fit.fit else { return nil }
    for j in f.jumps where !tried.contains(j.frame) {
      if let r = fit.readings.first(where: { $0.fromFrame == j.frame }), !r.isChange { return j.frame }
    }
    let spans = windows.compactMap { w in w.first.map { $0.frame...w.last!.frame } }
    for s in samples where !tried.contains(s.frame) && !spans.contains(where: { $0.contains(s.frame) }) {
      guard let v = s.seconds else { continue }
      let w = f.wall(atFrame: s.frame), shown = Int64(w.rounded(.down))
      if v == shown { continue }
      if abs(v - shown) == 1 && abs(w - w.rounded()) < 2 * f.secondsPerFrame { continue }
      return s.frame
    }
    return nil
  }
}
