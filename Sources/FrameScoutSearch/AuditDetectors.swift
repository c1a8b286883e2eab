import FrameScoutCore
import FrameScoutMedia
import Foundation

// The detectors of `FrameAudit`, one per concern, each from the fingerprint stream (and
// the settings) to typed findings in frame order.

/// 1. Timestamps: gaps, non-monotonic steps, irregular intervals, against the nominal frame
/// interval (only for streams with frame timestamps). Also tells which frames follow a gap:
/// their change is the gap's, not a duplicate's or a cut's.
struct TimestampCheck {
  let settings: AuditSettings

  func run(_ s: FingerprintStream, nominal: Double) -> (findings: [AuditFinding], gapFrames: Set<Int>) {
    let n = s.count
    guard n > 1 else { return ([], []) }
    var findings: [AuditFinding] = []
    var gapFrames = Set<Int>()
    var irregular: [Int] = []
    for k in 1..<n {
      let d = s.time[k] - s.time[k - 1]
      if d <= 0 {
        findings.append(s.finding(k - 1, k, confidence: 1,
                                  d == 0 ? "timestamp repeated: frame \(k) has the same time as frame \(k - 1)"
                                         : "timestamp goes back \(ms(-d)) ms at frame \(k)",
                                  .timestampStep(intervalMs: d * 1000)))
      } else if d > settings.gapFactor * nominal {
        let missing = Int((d / nominal).rounded()) - 1
        let gap = d - nominal
        gapFrames.insert(k)
        findings.append(s.finding(k, k, confidence: min(1, 0.5 + 0.1 * Double(missing)),
          "timestamp gap of \(ms(gap)) ms (\(missing) frame\(missing == 1 ? "" : "s") at \(formatRate(1 / nominal)) fps) before frame \(k)",
          .timestampGap(previousFrame: k - 1, intervalMs: d * 1000, missingFrames: missing, contentChange: Double(s.change[k]))))
      } else if abs(d - nominal) > settings.irregularTolerance * nominal {
        irregular.append(k)
      }
    }
    if !irregular.isEmpty && Double(irregular.count) > settings.variableRateFraction * Double(n - 1) {
      findings.append(s.finding(irregular.first!, irregular.last!, confidence: min(1, Double(irregular.count) / Double(n - 1) * 5),
        "variable frame rate: \(irregular.count) of \(n - 1) frame intervals differ from the nominal \(ms(nominal)) ms by more than \(Int(settings.irregularTolerance * 100)) %",
        .variableRate(irregularIntervals: irregular.count)))
    }
    return (findings, gapFrames)
  }
}

/// 2. Duplicated frames: a frame (nearly) identical to the previous one while the scene
/// moves before and after it. In a static scene consecutive frames are alike anyway
/// (x264 even decodes many of them bit-identical), so no duplicate is claimed there.
/// Measured (160-wide analysis): a walking person moves the grid 0.022–0.033 per frame;
/// static scenes, noise and lighting ramps 0.0003–0.008 (0.05 at night-noise keyframes);
/// re-encoded copies of a frame change 0.001–0.14 grey levels against 0.35–0.7 for the
/// motion around them (the last copy of a run is refined by the encoder).
/// Where local motion is measured and something moved before, a candidate's own local motion
/// must drop too (`duplicateMotion`): re-encoded copies 0–0.0001 of the motion before
/// (TestVideos passerby_dup), while a 1080p auto-gain dip that calms the whole-picture change
/// leaves the walkers' steps as they were (realistic autogain_hevc #157, #186: 1.1–1.2).
/// Also tells the frame after each run: its jump back into motion is no discontinuity.
struct DuplicateCheck {
  let settings: AuditSettings

  func run(_ s: FingerprintStream, motion g: [Float], skipping gapFrames: Set<Int>) -> (findings: [AuditFinding], runEnds: Set<Int>) {
    let n = s.count, c = s.change, m = s.motion
    var findings: [AuditFinding] = []
    var runEnds = Set<Int>()
    var k = 1
    while k < n {
      let before = median(c, max(1, k - 4), k - 1), gBefore = median(g, max(1, k - 4), k - 1)
      let mBefore = m.count == n ? median(m, max(1, k - 4), k - 1) : 0
      // Where something moved locally, a copy has no step of its own either.
      func still(_ f: Int) -> Bool {
        c[f] < settings.duplicateFraction * before && g[f] < settings.duplicateFraction * gBefore && !gapFrames.contains(f)
          && (mBefore < settings.minimumLocalMotion || m[f] <= settings.duplicateMotion * mBefore)
      }
      guard gBefore >= settings.minimumMotion, still(k) else { k += 1; continue }
      var e = k
      while e + 1 < n && still(e + 1) { e += 1 }
      let gAfter = median(g, min(n - 1, e + 2), min(n - 1, e + 5))
      if e + 2 < n && gAfter >= settings.minimumMotion {
        findings.append(duplicate(s, k...e, before: before, gBefore: gBefore, gAfter: gAfter, jumpAfter: e + 1 < n ? Double(g[e + 1]) : 0))
        runEnds.insert(e + 1)
      }
      k = e + 1
    }
    return (findings, runEnds)
  }

  /// The finding for the run of frames `run`, copies of the frame before it.
  func duplicate(_ s: FingerprintStream, _ run: ClosedRange<Int>, before: Float, gBefore: Float, gAfter: Float,
                 jumpAfter: Double) -> AuditFinding {
    let k = run.lowerBound
    let identical = run.allSatisfy { s.contentHash[$0] == s.contentHash[k - 1] }
    let worst = run.map { s.change[$0] }.max() ?? 0
    let count = run.count
    let how = identical ? "bit-identical" : "same picture, re-encoded"
    return s.finding(k, run.upperBound, confidence: identical ? 1 : Double(max(0.5, min(0.99, 1 - worst / before))),
                     count == 1 ? "frame identical to previous (\(how))" : "\(count) frames identical to frame \(k - 1) (\(how))",
                     .duplicate(copyOf: k - 1, frames: count, bitIdentical: identical, change: Double(worst),
                                changeBefore: Double(before), motionBefore: Double(gBefore), motionAfter: Double(gAfter),
                                jumpAfter: jumpAfter))
  }
}

/// Repeats at a steady spacing (one frame in 6 for 25 -> 30 fps) are the signature of a
/// frame-rate conversion: one finding for the pattern, not one per repeat.
enum FrameRateConversion {
  /// `duplicates` (from `DuplicateCheck`) with their single-frame repeats replaced by one
  /// pattern finding at the end, when they repeat at a steady spacing.
  static func merge(_ duplicates: [AuditFinding], in s: FingerprintStream) -> [AuditFinding] {
    let single = duplicates.indices.filter { duplicates[$0].start.frame == duplicates[$0].end.frame }
    guard single.count >= 4 else { return duplicates }
    let starts = single.map { duplicates[$0].start.frame }
    var spacing: [Int: Int] = [:]
    for (x, y) in zip(starts, starts.dropFirst()) { spacing[y - x, default: 0] += 1 }
    let (period, seen) = spacing.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
    let regular = zip(starts, starts.dropFirst()).allSatisfy { ($1 - $0) % period == 0 && ($1 - $0) <= 3 * period }
    guard period >= 2 && seen * 2 >= starts.count - 1 && regular else { return duplicates }
    let first = starts.first!, last = starts.last!
    let merged = s.finding(first, last, confidence: 0.9,
      "one frame in \(period) repeats the previous one (\(starts.count) repeats from frame \(first) to \(last)): the pattern of a frame-rate conversion",
      .frameRateConversion(period: period, repeats: starts.count))
    return duplicates.enumerated().filter { !single.contains($0.offset) }.map { $0.element } + [merged]
  }
}

/// 3. Content discontinuities: a jump of the normalised grid much larger than the
/// frame-to-frame change around it. passerby_cut/splice: 0.19–0.24 at the cut, under 0.035
/// around it; the untouched clips never pass 0.054 (night-noise keyframes, mjpeg noise).
struct DiscontinuityCheck {
  let settings: AuditSettings

  /// `skipped`: frames whose jump an earlier detector explained. The jumps that are changes
  /// of light (`relit`) are no findings: they come back as `lighting`.
  func run(_ s: FingerprintStream, motion g: [Float], skipping skipped: Set<Int>) -> (findings: [AuditFinding], lighting: [LightingChange]) {
    let n = s.count
    guard n > 2 else { return ([], []) }
    var findings: [AuditFinding] = [], lighting: [LightingChange] = []
    for k in 1..<n {
      guard g[k] >= settings.discontinuityMinimum / 3, !skipped.contains(k) else { continue }
      let before = median(g, max(1, k - 4), k - 1), after = median(g, min(n - 1, k + 1), min(n - 1, k + 4))
      let around = max(before, after, 0.01)
      guard g[k] >= settings.discontinuityRatio * around else { continue }
      guard g[k] >= settings.discontinuityMinimum || confirmedByMotion(s, k, g[k] / max(before, after, 0.001)) else { continue }
      if relit(s, k) {
        lighting.append(LightingChange(frame: k, time: s.time[k], gridDistance: Double(g[k]), changed: Double(s.lightChanged[k]),
                                       kept: Double(s.lightKept[k])))
        continue
      }
      findings.append(s.finding(k, k, confidence: Double(min(1, (g[k] / around) / (4 * settings.discontinuityRatio) + 0.5)),
                                "content discontinuity between frames \(k - 1) and \(k) with no motion leading to it",
                                .discontinuity(gridDistance: Double(g[k]), changeBefore: Double(before), changeAfter: Double(after),
                                               phashDistance: (s.phash[k] ^ s.phash[k - 1]).nonzeroBitCount)))
    }
    return (findings, lighting)
  }

  /// Frame k changed as a change of light does (`Relighting`): at least `lightChanged` of
  /// the picture changed, at least `lightTextured` of it textured before, and at least
  /// `lightKept` of that kept its texture.
  func relit(_ s: FingerprintStream, _ k: Int) -> Bool {
    guard s.lightKept.count == s.count else { return false }
    return s.lightChanged[k] >= settings.lightChanged && s.lightTextured[k] >= settings.lightTextured && s.lightKept[k] >= settings.lightKept
  }
}

extension DiscontinuityCheck {
  /// A smaller jump of the grid (from a third of `discontinuityMinimum`) counts when it is
  /// twice as far above its surroundings (`2 × discontinuityRatio`, against the grid's own
  /// change around it) and the local motion confirms it: the frame's motion mass
  /// `discontinuityRatio` times the larger of the steady motion before and after, for
  /// this one frame only (the next frame's step back to that level). A splice from
  /// another recording of the same camera (realistic audit_splice: grid 0.064–0.069
  /// against 0.005 around, motion 1.3 against 0.2–0.3) is like that; a keyframe re-coding night
  /// noise moves the grid 3× at most (TestVideos night_noise 0.049 against 0.015).
  func confirmedByMotion(_ s: FingerprintStream, _ k: Int, _ gridRatio: Float) -> Bool {
    let m = s.motion, w = settings.motionWindow
    guard m.count == s.count, k > w, k + w + 1 < s.count, gridRatio >= 2 * settings.discontinuityRatio else { return false }
    let level = max(median(m, k - w, k - 1), median(m, k + 2, k + w + 1), settings.minimumLocalMotion)
    return m[k] >= settings.discontinuityRatio * level && m[k + 1] <= 2 * level
  }
}

/// 4. Encoder settings: the keyframe interval switching from one steady value to another
/// (runs of at least 2 equal intervals on both sides; a lone odd interval, such as a
/// scene-cut keyframe, is not reported), and a lasting step in keyframe size (the median
/// of 3 keyframes against the 3 before, at least 2x either way; the first keyframe is left
/// out: x264 sizes it before its rate control settles, 1.3–8x off on TestVideos, while
/// later keyframes of the untouched clips stay within 1.6x of each other); and the
/// picture format changing. Also tells the usual keyframe interval.
struct EncoderCheck {
  func run(_ s: FingerprintStream) -> (findings: [AuditFinding], keyframeInterval: Int?) {
    let keys = (0..<s.count).filter { s.isKeyframe[$0] }
    let intervals = intervalChanges(s, keys)
    return (intervals.findings + sizeSteps(s, keys) + formatChanges(s), intervals.usual)
  }

  /// Changes of the keyframe interval, and its most common value (the larger on ties).
  func intervalChanges(_ s: FingerprintStream, _ keys: [Int]) -> (findings: [AuditFinding], usual: Int?) {
    guard keys.count >= 3 else { return ([], nil) }
    let intervals = (1..<keys.count).map { keys[$0] - keys[$0 - 1] }
    var histogram: [Int: Int] = [:]
    for d in intervals { histogram[d, default: 0] += 1 }
    let usual = histogram.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
    var runs: [(value: Int, first: Int, count: Int)] = []     // first: index into intervals
    for (i, d) in intervals.enumerated() {
      if let last = runs.last, last.value == d { runs[runs.count - 1].count += 1 } else { runs.append((d, i, 1)) }
    }
    let steady = runs.filter { $0.count >= 2 }
    var findings: [AuditFinding] = []
    for (x, y) in zip(steady, steady.dropFirst()) where x.value != y.value {
      let at = keys[y.first]
      findings.append(s.finding(at, keys[y.first + 1], confidence: 0.9,
                                "keyframe interval changes from \(x.value) to \(y.value) frames at frame \(at)",
                                .keyframeInterval(before: x.value, after: y.value)))
    }
    return (findings, usual)
  }

  /// Lasting steps in keyframe size (the first keyframe left out).
  func sizeSteps(_ s: FingerprintStream, _ keys: [Int]) -> [AuditFinding] {
    guard keys.count >= 7 else { return [] }
    let sizes = keys.dropFirst().map { Double(s.packetSize[$0]) }
    let keyed = Array(keys.dropFirst())
    func level(_ i: Int) -> (before: Double, after: Double) { (medianD(Array(sizes[(i - 3)..<i])), medianD(Array(sizes[i..<(i + 3)]))) }
    var steps: [(i: Int, ratio: Double)] = []
    if sizes.allSatisfy({ $0 > 0 }) {
      for i in 3...(sizes.count - 3) {
        let (before, after) = level(i)
        let r = after / before
        if r >= 2 || r <= 0.5 { steps.append((i, r)) }
      }
    }
    // One finding per step: the strongest ratio among neighbouring keyframes.
    var findings: [AuditFinding] = []
    var j = 0
    while j < steps.count {
      var best = steps[j], e = j
      while e + 1 < steps.count && steps[e + 1].i - steps[e].i <= 2 {
        e += 1
        if abs(log(steps[e].ratio)) > abs(log(best.ratio)) { best = steps[e] }
      }
      // The step is at the first keyframe that is itself on the new level.
      if let first = steps[j...e].first(where: { st in
        let own = sizes[st.i] / level(st.i).before
        return (st.ratio < 1) == (own < 1) && (own >= 2 || own <= 0.5)
      }) { best = first }
      let i = best.i
      let (before, after) = level(i)
      findings.append(s.finding(keyed[i - 1], keyed[i], confidence: min(1, 0.5 + abs(log2(best.ratio)) / 8),
        "keyframe size \(best.ratio < 1 ? "drops" : "rises") from \(Int(before / 1000)) KB to \(Int(after / 1000)) KB between the keyframes at frames \(keyed[i - 1]) and \(keyed[i]) (encoder settings or scene changed)",
        .keyframeSize(before: Int(before), after: Int(after), ratio: best.ratio)))
      j = e + 1
    }
    return findings
  }

  /// Every change of picture size or pixel format after the first frame.
  func formatChanges(_ s: FingerprintStream) -> [AuditFinding] {
    s.formats.dropFirst().map { f in
      s.finding(f.frame, f.frame, confidence: 1, "picture format changes to \(f.width)x\(f.height) \(f.pixelFormat) at frame \(f.frame)",
                .pictureFormat(width: f.width, height: f.height, pixelFormat: f.pixelFormat))
    }
  }
}

/// 5. Damaged data: runs of frames the decoder flagged, and packets it rejected.
enum DamageCheck {
  static func run(_ s: FingerprintStream) -> [AuditFinding] {
    let n = s.count
    var findings: [AuditFinding] = []
    var r = 0
    while r < n {
      guard s.isCorrupt[r] else { r += 1; continue }
      var e = r
      while e + 1 < n && s.isCorrupt[e + 1] { e += 1 }
      findings.append(s.finding(r, e, confidence: 1, "\(e - r + 1) frame\(e > r ? "s" : "") decoded with errors (damage concealed)",
                                .corruptFrames(count: e - r + 1)))
      r = e + 1
    }
    if let d = s.damage, d.corruptPackets > 0 || d.readErrors > 0 || d.truncated {
      findings.append(s.finding(max(0, n - 1), max(0, n - 1), confidence: 1, d.summary, .damage(d)))
    }
    return findings
  }
}
