import FrameScoutCore
import FrameScoutMedia

extension OnScreenClock {
  /// The default mode: reads a keyframe every `sampleSeconds` after the first seconds (decoded already,
  /// `start`), decodes 2 s from the last keyframe read frame by frame (ticks at both ends fix the rate), fits,
  /// and decodes frame by frame from the keyframe before each keyframe that departs from the
  /// fit to a second after it, until none departs. The readings listed are the decoded ones
  /// and the keyframes', each placed at the frame where the fit says it began.
  func sample(start: [(frame: Int, seconds: Int64?, guess: Int64?)], reader: inout OSDClockReader) throws {
    var windows = [start]
    var samples: [(frame: Int, seconds: Int64?)] = []
    let kd = try VideoDecoder(path: path, options: DecodeOptions(open: settings.open, threads: settings.threads, keyframesOnly: true,
                                                                analysisWidth: nil, keyframeSpacing: settings.sampleSeconds))
    try kd.forEachFrame(from: learnFrames, through: nil) { frame in
      result.keyframesRead += 1
      samples.append((frame.index, reader.read(frame.luma)))
      return .next
    }
    // Two seconds from the last keyframe read: ticks near the end fix the rate.
    if let last = samples.last?.frame {
      windows.append(try dense(from: last, through: last + Int(2 * decoder.clock.rate), reader: &reader))
    }
    var tried = Set<Int>()
    var fit = fitted(windows, samples)
    while let k = departure(samples, fit: fit, tried: tried) {
      tried.insert(k)
      // From the last frame read before it: the change is then inside the window.
      let read = windows.flatMap { $0.map(\.frame) } + samples.map(\.frame)
      let before = read.filter { $0 < samples[k].frame }.max() ?? 0
      let through = samples[k].frame + Int(decoder.clock.rate.rounded(.up)) + 1
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

  /// The first keyframe not tried yet whose reading is not what the fit shows there (one
  /// second off is allowed within two frames of a tick), or at which the fit places a jump
  /// (the keyframe only says the jump is before it).
  func departure(_ samples: [(frame: Int, seconds: Int64?)], fit: (readings: [OSDReading], fit: OSDFit?, unreadable: Int),
                 tried: Set<Int>) -> Int? {
    guard let f = fit.fit else { return nil }
    for j in f.jumps {
      if let k = samples.firstIndex(where: { $0.frame == j.frame }), !tried.contains(k) { return k }
    }
    for (k, s) in samples.enumerated() where !tried.contains(k) {
      guard let v = s.seconds else { continue }
      let w = f.wall(atFrame: s.frame), shown = Int64(w.rounded(.down))
      if v == shown { continue }
      if abs(v - shown) == 1 && abs(w - w.rounded()) < 2 * f.secondsPerFrame { continue }
      return k
    }
    return nil
  }
}
