import FrameScoutCore
import FrameScoutMedia

/// Settings of `framescout watch`: one table feeding `--help`, the range checks and the
/// JSON `parameters`.
public struct WatchSettings: Sendable {
  /// The watched region, in source pixels (rectangle or polygon; its bounding box is used).
  public var region: RegionSpec
  /// Seconds a new state must last to count (a passer-by, or someone who stops in front
  /// of the region for a few seconds, is no event). 0.2…600, default 5.
  public var hold: Double = WatchSettings.defaultHold
  /// Signature distance (0…1) by which a frame must be farther from the region's state
  /// than the state's own noise explains to differ from it (see `RegionModel`). Default
  /// 0.2: compression, gain and a light switched stay under ~0.15 on both corpora once
  /// grain is accounted for, an object added or removed scores 0.25–1.
  public var threshold: Double = WatchSettings.defaultThreshold
  /// Coarse mode: seconds between sampled keyframes (nil: `hold`, so a state that lasts
  /// `hold` is seen at least once). Keyframes closer than this are skipped unread.
  public var step: Double?
  /// Decode every frame instead of coarse-to-fine (same decision rule, same events).
  public var exhaustive = false
  /// Part of the timeline to search, seconds from the start of the first file.
  public var from: Double?
  public var to: Double?
  /// Decoder threads (0: all cores).
  public var threads = 0
  public var open = OpenOptions()
  /// The frame size `region` is resolved on (the first file's), for the resolved `roi`
  /// of `parameters`; nil until a run knows it (`roi` is then empty).
  public var frameSize: (width: Int, height: Int)?

  public init(region: RegionSpec) { self.region = region }

  public static let defaultHold = 5.0
  public static let defaultThreshold = 0.2
  public static let holdRange = 0.2...600.0
  public static let stepRange = 0.04...600.0

  public var effectiveStep: Double { step ?? hold }
  public var mode: String { exhaustive ? "exhaustive" : "coarse" }
}

extension WatchSettings: EngineSettings {
  public func validate() throws(SettingError) {
    guard Self.holdRange.contains(hold) else { throw SettingError("hold", "must be a duration from 0.2 s to 600 s") }
    if let step, !Self.stepRange.contains(step) { throw SettingError("step", "must be a duration from 0.04 s to 600 s") }
    if !(threshold > 0 && threshold < 1) { throw SettingError("threshold", "must be between 0 and 1") }
    if threads < 0 { throw SettingError("threads", "must be 0 or more") }
    if let from, let to, to <= from { throw SettingError("to", "must be after `from`") }
  }

  /// roi (resolved on `frameSize`), roi_spec, hold, threshold, mode, step (null when
  /// exhaustive), from, to, stream, format, fps.
  public var parameters: [(String, JSONValue)] {
    let resolved = frameSize.flatMap { try? region.resolve(frameWidth: $0.width, frameHeight: $0.height) }
    return [
      ("roi", .array(resolved.map { [.rect($0.bounds)] } ?? [])), ("roi_spec", .string(region.text)), ("hold", .double(hold)),
      ("threshold", .double(threshold)), ("mode", .string(mode)), ("step", exhaustive ? .null : .double(effectiveStep)),
      ("from", .optional(from)), ("to", .optional(to)),
      ("stream", .optional(open.stream)), ("format", .optional(open.format)), ("fps", .optional(open.fps)),
    ]
  }
}
