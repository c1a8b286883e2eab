/// A time the clock showed and the frame from which it showed it.
public struct OSDReading: Sendable, Equatable {
  public var fromFrame: Int
  /// Seconds since 1970-01-01 of the DVR's clock.
  public var seconds: Int64
  /// True when `fromFrame` is a frame where the display was seen to change to it; false for
  /// the first reading of a stretch decoded (it only says "by then") or a sampled keyframe.
  public var isChange: Bool
  /// A change to the next second (a tick).
  public var isTick: Bool
  public init(fromFrame: Int, seconds: Int64, isChange: Bool, isTick: Bool) {
    self.fromFrame = fromFrame
    self.seconds = seconds
    self.isChange = isChange
    self.isTick = isTick
  }
}

/// A frame from which the clock departs from the fit by more than 1.5 s, and by how much.
public struct OSDJump: Sendable, Equatable {
  public var frame: Int
  public var seconds: Double
  public init(frame: Int, seconds: Double) {
    self.frame = frame
    self.seconds = seconds
  }
}

/// The clock as a line: the clock at frame n is `wallAtFrame0 + secondsPerFrame × n`, plus
/// every jump at or before n. The displayed second at n is that, rounded down.
public struct OSDFit: Sendable, Equatable {
  /// Seconds since 1970-01-01 of the DVR's clock (fractional) at frame 0.
  public var wallAtFrame0: Double
  public var secondsPerFrame: Double
  public var jumps: [OSDJump]

  public init(wallAtFrame0: Double, secondsPerFrame: Double, jumps: [OSDJump] = []) {
    self.wallAtFrame0 = wallAtFrame0
    self.secondsPerFrame = secondsPerFrame
    self.jumps = jumps
  }

  /// The clock at frame `n`.
  public func wall(atFrame n: Int) -> Double {
    wallAtFrame0 + secondsPerFrame * Double(n) + jumps.reduce(0) { $0 + ($1.frame <= n ? $1.seconds : 0) }
  }

  /// The first frame from which the clock shows `seconds`, in the stretch from `after`
  /// (the fit's own tick frame for that value).
  public func tickFrame(of seconds: Int64, after: Int) -> Int {
    let offset = wall(atFrame: after) - secondsPerFrame * Double(after)
    let x = (Double(seconds) - offset) / secondsPerFrame
    return max(after, Int(x.rounded(.up)))
  }
}

/// From a clock read frame by frame to readings, a fit and jumps.
public enum OSDTrack {
  /// Jumps smaller than this are not jumps (the 1.5 s).
  public static let jumpLevel = 1.5

  /// `readings(_:)` of frame values with guesses (`OSDClockReader.reading`): a run of frames
  /// that could not be read but guess one time is believed only where it continues the
  /// readings around it at the clock's rate (`fps` frames a second): the time read before it
  /// (`p`) or the next second, with the next time read its own or the one after, and a next
  /// second beginning within a frame of a second after `p` began (seen to change) or a
  /// second before the next time read begins. Else its frames are unreadable. (The 13 px
  /// clip's 5 at other positions than the seconds': 84 frames unreadable before.)
  public static func readings(_ values: [(frame: Int, seconds: Int64?, guess: Int64?)], framesPerSecond fps: Double)
    -> (readings: [OSDReading], unreadable: Int) {
    var out: [(frame: Int, seconds: Int64?)] = []
    out.reserveCapacity(values.count)
    var p: (v: Int64, start: Int, change: Bool)? = nil
    var i = 0
    while i < values.count {
      let x = values[i]
      if let v = x.seconds {
        if p?.v != v { p = (v, x.frame, p != nil && out.last?.seconds != nil) }
        out.append((x.frame, v))
        i += 1
        continue
      }
      guard let g = x.guess, fps > 0 else { out.append((x.frame, nil)); i += 1; continue }
      var j = i
      while j < values.count && values[j].seconds == nil && values[j].guess == g { j += 1 }
      var believed = false
      if let p, let n = values[j...].first(where: { $0.seconds != nil }), let nv = n.seconds, nv == g || nv == g + 1 {
        let f = Double(x.frame)
        believed = g == p.v || (g == p.v + 1 && ((p.change && abs(f - Double(p.start) - fps) <= 1)
                                                 || (nv == g + 1 && abs(Double(n.frame) - fps - f) <= 1)))
      }
      for m in i..<j { out.append((values[m].frame, believed ? g : nil)) }
      if believed, p?.v != g { p = (g, x.frame, true) }
      i = j
    }
    return readings(out)
  }

  /// One reading per distinct time shown, from frame values in order (`nil`: unreadable).
  /// A change that lasts less than 3 frames and is not the next second is a misreading: its
  /// frames are counted as unreadable, not believed. Returns the readings and the count of
  /// unreadable frames.
  public static func readings(_ values: [(frame: Int, seconds: Int64?)]) -> (readings: [OSDReading], unreadable: Int) {
    var runs: [(frame: Int, seconds: Int64, count: Int)] = []
    var unreadable = 0
    for (frame, v) in values {
      guard let v else { unreadable += 1; continue }
      if let last = runs.last, last.seconds == v { runs[runs.count - 1].count += 1 } else { runs.append((frame, v, 1)) }
    }
    var out: [OSDReading] = []
    for (k, r) in runs.enumerated() {
      let next = k + 1 < runs.count ? runs[k + 1].seconds : nil
      if let last = out.last {
        if r.seconds == last.seconds { continue }
        let plausible = r.seconds == last.seconds + 1 || r.count >= 3 || (next == r.seconds + 1)
        if !plausible { unreadable += r.count; continue }
      }
      out.append(OSDReading(fromFrame: r.frame, seconds: r.seconds, isChange: !out.isEmpty,
                            isTick: !out.isEmpty && out.last!.seconds + 1 == r.seconds))
    }
    return (out, unreadable)
  }

  /// Fits the clock to ticks: each tick at frame f to value v says the clock passed v
  /// between frames f−1 and f (taken as f − ½). Readings are split into stretches where
  /// one is more than 1.5 s from the time the nominal rate (`secondsPerFrame`) predicts
  /// from the one before; the stretches share one slope (least squares) and each has its
  /// own offset; a jump is the step from one stretch's offset to the next. Nil without ticks.
  public static func fit(_ readings: [OSDReading], secondsPerFrame nominal: Double) -> OSDFit? {
    guard let first = readings.first else { return nil }
    let ref = Double(first.seconds)
    var stretches: [[OSDReading]] = [[first]]
    for (a, b) in zip(readings, readings.dropFirst()) {
      let predicted = Double(a.seconds) + Double(b.fromFrame - a.fromFrame) * nominal
      // Both changes seen: the prediction is good to a frame; else to a second.
      let level = a.isChange && b.isChange ? jumpLevel : jumpLevel + 1
      if abs(Double(b.seconds) - predicted) > level {
        stretches.append([b])
      } else {
        stretches[stretches.count - 1].append(b)
      }
    }
    // Shared slope over the ticks of every stretch.
    var sxy = 0.0, sxx = 0.0
    var means: [(x: Double, y: Double, n: Int)] = []
    for s in stretches {
      let ticks = s.filter(\.isTick)
      let n = Double(ticks.count)
      let mx = ticks.reduce(0) { $0 + Double($1.fromFrame) - 0.5 } / max(1, n)
      let my = ticks.reduce(0) { $0 + Double($1.seconds) - ref } / max(1, n)
      for t in ticks {
        sxy += (Double(t.fromFrame) - 0.5 - mx) * (Double(t.seconds) - ref - my)
        sxx += (Double(t.fromFrame) - 0.5 - mx) * (Double(t.fromFrame) - 0.5 - mx)
      }
      means.append((mx, my, ticks.count))
    }
    guard means.contains(where: { $0.n > 0 }) else { return nil }
    let slope = sxx > 0 ? sxy / sxx : nominal
    // Each stretch's offset: from its ticks, or (none seen) the middle of the second shown.
    let offsets = zip(stretches, means).map { s, m in
      m.n > 0 ? m.y - slope * m.x : Double(s[0].seconds) - ref + 0.5 - slope * Double(s[0].fromFrame)
    }
    var jumps: [OSDJump] = []
    for k in 1..<max(1, stretches.count) {
      let size = offsets[k] - offsets[k - 1]
      if abs(size) > jumpLevel { jumps.append(OSDJump(frame: stretches[k][0].fromFrame, seconds: (size * 100).rounded() / 100)) }
    }
    return OSDFit(wallAtFrame0: ref + offsets[0], secondsPerFrame: slope, jumps: jumps)
  }
}
