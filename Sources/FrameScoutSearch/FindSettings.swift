import FrameScoutCore
import FrameScoutMedia

/// Settings of `framescout find`: one table feeding `--help`, the range checks and the
/// JSON `parameters` (a report puts the target picture's facts before them).
public struct FindSettings: Sendable {
  /// Smallest NCC score (−1…1) that counts as the target being visible. Default 0.75.
  public var minimumScore = FindSettings.defaultMinimumScore
  /// How far the matched window's brightness and contrast may be from the target's, as a
  /// ratio (NCC alone ignores both, so a smooth dark target would match any gradient).
  /// Default 2: from half to twice the target's mean and standard deviation.
  public var appearanceRatio = 2.0
  /// The target's mean colour; when set, a match must be of a similar colour (in frames
  /// that have colour planes): within max(12, half the target's saturation) in U/V.
  public var targetColour: Chroma?
  /// Range of the object's size in the footage relative to the target picture's size.
  public var scales: ClosedRange<Double> = FindSettings.defaultScales
  /// Sample every N-th frame; nil samples keyframes at least `keyframeSpacing` s apart.
  public var every: Int?
  public var keyframeSpacing = FindSettings.defaultKeyframeSpacing
  /// Where to look, in source pixels (nil: the whole frame).
  public var region: RegionSpec?
  /// Width of the analysis image; nil: chosen from the target picture and the frame
  /// (`TargetSearch.analysisWidth`), and stated so in a report.
  public var analysisWidth: Int?
  public var threads = 0
  public var open = OpenOptions()
  public init() {}

  public static let defaultMinimumScore = 0.75
  public static let defaultScales = 0.5...2.0
  public static let defaultKeyframeSpacing = 1.0
}

extension FindSettings: EngineSettings {
  public func validate() throws(SettingError) {
    if !(scales.lowerBound > 0 && scales.upperBound <= 8) {
      throw SettingError("scales", "must be MIN-MAX with 0 < MIN <= MAX <= 8, e.g. 0.5-2.0")
    }
    if !(minimumScore > 0 && minimumScore < 1) { throw SettingError("min_score", "must be between 0 and 1") }
    if let every, every < 1 { throw SettingError("every", "must be 1 or more") }
    if !(keyframeSpacing > 0 && keyframeSpacing <= 600) { throw SettingError("spacing", "must be between 0 and 600 seconds") }
    if let analysisWidth, analysisWidth < 16 { throw SettingError("analysis_width", "must be 16 pixels or more") }
  }

  /// roi, min_score, scales, every, spacing (null when sampling every N-th frame),
  /// analysis_width, colour (null: shapes only).
  public var parameters: [(String, JSONValue)] {
    [("roi", .optional(region?.text)), ("min_score", .double(minimumScore)),
     ("scales", .array([.double(scales.lowerBound), .double(scales.upperBound)])),
     ("every", .optional(every)), ("spacing", every == nil ? .double(keyframeSpacing) : .null),
     ("analysis_width", .optional(analysisWidth)),
     ("colour", targetColour.map { .array([.double(JSONValue.rounded($0.u, 2)), .double(JSONValue.rounded($0.v, 2))]) } ?? .null)]
  }
}
