import FrameScoutCore
import FrameScoutMedia

/// Settings of `framescout scan`: one table feeding `--help`, the checks and the JSON
/// `parameters`.
public struct ScanSettings: EngineSettings {
  /// Regions to watch for motion (their union); empty: the whole frame.
  public var regions: [RegionSpec] = []
  /// Regions to ignore (an on-screen clock, a swaying tree).
  public var excludes: [RegionSpec] = []
  /// Motion score (0…1, the changed fraction of the busiest grid cell) at or above which a
  /// frame shows motion. nil: automatic (`defaultThreshold`).
  public var threshold: Double?
  /// Seconds of motion (gaps under `bridge` included) before it counts as an event.
  public var minEvent: Double = 0.4
  /// Events closer than this (seconds) are merged into one.
  public var mergeGap: Double = 2
  /// Padding before and after each event for clips and the `padded` range (seconds).
  public var pre: Double = 1.5
  public var post: Double = 2
  /// Analysis width in pixels (the frame is reduced to this width, aspect kept).
  public var width = 320
  /// Analyse every Nth frame (frames in between are decoded, not analysed).
  public var every = 1
  /// Part of the timeline to scan, seconds from the start of the first file.
  public var from: Double?
  public var to: Double?
  /// Decoder threads (0: all cores).
  public var threads = 0
  public var open = OpenOptions()
  /// Decode one long file as keyframe-aligned chunks on all cores (one single-threaded
  /// decoder per core) instead of one frame-threaded decoder. nil: automatic (all threads
  /// asked, no --from/--to, at least `chunkedMinimumDuration` seconds, an MP4/MKV-style
  /// frame table with a keyframe on frame 0). Same frames, same order, same events.
  public var chunked: Bool?
  /// Smallest chunk, in frames (a chunk runs from a keyframe to the first keyframe at
  /// least this many frames later).
  public var chunkFrames = 125
  /// Decode every frame (`--decode-all`). Off: an MP4/MOV file's GOPs whose packets show
  /// no activity (`PacketActivity`) are skipped where the engine is idle; same events.
  public var decodeAll = false
  public static let chunkedMinimumDuration = 60.0

  public init() {}

  /// Motion threshold used when none is given. Noise stays under ~0.02 on the test clips
  /// (night footage included, thanks to the noise-adaptive pixel threshold); a person
  /// walking scores 0.15–0.6 in the cells they cross.
  public static let defaultThreshold = 0.06
  /// Gaps in the motion shorter than this (seconds) do not end it (a person standing
  /// still for a moment between steps).
  public static let bridge = 0.4
  /// Longest time (seconds) a still presence holds an event open after its last motion
  /// (a car that parks is an event; the driver getting out ten minutes later is another).
  public static let stillLimit = 60.0
  /// Seconds between the frames that are differenced: motion is measured over 80 ms
  /// (2 frames at 25 fps), which doubles a slow walker's signal over the frame-to-frame one.
  public static let lag = 0.08
  /// Pixel change threshold = max(`minimumPixelThreshold`, `noiseFactor` × the 90th
  /// percentile of |difference| over the frame (median over the last 15 frames)).
  public static let noiseFactor = 2.0
  public static let madCap = 8.0
  /// A cell counts with its lowest changed fraction over this many consecutive analysed
  /// frames: a burned-in clock's tick (one changed frame, seen in 2 differences) or a
  /// compression pulse at a keyframe is never motion; a walker covers a cell for many frames.
  public static let persistence = 3
  public static let minimumPixelThreshold = 10
  /// Robust standard deviations of the cells' changed fractions over their median that a
  /// frame's clutter (rain, snow: change in every cell at once) adds (see `MotionScorer`).
  public static let clutterSpread = 3.0
  /// Analysed frames over which a cell's idle changed fraction (what its grain alone keeps
  /// over the pixel threshold) is averaged: 10 s at 25 fps, slow beside any motion.
  public static let idleFrames = 250
  /// Grid of motion cells (16×9: square cells on 16:9 video).
  public static let columns = 16, rows = 9
  /// Durations (`min_event`, `merge_gap`, `pre`, `post`) are seconds in this range.
  public static let durations = 0.0...3600
  /// Analysis widths allowed.
  public static let widths = 16...3840

  public var effectiveThreshold: Double { threshold ?? Self.defaultThreshold }

  /// The metric and its parameters, in words (reports state it beside the threshold).
  public static var metric: String {
    "changed fraction of the busiest of \(columns)x\(rows) cells, less the frame's clutter (median cell + \(SettingCheck.plain(clutterSpread)) robust deviations) and the cell's idle fraction (\(idleFrames) frames); pixel threshold max(\(minimumPixelThreshold), min(\(noiseFactor) x 90th percentile, \(madCap) x median of |difference|)) over \(Int(lag * 1000)) ms, the footage's (median of 15) or the frame's if higher"
  }

  /// The error of a duration setting that is not a duration in `durations`.
  public static func durationError(_ setting: String) -> SettingError {
    SettingError(setting, "must be a duration from \(SettingCheck.plain(durations.lowerBound)) to \(SettingCheck.plain(durations.upperBound)) s")
  }

  public func validate() throws(SettingError) {
    if let threshold, !(threshold > 0 && threshold <= 1) { throw SettingError("threshold", "must be more than 0 and at most 1") }
    for (name, value) in [("min_event", minEvent), ("merge_gap", mergeGap), ("pre", pre), ("post", post)] where !Self.durations.contains(value) {
      throw Self.durationError(name)
    }
    try SettingCheck.within(Double(width), Double(Self.widths.lowerBound)...Double(Self.widths.upperBound), "width")
    if every < 1 { throw SettingError("every", "must be 1 or more") }
    if threads < 0 { throw SettingError("threads", "must be 0 or more") }
    if chunkFrames < 1 { throw SettingError("chunk_frames", "must be 1 or more") }
    if let from, let to, to <= from { throw SettingError("to", "must be after `from`") }
  }

  /// Every effective setting as the JSON `parameters` state them, before any file is open:
  /// the regions as written and the requested analysis width (what a batch digests).
  public var parameters: [(String, JSONValue)] { parameters(on: nil) }

  /// The JSON `parameters` of a scan on `geometry` (resolved on the first file): with the
  /// regions in source pixels and the analysis width actually used.
  public func parameters(on geometry: ScanGeometry?) -> [(String, JSONValue)] {
    var fields: [(String, JSONValue)] = []
    if let geometry { fields.append(("roi", .array(geometry.regions.map { .rect($0.bounds) }))) }
    fields.append(("roi_spec", .array(regions.map { .string($0.text) })))
    if let geometry { fields.append(("exclude", .array(geometry.excludes.map { .rect($0.bounds) }))) }
    fields += [
      ("exclude_spec", .array(excludes.map { .string($0.text) })),
      ("threshold", .double(effectiveThreshold)), ("threshold_auto", .bool(threshold == nil)),
      ("min_event", .double(minEvent)), ("merge_gap", .double(mergeGap)),
      ("pre", .double(pre)), ("post", .double(post)),
      ("width", .int(geometry?.analysisWidth ?? width)), ("every", .int(every)),
      ("from", .optional(from)), ("to", .optional(to)),
      ("decode_all", .bool(decodeAll)),
      ("metric", .string(Self.metric)),
      ("stream", .optional(open.stream)), ("format", .optional(open.format)), ("fps", .optional(open.fps)),
    ]
    return fields
  }
}

/// What a scan's settings come to on its footage's frame (the first file's): the regions
/// in source pixels, and the size frames are analysed at.
public struct ScanGeometry: Sendable, Hashable {
  public let regions: [Region]
  public let excludes: [Region]
  public let sourceWidth: Int
  public let sourceHeight: Int
  public let analysisWidth: Int
  public let analysisHeight: Int

  /// Resolves the settings' regions (each at least 2×2 source pixels, inside the frame).
  public init(settings: ScanSettings, frameWidth: Int, frameHeight: Int) throws(SettingError) {
    var regions: [Region] = [], excludes: [Region] = []
    for spec in settings.regions { regions.append(try spec.resolve(frameWidth: frameWidth, frameHeight: frameHeight, minimum: 2, setting: "roi")) }
    for spec in settings.excludes { excludes.append(try spec.resolve(frameWidth: frameWidth, frameHeight: frameHeight, minimum: 2, setting: "exclude")) }
    self.regions = regions
    self.excludes = excludes
    sourceWidth = frameWidth
    sourceHeight = frameHeight
    analysisWidth = min(settings.width, frameWidth)
    analysisHeight = max(1, Int((Double(frameHeight) * Double(analysisWidth) / Double(frameWidth)).rounded()))
  }
}
