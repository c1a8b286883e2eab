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

extension AuditSettings: EngineSettings {
  public func validate() throws(SettingError) {
    try SettingCheck.within(gapFactor, 1...100, "gap_factor")
    try SettingCheck.within(irregularTolerance, 0...1, "irregular_tolerance")
    try SettingCheck.within(variableRateFraction, 0...1, "variable_rate_fraction")
    try SettingCheck.within(Double(minimumMotion), 0...1, "minimum_motion")
    try SettingCheck.within(Double(duplicateFraction), 0...1, "duplicate_fraction")
    try SettingCheck.within(Double(discontinuityMinimum), 0...2, "discontinuity_minimum")
    try SettingCheck.within(Double(discontinuityRatio), 1...100, "discontinuity_ratio")
  }

  /// The thresholds as `audit --json` and `batch --audit` state them.
  public var parameters: [(String, JSONValue)] {
    [("gap_factor", .double(gapFactor)), ("irregular_tolerance", .double(irregularTolerance)),
     ("variable_rate_fraction", .double(variableRateFraction)), ("minimum_motion", .double(Double(minimumMotion))),
     ("duplicate_fraction", .double(Double(duplicateFraction))), ("discontinuity_minimum", .double(Double(discontinuityMinimum))),
     ("discontinuity_ratio", .double(Double(discontinuityRatio)))]
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
    let encoder = EncoderCheck().run(s)
    var findings = timestamps.findings + FrameRateConversion.merge(duplicates.findings, in: s) + cuts + encoder.findings
      + DamageCheck.run(s)
    findings.sort { ($0.start.frame, $0.kind.rawValue) < ($1.start.frame, $1.kind.rawValue) }
    return AuditResult(findings: findings, frames: s.count, nominalInterval: timed ? nominal : nil,
                       keyframeInterval: encoder.keyframeInterval, warnings: warnings)
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
