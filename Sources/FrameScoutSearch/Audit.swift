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
  /// …and, where something moves locally before it, its local motion at most this fraction
  /// of that motion (a copy has no step of its own).
  public var duplicateMotion: Float = 0.5
  /// A content discontinuity: normalised-grid distance to the previous frame at least this
  /// (standard deviations of the grid per cell)…
  public var discontinuityMinimum: Float = 0.12
  /// …and this many times the change of the frames around it.
  public var discontinuityRatio: Float = 4
  /// A jump of the grid is a change of light, not a discontinuity, when at least this
  /// fraction of the picture changed…
  public var lightChanged: Float = 0.25
  /// …at least this fraction of it was textured before…
  public var lightTextured: Float = 0.1
  /// …and at least this fraction of that kept its texture (`Relighting`).
  public var lightKept: Float = 0.6
  /// Local motion (`FingerprintStream.motion`, grey levels per pixel above the noise) below
  /// which nothing is taken to move: the motion detectors stay silent there.
  public var minimumLocalMotion: Float = 0.003
  /// Frames on each side of a frame that its local motion is measured against.
  public var motionWindow = 5
  /// Steady motion: the largest step of a window at most this many times the smallest.
  public var steadyRatio: Float = 3
  /// Motion goes on: the steady motion after a jump within this factor of the motion
  /// before it (a person vanishing at once, or walking into the dark, is no removed frame).
  public var continuityRatio: Float = 3
  /// A removed frame (`JumpCheck`): a step at least this many times the steady steps
  /// around it…
  public var jumpRatio: Float = 1.3
  /// …at least this fraction of the two-step motion around it…
  public var twoStepRatio: Float = 0.85
  /// …both neighbouring steps at most this fraction of it…
  public var isolation: Float = 0.75
  /// …the two-step motion around it at least this many times the single steps (coherent
  /// motion, not rain or noise)…
  public var coherence: Float = 1.3
  /// …the product of the two ratios at least this…
  public var jumpScore: Float = 1.4
  /// …with at least this fraction of it where the previous frame moved.
  public var onTrackFraction: Float = 0.7
  /// Where the displacement is measured (`CellFlow`), a removed frame instead needs its
  /// displacement at least this many times the steady steps' (a removed frame doubles it)…
  public var displacementRatio: Float = 1.5
  /// …measured on the analysis picture while the steady steps are at most this many pixels
  /// (Lucas–Kanade's range), on the half picture beyond.
  public var fineRange: Float = 1
  /// A repeated frame: local motion at most this fraction of the motion before it…
  public var pauseFraction: Float = 0.15
  /// …its whole-picture change at most this fraction of the change before it (the sensor
  /// noise is repeated too; a person who stops leaves the noise changing)…
  public var pauseChange: Float = 0.6
  /// …and motion again after it, at least this fraction of the motion before.
  public var resumeFraction: Float = 0.5
  /// A run of repeated frames lasting this long (seconds) is a frozen picture.
  public var freezeSeconds = 1.0
  public init() {}
}

extension AuditSettings: EngineSettings {
  public func validate() throws(SettingError) {
    try SettingCheck.within(gapFactor, 1...100, "gap_factor")
    try SettingCheck.within(irregularTolerance, 0...1, "irregular_tolerance")
    try SettingCheck.within(variableRateFraction, 0...1, "variable_rate_fraction")
    try SettingCheck.within(Double(minimumMotion), 0...1, "minimum_motion")
    try SettingCheck.within(Double(duplicateFraction), 0...1, "duplicate_fraction")
    try SettingCheck.within(Double(duplicateMotion), 0...1, "duplicate_motion")
    try SettingCheck.within(Double(discontinuityMinimum), 0...2, "discontinuity_minimum")
    try SettingCheck.within(Double(discontinuityRatio), 1...100, "discontinuity_ratio")
    try SettingCheck.within(Double(lightChanged), 0...1, "light_changed")
    try SettingCheck.within(Double(lightTextured), 0...1, "light_textured")
    try SettingCheck.within(Double(lightKept), 0...1, "light_kept")
    try SettingCheck.within(Double(minimumLocalMotion), 0...10, "minimum_local_motion")
    try SettingCheck.within(Double(motionWindow), 2...50, "motion_window")
    try SettingCheck.within(Double(steadyRatio), 1...100, "steady_ratio")
    try SettingCheck.within(Double(continuityRatio), 1...100, "continuity_ratio")
    try SettingCheck.within(Double(jumpRatio), 1...100, "jump_ratio")
    try SettingCheck.within(Double(twoStepRatio), 0...10, "two_step_ratio")
    try SettingCheck.within(Double(jumpScore), 0...100, "jump_score")
    try SettingCheck.within(Double(coherence), 0...10, "coherence")
    try SettingCheck.within(Double(onTrackFraction), 0...1, "on_track_fraction")
    try SettingCheck.within(Double(displacementRatio), 1...100, "displacement_ratio")
    try SettingCheck.within(Double(fineRange), 0.1...8, "fine_range")
    try SettingCheck.within(Double(pauseFraction), 0...1, "pause_fraction")
    try SettingCheck.within(Double(resumeFraction), 0...1, "resume_fraction")
    try SettingCheck.within(Double(pauseChange), 0...1, "pause_change")
    try SettingCheck.within(Double(isolation), 0...1, "isolation")
    try SettingCheck.within(freezeSeconds, 0.1...3600, "freeze_seconds")
  }

  /// The thresholds as `audit --json` and `batch --audit` state them.
  public var parameters: [(String, JSONValue)] {
    [("gap_factor", .double(gapFactor)), ("irregular_tolerance", .double(irregularTolerance)),
     ("variable_rate_fraction", .double(variableRateFraction)), ("minimum_motion", .double(Double(minimumMotion))),
     ("duplicate_fraction", .double(Double(duplicateFraction))),
     ("duplicate_motion", .double(Double(duplicateMotion))), ("discontinuity_minimum", .double(Double(discontinuityMinimum))),
     ("discontinuity_ratio", .double(Double(discontinuityRatio))), ("light_changed", .double(Double(lightChanged))),
     ("light_textured", .double(Double(lightTextured))), ("light_kept", .double(Double(lightKept))),
     ("minimum_local_motion", .double(Double(minimumLocalMotion))), ("motion_window", .int(motionWindow)),
     ("steady_ratio", .double(Double(steadyRatio))), ("continuity_ratio", .double(Double(continuityRatio))), ("jump_ratio", .double(Double(jumpRatio))),
     ("two_step_ratio", .double(Double(twoStepRatio))), ("jump_score", .double(Double(jumpScore))), ("coherence", .double(Double(coherence))),
     ("on_track_fraction", .double(Double(onTrackFraction))), ("displacement_ratio", .double(Double(displacementRatio))),
     ("fine_range", .double(Double(fineRange))), ("pause_fraction", .double(Double(pauseFraction))),
     ("resume_fraction", .double(Double(resumeFraction))),
     ("pause_change", .double(Double(pauseChange))), ("isolation", .double(Double(isolation))), ("freeze_seconds", .double(freezeSeconds))]
  }
}

/// Everything `FrameAudit` found in one file.
public struct AuditResult: Sendable {
  /// In frame order (kinds alphabetically at the same frame).
  public var findings: [AuditFinding]
  public var frames: Int
  public var nominalInterval: Double?
  public var keyframeInterval: Int?
  public var warnings: [String]
  /// Jumps of the picture that are changes of light (no findings), in frame order.
  public var lighting: [LightingChange] = []
}

/// A jump of the picture's layout where the texture stayed: a light switched on or off.
public struct LightingChange: Sendable, Hashable {
  public var frame: Int
  public var time: Double
  /// The normalised grid's distance to the previous frame (as `discontinuity`).
  public var gridDistance: Double
  /// The fraction of the picture that changed, and of its textured part the fraction whose
  /// texture stayed (`Relighting`).
  public var changed: Double
  public var kept: Double
}

/// Audits one file's fingerprints for signs of editing or recording faults: timestamp gaps,
/// non-monotonic or irregular timestamps, duplicated frames, content discontinuities,
/// keyframe-interval and picture-format changes, and damaged data. Findings are worded as
/// observations, never as conclusions about intent.
///
/// Each concern is a detector (AuditDetectors.swift) over the stream's signals; a later
/// detector is told which frames an earlier one explained (the frame after a timestamp gap
/// is no duplicate and no discontinuity; the jump at the end of a duplicate run is no
/// discontinuity).
public struct FrameAudit {
  /// What the audit can and cannot see, as reports state it.
  public static let guarantee =
    "Timestamp gaps and steps, keyframe and format changes and damaged data are found wherever they are. Removed, repeated "
    + "and frozen frames are found only from the pictures while something in them moves steadily (a walking person): a "
    + "cut or a repeat while nothing moves leaves no trace and cannot be detected, nor can a repeat in a still scene, a "
    + "single removed frame where the motion is slow, saturated or irregular (rain, noise), or copies re-encoded as the "
    + "skipped frames an encoder's rate control also makes. No finding is no proof that nothing was removed."
  public let settings: AuditSettings
  public init(settings: AuditSettings = AuditSettings()) { self.settings = settings }

  public func audit(_ s: FingerprintStream) -> AuditResult {
    var warnings = s.warnings
    let timed = s.timingSource == .pts && s.pts.contains { $0 != nil }
    let nominal = timed ? (s.medianInterval ?? s.clock.frameDuration) : s.clock.frameDuration
    if !timed { warnings.append("no frame timestamps (\(s.timingSource.rawValue)): timestamp checks skipped") }
    let timestamps = timed ? TimestampCheck(settings: settings).run(s, nominal: nominal) : (findings: [], gapFrames: [])
    let motion = s.layoutChange
    let duplicates = DuplicateCheck(settings: settings).run(s, motion: motion, skipping: timestamps.gapFrames)
    let cuts = DiscontinuityCheck(settings: settings).run(s, motion: motion, skipping: timestamps.gapFrames.union(duplicates.runEnds))
    let found = timestamps.gapFrames.union(duplicates.findings.flatMap { Array($0.start.frame...$0.end.frame) })
      .union((cuts.findings.map(\.start.frame) + cuts.lighting.map(\.frame)).flatMap { [$0 - 1, $0, $0 + 1] })
    let pauses = PauseCheck(settings: settings).run(s, skipping: found.union(duplicates.runEnds))
    let paused = pauses.duplicates.flatMap { Array($0.start.frame...$0.end.frame) } + pauses.frozen.flatMap { Array($0.start.frame...$0.end.frame) }
    let jumps = JumpCheck(settings: settings).run(s, skipping: found.union(duplicates.runEnds).union(pauses.runEnds).union(paused))
    let encoder = EncoderCheck().run(s)
    var findings = timestamps.findings + FrameRateConversion.merge((duplicates.findings + pauses.duplicates).sorted { $0.start.frame < $1.start.frame }, in: s) + cuts.findings
      + pauses.frozen + jumps + encoder.findings + DamageCheck.run(s)
    findings.sort { ($0.start.frame, $0.kind.rawValue) < ($1.start.frame, $1.kind.rawValue) }
    return AuditResult(findings: findings, frames: s.count, nominalInterval: timed ? nominal : nil,
                       keyframeInterval: encoder.keyframeInterval, warnings: warnings, lighting: cuts.lighting)
  }
}

extension FingerprintStream {
  /// Frame-to-frame change of the normalised 16x9 grid: motion of the picture's layout,
  /// blind to lighting changes and to sensor noise (cells average it away). 0 for frame 0
  /// and where the picture format changes.
  var layoutChange: [Float] {
    var g = [Float](repeating: 0, count: count)
    for k in 1..<max(1, count) where formats.allSatisfy({ $0.frame != k }) { g[k] = gridDistance(k, k - 1) }
    return g
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
