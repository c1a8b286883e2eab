import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation

struct Find: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find when and where a reference picture (a crop of the object) is visible in footage.",
    discussion: """
      The target is compared by lighting-normalised cross-correlation at every position of
      each sampled frame, at sizes from --scales (relative to the target picture). Frames are
      sampled sparsely (keyframes about --spacing apart, or every --every frames); consecutive
      hits form a range whose start and end are then found frame by frame.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Option(help: "The picture to look for (any image format FFmpeg reads).") var target: String
  @Option(help: "Only look inside this region: x,y,w,h in source pixels or %.") var roi: String?
  @Option(help: "Smallest match score (normalised cross-correlation, 0–1).") var minScore = FindSettings.defaultMinimumScore
  @Option(help: "Object size in the footage relative to the target picture, as MIN-MAX.")
  var scales = "\(FindSettings.defaultScales.lowerBound)-\(FindSettings.defaultScales.upperBound)"
  @Option(help: "Sample every N-th frame instead of keyframes.") var every: Int?
  @Option(help: "Seconds between sampled keyframes.") var spacing = FindSettings.defaultKeyframeSpacing
  @Flag(help: "Match shapes only: do not require the target's colour (e.g. infrared night footage).") var noColour = false
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write a JPEG of each range's best frame with the box drawn into this folder.") var thumbnails: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  /// --scales as MIN-MAX; 0…0 when the text is no such range (the settings reject it with
  /// their own rule, naming the text given).
  var scaleRange: ClosedRange<Double> {
    let parts = scales.split(separator: "-")
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), b >= a else { return 0...0 }
    return a...b
  }

  func settings() throws -> FindSettings {
    var s = FindSettings()
    s.open = input.open
    s.threads = threads
    s.region = try roi.map { try RegionSpec(parsing: $0) }
    s.minimumScore = minScore
    s.scales = scaleRange
    s.every = every
    s.keyframeSpacing = spacing
    return s
  }

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    _ = try checkedSettings(settings) { $0 == "scales" ? scales : nil }
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
  }

  func run() throws {
    var job = FindJob(files: files, target: target, settings: try settings())
    job.matchColour = !noColour
    job.recordsInputs = json
    var (report, elapsed) = try timed { try job.run() }
    if let dir = thumbnails { try report.writeThumbnails(into: dir) }
    printReport(report, json: json, elapsed: elapsed)
  }
}
