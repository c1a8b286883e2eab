import FrameScoutCore
import FrameScoutMedia
import Foundation

// The audit's motion-continuity detectors, on the local motion signal (`LocalMotion`,
// `FingerprintStream.motion`): what a walking person's steps say about the frames between
// them. A person walking steadily changes about the same amount of picture from one frame
// to the next; a frame that was removed doubles one step (12 removed: one big jump), a
// repeated frame has no step at all (its difference is the encoder's noise floor), and a
// frozen picture has none for a long while, then one jump back to the live picture.
// Nothing of this can be seen while nothing moves: a cut or a repeat in a still scene
// leaves no trace in the pictures (`FrameAudit.guarantee`).

/// 6. Repeated and frozen pictures amid motion: frames whose local motion drops to the
/// noise floor (and whose whole-picture change drops with it: the sensor noise is frozen
/// too) while someone moves steadily before and moves again after. Runs shorter than
/// `freezeSeconds` are duplicates, longer ones frozen pictures. Frames in `skipped` (found
/// by the grid detector or after a timestamp gap) are left alone. Also tells the frame
/// after each run: its jump back into motion (a freeze, or copies that replaced frames)
/// is no removal.
struct PauseCheck {
  let settings: AuditSettings

  func run(_ s: FingerprintStream, skipping skipped: Set<Int>) -> (duplicates: [AuditFinding], frozen: [AuditFinding], runEnds: Set<Int>) {
    let n = s.count, m = s.motion, c = s.change
    var duplicates: [AuditFinding] = [], frozen: [AuditFinding] = [], runEnds = Set<Int>()
    guard m.count == n, n > 8 else { return ([], [], []) }
    let w = settings.motionWindow
    var k = w + 1
    while k < n - 2 {
      let before = median(m, k - w, k - 1), cBefore = median(c, k - w, k - 1)
      // A keyframe re-codes a repeated picture's noise: its change (and its neighbour's, with
      // reordered frames) does not drop, its local motion does.
      // Nothing in a copy moves: where displacements are measured, no moving cell of it may
      // have moved (re-encoded copies and frozen pictures of the realistic corpus: none; a
      // starved encoder's run of tiny frames while a walker enters, audit_night_12fps #33–#40:
      // steps of 0.6–1.8 px in five of its eight frames).
      let measured = s.motionSpeed.count == n && s.motionSpeedCoarse.count == n
      func paused(_ f: Int) -> Bool {
        let recoded = (max(0, f - 1)...min(n - 1, f + 1)).contains { s.isKeyframe[$0] }
        let moved = measured && !recoded && (s.motionSpeed[f] > 0 || s.motionSpeedCoarse[f] > 0)
        return m[f] <= settings.pauseFraction * before && (c[f] <= settings.pauseChange * cBefore || recoded) && !moved
          && !skipped.contains(f)
      }
      // Steady up to the repeat: a person slowing down to stop is no repeated frame.
      guard before >= settings.minimumLocalMotion, steady(m, k - w, k - 1), m[k - 1] >= 0.7 * before, paused(k) else {
        k += 1; continue
      }
      var e = k
      while e + 1 < n && paused(e + 1) { e += 1 }
      let after = median(m, min(n - 1, e + 2), min(n - 1, e + w))
      // Motion resumes steadily, at about the level it had: a person who stops and then
      // gestures is no repeated frame.
      let resumes = e + w < n && after >= settings.resumeFraction * before && after <= settings.continuityRatio * before
        && steady(m, e + 2, e + w)
      if resumes && !encoderSkipped(s, k...e, before: before) {
        let f = pause(s, k...e, before: before, after: after, changeBefore: cBefore)
        if case .frozen = f.evidence { frozen.append(f) } else { duplicates.append(f) }
        runEnds.insert(e + 1)
      }
      k = e + 1
    }
    return (duplicates, frozen, runEnds)
  }

  /// Frames the encoder's rate control skipped: shorter than a freeze, three in four packets
  /// of the run a few dozen bytes (under 1/16 of the median packet; the last may carry
  /// the catch-up), and the frame after the run catching up on the motion they skipped (a
  /// step of at least 1.5 steady steps). A CBR encoder starved by large frames does that
  /// (the realistic corpus's x264 at 1.2–1.5 Mbit/s: runs of 4–8 frames of 35–280 bytes,
  /// most just before a keyframe). Copies that replaced frames during motion and were
  /// re-encoded as skipped frames look the same and are not reported (the guarantee).
  func encoderSkipped(_ s: FingerprintStream, _ run: ClosedRange<Int>, before: Float) -> Bool {
    let e = run.upperBound
    guard s.time[e] - s.time[run.lowerBound - 1] < settings.freezeSeconds, e + 1 < s.count,
          s.motion[e + 1] >= 1.5 * before else { return false }
    let typical = medianD(s.packetSize.map(Double.init))
    return run.filter({ Double(s.packetSize[$0]) * 16 <= typical }).count * 4 >= run.count * 3
  }

  /// The finding for the run of frames `run`, copies of the frame before it.
  func pause(_ s: FingerprintStream, _ run: ClosedRange<Int>, before: Float, after: Float, changeBefore: Float) -> AuditFinding {
    let k = run.lowerBound, count = run.count
    let identical = run.allSatisfy { s.contentHash[$0] == s.contentHash[k - 1] }
    let at = run.map { s.motion[$0] }.max() ?? 0, change = run.map { s.change[$0] }.max() ?? 0
    let confidence = identical ? 1 : Double(max(0.5, min(0.99, 1 - at / before)))
    let how = identical ? "bit-identical" : "same picture, re-encoded"
    let seconds = s.time[run.upperBound] - s.time[k - 1]
    if seconds + 1e-9 >= settings.freezeSeconds {
      return s.finding(k, run.upperBound, confidence: confidence,
        "picture frozen for \(ms(seconds)) ms (\(count) frames the same as frame \(k - 1), \(how)) while the scene moved before and after",
        .frozen(copyOf: k - 1, frames: count, bitIdentical: identical, motionBefore: Double(before), motionAt: Double(at),
                motionAfter: Double(after), changeBefore: Double(changeBefore), changeAt: Double(change)))
    }
    return s.finding(k, run.upperBound, confidence: confidence,
      count == 1 ? "frame identical to previous (\(how)) while a moving part of the scene stands still for one frame"
                 : "\(count) frames identical to frame \(k - 1) (\(how)) while a moving part of the scene stands still",
      .pause(copyOf: k - 1, frames: count, bitIdentical: identical, motionBefore: Double(before), motionAt: Double(at),
             motionAfter: Double(after), changeBefore: Double(changeBefore), changeAt: Double(change)))
  }

  /// The motion of `m[a...b]` is steady: all of it moving, its largest and smallest step
  /// within `steadyRatio` of each other.
  func steady(_ m: [Float], _ a: Int, _ b: Int) -> Bool {
    let v = m[a...b]
    guard let lo = v.min(), let hi = v.max(), lo >= settings.minimumLocalMotion * 0.5 else { return false }
    return hi <= settings.steadyRatio * lo
  }
}

/// 7. Removed frames amid motion: one frame's step as large as two steps of the steady
/// motion around it. The step is measured twice. Its displacement (`CellFlow`, pixels the
/// moving parts moved: `d`, the frame's against the median of the steady steps around it)
/// doubles when a frame is removed and stays about 1 for steady walking. Its mass
/// (`LocalMotion`) against the single steps before and after (`r1`, the larger of the two
/// windows' medians) and against the two-step mass around it (`r2`, the frame against the one
/// two before it: about 1 for a removed frame, 0.5–0.8 for steady motion, higher the more a
/// step saturates) grows less than twice once a step is wider than a limb.
///
/// Every candidate needs r1 ≥ `jumpRatio` and r2 ≥ `twoStepRatio` (more picture changed
/// than in a steady step, about as much as in two), the motion around it steady and
/// coherent (two steps at least `coherence` times one: rain, sensor noise and flicker change
/// as much in one frame as in two — TestVideos rain_ir 1.0–1.2 — so a doubled step means
/// nothing there), `onTrackFraction` of its mass where the previous frame moved (a light
/// switched on, a gain step or a cloud changes the whole picture instead), and the step
/// isolated: both neighbouring steps at most `isolation` of it (in rain two large steps
/// follow each other, TestVideos rain_ir #214–#215). Where the displacement is measured the
/// decision is on it: d ≥ `displacementRatio`, isolated in displacement; elsewhere (nothing
/// textured enough moves) on the mass: r1·r2 ≥ `jumpScore`, isolated in mass.
///
/// Measured on the realistic manipulated clips: removed single frames d 1.75–2.4 (r1·r2
/// 1.33–1.86), 3 or 12 removed 2.3–3.6; steady walking past every other gate d ≤ 1.54, and
/// then not isolated in displacement (0.84, 1.01). The mass alone could not tell them: steady
/// walking reached r1·r2 1.42, three of eight single removals stayed under 1.4.
struct JumpCheck {
  let settings: AuditSettings

  func run(_ s: FingerprintStream, skipping skipped: Set<Int>) -> [AuditFinding] {
    let n = s.count, m = s.motion, w = settings.motionWindow
    guard m.count == n, s.motionTwoStep.count == n, n > 2 * w + 3 else { return [] }
    let pauses = PauseCheck(settings: settings)
    var findings: [AuditFinding] = []
    for k in (w + 2)..<(n - w - 1) where !skipped.contains(k) {
      let before = median(m, k - w, k - 1), after = median(m, k + 1, k + w)
      let level = max(before, after)
      guard level >= settings.minimumLocalMotion, m[k] >= settings.jumpRatio * level,
            pauses.steady(m, k - w, k - 1), pauses.steady(m, k + 1, k + w),
            level <= settings.continuityRatio * min(before, after),
            s.motionOnTrack[k] >= settings.onTrackFraction * m[k], !pictureWide(s, k) else { continue }
      // The two-step mass around k, leaving out k and k + 1 (both span the jump).
      let two = median(Array(s.motionTwoStep[(k - w)..<k]) + Array(s.motionTwoStep[(k + 2)...(k + w + 1)]), 0, 2 * w - 1)
      let r1 = m[k] / level, r2 = two > 0 ? m[k] / two : 0
      let steps = aroundMedian(m, k)
      guard r2 >= settings.twoStepRatio, two >= settings.coherence * steps else { continue }
      if let d = displacement(s, k) {
        guard d.at >= settings.displacementRatio * d.level, max(d.before, d.after) <= settings.isolation * d.at else { continue }
        findings.append(jump(s, k, before: before, after: after, twoStep: two, r1: r1, r2: r2, displacement: d))
      } else {
        guard r1 * r2 >= settings.jumpScore, max(m[k - 1], m[k + 1]) <= settings.isolation * m[k] else { continue }
        findings.append(jump(s, k, before: before, after: after, twoStep: two, r1: r1, r2: r2, displacement: nil))
      }
    }
    return findings
  }

  /// The median of `v` over the motion window on both sides of `k`, leaving out `k`.
  func aroundMedian(_ v: [Float], _ k: Int) -> Float {
    let w = settings.motionWindow
    return median(Array(v[(k - w)..<k]) + Array(v[(k + 1)...(k + w)]), 0, 2 * w - 1)
  }

  /// Frame k's displacement, its neighbours' and the steady level around it: on the analysis
  /// picture while the steady steps are within its range (`fineRange` pixels), on the half
  /// picture beyond it. Nil where no displacement was measured (too little texture moves).
  func displacement(_ s: FingerprintStream, _ k: Int) -> (at: Float, before: Float, after: Float, level: Float, coarse: Bool)? {
    guard s.motionSpeed.count == s.count, s.motionSpeedCoarse.count == s.count else { return nil }
    let fine = aroundMedian(s.motionSpeed, k)
    let coarse = fine > settings.fineRange
    let v = coarse ? s.motionSpeedCoarse : s.motionSpeed
    let level = coarse ? aroundMedian(v, k) : fine
    guard level > 0, v[k] > 0 else { return nil }
    return (v[k], v[k - 1], v[k + 1], level, coarse)
  }

  /// Frame k's mass off the track of the motion stands out from the frames around it: the
  /// whole picture changed a little (a keyframe re-coding night noise: on ir_bag_left 0.05
  /// off the track against 0.003 around), which no removed frame does.
  func pictureWide(_ s: FingerprintStream, _ k: Int) -> Bool {
    let w = settings.motionWindow
    let off = (k - w...k + w).map { s.motion[$0] - s.motionOnTrack[$0] }
    let around = median(off.enumerated().filter { $0.offset != w }.map(\.element), 0, 2 * w - 1)
    return off[w] > 0.15 * s.motion[k] && off[w] > 2 * around
  }

  func jump(_ s: FingerprintStream, _ k: Int, before: Float, after: Float, twoStep: Float, r1: Float, r2: Float,
            displacement d: (at: Float, before: Float, after: Float, level: Float, coarse: Bool)?) -> AuditFinding {
    let ratio = d.map { $0.at / $0.level } ?? r1 * r2
    let missing = max(1, Int((d.map { $0.at / $0.level } ?? 2 * r2).rounded()) - 1)
    let how = d.map { String(format: "the moving parts move %.1fx as far as in the steady steps around it (%.2f against %.2f px)", $0.at / $0.level, $0.at, $0.level) + ", " } ?? ""
    return s.finding(k, k, confidence: Double(min(0.95, 0.3 + 0.35 * log2(ratio))),
      "motion jumps between frames \(k - 1) and \(k): \(how)a step \(String(format: "%.1f", r1))x the steady steps before and after, \(String(format: "%.1f", r2))x two of them (as if about \(missing) frame\(missing == 1 ? " were" : "s were") missing)",
      .motionJump(motionBefore: Double(before), motionAt: Double(s.motion[k]), motionAfter: Double(after), twoStepAround: Double(twoStep),
                  onTrack: Double(s.motionOnTrack[k]), noiseThreshold: Int(s.noiseThreshold[k]), estimatedMissing: missing,
                  displacement: d.map { AuditFinding.Evidence.Displacement(before: Double($0.before), at: Double($0.at), after: Double($0.after),
                                                                          coarse: $0.coarse) }))
  }
}
