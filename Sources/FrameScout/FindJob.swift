import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch

/// `find` as one call: the target picture loaded and checked, the files opened as one
/// timeline, the search run, and a report that writes itself. `framescout find` only
/// parses its options into this, and prints.
public struct FindJob: Sendable {
  public var files: [String]
  /// The picture to look for (a crop of the object; any image format FFmpeg reads).
  public var target: String
  public var settings: FindSettings
  /// Require the target's colour (false: shapes only, e.g. infrared night footage). The
  /// job sets `settings.targetColour` from the picture, or to nil.
  public var matchColour = true
  /// Whether the report's `inputs` are read (each file hashed once more, read-only, for
  /// its SHA-256). Text output does without.
  public var recordsInputs = true

  public init(files: [String], target: String, settings: FindSettings) {
    self.files = files
    self.target = target
    self.settings = settings
  }

  /// The smallest target picture (pixels a side) that can be matched.
  public static let minimumTargetSide = 8

  /// Runs the search. Throws `SettingError` for a setting out of range, a region or a
  /// target that does not fit the frame; `MediaError` for a target picture or input that
  /// cannot be read, or a target that is too small or blank.
  public func run() throws -> FindReport {
    try settings.validate()
    let (picture, colour) = try StillImage.load(path: target)
    try Self.check(picture, path: target)
    var settings = self.settings
    settings.targetColour = matchColour ? colour : nil
    let timeline = try Timeline(paths: files, options: settings.open)
    let finder = try ObjectFinder(timeline: timeline, target: picture, settings: settings)
    settings.analysisWidth = finder.analysisWidth
    let result = try finder.run()
    var inputs: [InputRecord] = []
    if recordsInputs { for e in timeline.entries { inputs.append(try InputRecord(e)) } }
    let facts = FindReport.Target(path: target, sha256: try FileDigest.sha256(path: target).hex,
                                  width: picture.width, height: picture.height)
    var report = FindReport(target: facts, settings: settings, inputs: inputs, matches: result.matches,
                            framesSampled: result.framesSampled, framesRefined: result.framesRefined, duration: result.duration,
                            warnings: result.warnings.map { Warning(file: $0.file, message: $0.message) })
    report.wallClocks = timeline.entries.map { ($0.path, $0.wallClock) }
    return report
  }

  /// A target picture must have some size and some detail to be matched.
  static func check(_ picture: GrayImage, path: String) throws(MediaError) {
    if picture.width < minimumTargetSide || picture.height < minimumTargetSide {
      throw MediaError(file: path, kind: .outOfRange, reason: "the target picture is \(picture.width)x\(picture.height): at least 8x8 pixels are needed")
    }
    let stats = picture.withView { RegionStatistics.measure($0) }
    if stats.standardDeviation < 2 {
      throw MediaError(file: path, kind: .outOfRange, reason: "the target picture is blank (no detail to match)")
    }
  }
}
