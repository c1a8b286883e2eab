import FrameScoutCore
import FrameScoutMedia
import Foundation

/// Thresholds of `FrameAudit`, each with its unit. Defaults were set on TestVideos (see
/// the comments at each use): they find every manipulation in the passerby_* clips and
/// nothing in the untouched clips.
public struct AuditSettings: Sendable {
  /// A frame interval longer than this many nominal intervals is a timestamp gap.
  public var gapFactor = 1.5
  /// Intervals further than this fraction from the nominal one are irregular.
  public var irregularTolerance = 0.2
  /// Irregular intervals must be more than this fraction of all intervals to be reported
  /// as a variable frame rate (isolated ones are reported one by one when non-monotonic).
  public var variableRateFraction = 0.02
  /// Change of the normalised grid to the previous frame (per cell, in standard deviations
  /// of the grid) that counts as motion around a candidate duplicate.
  public var minimumMotion: Float = 0.012
  /// A frame is a duplicate candidate when its change (pixels and grid) is below this
  /// fraction of the change just before it, and motion goes on after it.
  public var duplicateFraction: Float = 0.35
  /// A content discontinuity: normalised-grid distance to the previous frame at least this
  /// (standard deviations of the grid per cell)…
  public var discontinuityMinimum: Float = 0.12
  /// …and this many times the change of the frames around it.
  public var discontinuityRatio: Float = 4
  public init() {}
}

/// Everything `FrameAudit` found in one file.
public struct AuditResult: Sendable {
  public var events: [Event]
  public var frames: Int
  public var nominalInterval: Double?
  public var keyframeInterval: Int?
  public var warnings: [String]
}

/// Audits one file's fingerprints for signs of editing or recording faults: timestamp gaps,
/// non-monotonic or irregular timestamps, duplicated frames, content discontinuities,
/// keyframe-interval and picture-format changes, and damaged data. Findings are worded as
/// observations, never as conclusions about intent.
public struct FrameAudit {
  public let settings: AuditSettings
  public init(settings: AuditSettings = AuditSettings()) { self.settings = settings }

  public func audit(_ s: FingerprintStream) -> AuditResult {
    var events: [Event] = []
    var warnings = s.warnings
    let n = s.count
    func point(_ k: Int) -> TimePoint { TimePoint(frame: k, time: k < n ? s.time[k] : (s.time.last ?? 0)) }
    func event(_ kind: EventKind, _ a: Int, _ b: Int, _ score: Double, _ details: [(String, EventDetail)]) -> Event {
      Event(file: s.path, kind: kind, start: point(a), end: point(b), score: score, details: details.map { (name: $0.0, value: $0.1) })
    }
    let fps = s.frameRate
    let timed = s.timingSource == .pts && s.pts.contains { $0 != nil }
    let nominal = timed ? (s.medianInterval ?? 1 / fps) : 1 / fps
    if !timed { warnings.append("no frame timestamps (\(s.timingSource.rawValue)): timestamp checks skipped") }

    // 1. Timestamps: gaps, non-monotonic steps, irregular intervals.
    var gapFrames = Set<Int>()
    var irregular: [Int] = []
    if timed && n > 1 {
      for k in 1..<n {
        let d = s.time[k] - s.time[k - 1]
        if d <= 0 {
          events.append(event(.irregularTimestamps, k - 1, k, 1, [
            ("message", .text(d == 0 ? "timestamp repeated: frame \(k) has the same time as frame \(k - 1)"
                                     : "timestamp goes back \(ms(-d)) ms at frame \(k)")),
            ("interval_ms", .number(d * 1000))]))
        } else if d > settings.gapFactor * nominal {
          let missing = Int((d / nominal).rounded()) - 1
          let gap = d - nominal
          gapFrames.insert(k)
          events.append(event(.timestampGap, k, k, min(1, 0.5 + 0.1 * Double(missing)), [
            ("message", .text("timestamp gap of \(ms(gap)) ms (\(missing) frame\(missing == 1 ? "" : "s") at \(formatRate(1 / nominal)) fps) before frame \(k)")),
            ("previous_frame", .integer(k - 1)), ("interval_ms", .number(d * 1000)), ("missing_frames", .integer(missing)),
            ("content_change", .number(Double(s.change[k])))]))
        } else if abs(d - nominal) > settings.irregularTolerance * nominal {
          irregular.append(k)
        }
      }
      if !irregular.isEmpty && Double(irregular.count) > settings.variableRateFraction * Double(n - 1) {
        events.append(event(.irregularTimestamps, irregular.first!, irregular.last!, min(1, Double(irregular.count) / Double(n - 1) * 5), [
          ("message", .text("variable frame rate: \(irregular.count) of \(n - 1) frame intervals differ from the nominal \(ms(nominal)) ms by more than \(Int(settings.irregularTolerance * 100)) %")),
          ("irregular_intervals", .integer(irregular.count))]))
      }
    }

    // Frame-to-frame change of the normalised 16x9 grid: motion of the picture's layout,
    // blind to lighting changes and to sensor noise (cells average it away).
    var g = [Float](repeating: 0, count: n)
    for k in 1..<max(1, n) where s.formats.allSatisfy({ $0.frame != k }) { g[k] = s.gridDistance(k, k - 1) }
    let c = s.change

    // 2. Duplicated frames: a frame (nearly) identical to the previous one while the scene
    // moves before and after it. In a static scene consecutive frames are alike anyway
    // (x264 even decodes many of them bit-identical), so no duplicate is claimed there.
    // Measured (160-wide analysis): a walking person moves the grid 0.022–0.033 per frame;
    // static scenes, noise and lighting ramps 0.0003–0.008 (0.05 at night-noise keyframes);
    // re-encoded copies of a frame change 0.001–0.14 grey levels against 0.35–0.7 for the
    // motion around them (the last copy of a run is refined by the encoder).
    var duplicateRunEnds = Set<Int>()
    var k = 1
    while k < n {
      let before = median(c, max(1, k - 4), k - 1), gBefore = median(g, max(1, k - 4), k - 1)
      guard gBefore >= settings.minimumMotion, c[k] < settings.duplicateFraction * before,
            g[k] < settings.duplicateFraction * gBefore, !gapFrames.contains(k) else { k += 1; continue }
      var e = k
      while e + 1 < n && c[e + 1] < settings.duplicateFraction * before && g[e + 1] < settings.duplicateFraction * gBefore
              && !gapFrames.contains(e + 1) { e += 1 }
      let gAfter = median(g, min(n - 1, e + 2), min(n - 1, e + 5))
      if e + 2 < n && gAfter >= settings.minimumMotion {
        let identical = (k...e).allSatisfy { s.contentHash[$0] == s.contentHash[k - 1] }
        let worst = (k...e).map { c[$0] }.max() ?? 0
        let count = e - k + 1
        let how = identical ? "bit-identical" : "same picture, re-encoded"
        events.append(event(.duplicateFrame, k, e, identical ? 1 : Double(max(0.5, min(0.99, 1 - worst / before))), [
          ("message", .text(count == 1 ? "frame identical to previous (\(how))" : "\(count) frames identical to frame \(k - 1) (\(how))")),
          ("copy_of", .integer(k - 1)), ("frames", .integer(count)), ("bit_identical", .flag(identical)),
          ("change", .number(Double(worst))), ("change_before", .number(Double(before))),
          ("motion_before", .number(Double(gBefore))), ("motion_after", .number(Double(gAfter))),
          ("jump_after", .number(e + 1 < n ? Double(g[e + 1]) : 0))]))
        duplicateRunEnds.insert(e + 1)
      }
      k = e + 1
    }

    // Repeats at a steady spacing (one frame in 6 for 25 -> 30 fps) are the signature of a
    // frame-rate conversion: one event for the pattern, not one per repeat.
    let single = events.indices.filter { events[$0].kind == .duplicateFrame && events[$0].start.frame == events[$0].end.frame }
    if single.count >= 4 {
      let starts = single.map { events[$0].start.frame }
      var spacing: [Int: Int] = [:]
      for (x, y) in zip(starts, starts.dropFirst()) { spacing[y - x, default: 0] += 1 }
      let (period, seen) = spacing.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
      let regular = zip(starts, starts.dropFirst()).allSatisfy { ($1 - $0) % period == 0 && ($1 - $0) <= 3 * period }
      if period >= 2 && seen * 2 >= starts.count - 1 && regular {
        let first = starts.first!, last = starts.last!
        let merged = event(.duplicateFrame, first, last, 0.9, [
          ("message", .text("one frame in \(period) repeats the previous one (\(starts.count) repeats from frame \(first) to \(last)): the pattern of a frame-rate conversion")),
          ("period", .integer(period)), ("repeats", .integer(starts.count)), ("frame_rate_conversion", .flag(true))])
        events = events.enumerated().filter { !single.contains($0.offset) }.map { $0.element } + [merged]
      }
    }

    // 3. Content discontinuities: a jump of the normalised grid much larger than the
    // frame-to-frame change around it. passerby_cut/splice: 0.19–0.24 at the cut, under 0.035
    // around it; the untouched clips never pass 0.054 (night-noise keyframes, mjpeg noise).
    if n > 2 {
      for k in 1..<n {
        guard g[k] >= settings.discontinuityMinimum, !gapFrames.contains(k), !duplicateRunEnds.contains(k) else { continue }
        let before = median(g, max(1, k - 4), k - 1), after = median(g, min(n - 1, k + 1), min(n - 1, k + 4))
        let around = max(before, after, 0.01)
        guard g[k] >= settings.discontinuityRatio * around else { continue }
        events.append(event(.discontinuity, k, k, Double(min(1, (g[k] / around) / (4 * settings.discontinuityRatio) + 0.5)), [
          ("message", .text("content discontinuity between frames \(k - 1) and \(k) with no motion leading to it")),
          ("grid_distance", .number(Double(g[k]))), ("change_before", .number(Double(before))), ("change_after", .number(Double(after))),
          ("phash_distance", .integer((s.phash[k] ^ s.phash[k - 1]).nonzeroBitCount))]))
      }
    }

    // 4. Encoder settings: the keyframe interval switching from one steady value to another
    // (runs of at least 2 equal intervals on both sides; a lone odd interval, such as a
    // scene-cut keyframe, is not reported), and a lasting step in keyframe size (the median
    // of 3 keyframes against the 3 before, at least 2x either way; the first keyframe is left
    // out: x264 sizes it before its rate control settles, 1.3–8x off on TestVideos, while
    // later keyframes of the untouched clips stay within 1.6x of each other).
    let keys = (0..<n).filter { s.isKeyframe[$0] }
    var keyInterval: Int? = nil
    if keys.count >= 3 {
      let intervals = (1..<keys.count).map { keys[$0] - keys[$0 - 1] }
      var histogram: [Int: Int] = [:]
      for d in intervals { histogram[d, default: 0] += 1 }
      keyInterval = histogram.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
      var runs: [(value: Int, first: Int, count: Int)] = []     // first: index into intervals
      for (i, d) in intervals.enumerated() {
        if let last = runs.last, last.value == d { runs[runs.count - 1].count += 1 } else { runs.append((d, i, 1)) }
      }
      let steady = runs.filter { $0.count >= 2 }
      for (x, y) in zip(steady, steady.dropFirst()) where x.value != y.value {
        let at = keys[y.first]
        events.append(event(.gopChange, at, keys[y.first + 1], 0.9, [
          ("message", .text("keyframe interval changes from \(x.value) to \(y.value) frames at frame \(at)")),
          ("interval_before", .integer(x.value)), ("interval_after", .integer(y.value))]))
      }
    }
    if keys.count >= 7 {
      let sizes = keys.dropFirst().map { Double(s.packetSize[$0]) }
      let keyed = Array(keys.dropFirst())
      var steps: [(i: Int, ratio: Double)] = []
      if sizes.allSatisfy({ $0 > 0 }) {
        for i in 3...(sizes.count - 3) {
          let before = medianD(Array(sizes[(i - 3)..<i])), after = medianD(Array(sizes[i..<(i + 3)]))
          let r = after / before
          if r >= 2 || r <= 0.5 { steps.append((i, r)) }
        }
      }
      // One event per step: the strongest ratio among neighbouring keyframes.
      var j = 0
      while j < steps.count {
        var best = steps[j], e = j
        while e + 1 < steps.count && steps[e + 1].i - steps[e].i <= 2 {
          e += 1
          if abs(log(steps[e].ratio)) > abs(log(best.ratio)) { best = steps[e] }
        }
        // The step is at the first keyframe that is itself on the new level.
        if let first = steps[j...e].first(where: { st in
          let own = sizes[st.i] / medianD(Array(sizes[(st.i - 3)..<st.i]))
          return (st.ratio < 1) == (own < 1) && (own >= 2 || own <= 0.5)
        }) { best = first }
        let i = best.i
        let before = medianD(Array(sizes[(i - 3)..<i])), after = medianD(Array(sizes[i..<(i + 3)]))
        events.append(event(.gopChange, keyed[i - 1], keyed[i], min(1, 0.5 + abs(log2(best.ratio)) / 8), [
          ("message", .text("keyframe size \(best.ratio < 1 ? "drops" : "rises") from \(Int(before / 1000)) KB to \(Int(after / 1000)) KB between the keyframes at frames \(keyed[i - 1]) and \(keyed[i]) (encoder settings or scene changed)")),
          ("size_before", .integer(Int(before))), ("size_after", .integer(Int(after))), ("ratio", .number(best.ratio))]))
        j = e + 1
      }
    }
    for f in s.formats.dropFirst() {
      events.append(event(.gopChange, f.frame, f.frame, 1, [
        ("message", .text("picture format changes to \(f.width)x\(f.height) \(f.pixelFormat) at frame \(f.frame)"))]))
    }

    // 5. Damaged data: runs of frames the decoder flagged, and packets it rejected.
    var r = 0
    while r < n {
      guard s.isCorrupt[r] else { r += 1; continue }
      var e = r
      while e + 1 < n && s.isCorrupt[e + 1] { e += 1 }
      events.append(event(.corruptData, r, e, 1, [("message", .text("\(e - r + 1) frame\(e > r ? "s" : "") decoded with errors (damage concealed)"))]))
      r = e + 1
    }
    if let d = s.damage, d.corruptPackets > 0 || d.readErrors > 0 || d.truncated {
      events.append(event(.corruptData, max(0, n - 1), max(0, n - 1), 1, [("message", .text(d.summary))]))
    }

    events.sort { ($0.start.frame, $0.kind.rawValue) < ($1.start.frame, $1.kind.rawValue) }
    return AuditResult(events: events, frames: n, nominalInterval: timed ? nominal : nil, keyframeInterval: keyInterval, warnings: warnings)
  }
}

/// Median of `v[a...b]` (0 when the range is empty).
func median(_ v: [Float], _ a: Int, _ b: Int) -> Float {
  guard a <= b, a >= 0, b < v.count else { return 0 }
  var w = Array(v[a...b])
  w.sort()
  return w.count % 2 == 1 ? w[w.count / 2] : (w[w.count / 2 - 1] + w[w.count / 2]) / 2
}

func medianD(_ v: [Double]) -> Double {
  let w = v.sorted()
  return w.isEmpty ? 0 : (w.count % 2 == 1 ? w[w.count / 2] : (w[w.count / 2 - 1] + w[w.count / 2]) / 2)
}

func ms(_ seconds: Double) -> String {
  let v = (seconds * 1000).rounded()
  return String(Int(v))
}

func formatRate(_ v: Double) -> String {
  let r = (v * 100).rounded() / 100
  return r == r.rounded() ? String(Int(r)) : String(r)
}
