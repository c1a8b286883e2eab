import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation

struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find the exact frame where an object in a region appears, disappears or changes.",
    discussion: """
      Several FILEs are one timeline in the given order (one camera's hourly files).
      Coarse-to-fine: the region is compared at keyframes (decoding nothing else), and only
      the interval where its stable state changed is decoded frame by frame. --exhaustive
      decodes every frame with the same rule and gives the same events.
      A state counts when it lasts --hold: a person walking past or standing briefly in
      front of the region is no event; lighting changes and noise are no event.
      """)

  @Argument(help: "Video files of one camera, in time order.") var files: [String]
  @Option(help: "The region to watch: x,y,w,h in source pixels (or with %), or a polygon x1,y1;x2,y2;… (its bounding box is used).")
  var roi: String?
  @Option(name: .customLong("regions"), help: "A file with the region to watch on one line (as `framescout pick` downloads it; # comments).")
  var regionFile: String?
  @Option(help: "How long a new state must last to count (3s, 1.5, 00:00:05).")
  var hold = durationText(WatchSettings.defaultHold)
  @Option(help: "Signature distance 0–1, beyond the region's own noise, above which it has changed.") var threshold = WatchSettings.defaultThreshold
  @Option(help: "Coarse mode: seconds between sampled keyframes (default: --hold).") var step: String?
  @Option(help: "Search from this time on the timeline (seconds, HH:MM:SS, #frame).") var from: TimeSpec?
  @Option(help: "Search up to this time on the timeline.") var to: TimeSpec?
  @Flag(help: "Decode every frame (slow; same rule, proves the coarse answer).") var exhaustive = false
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write before/after JPEGs of each event into this folder.") var thumbnails: String?
  @Option(help: "Write a report folder: report.html (plays each change's clip, before/after pictures), report.json, thumbs/, clips/.")
  var report: String?
  @Option(help: "Write every sample's signature distance to the current state as CSV (file, frame, time, timeline, distance, threshold, sample).")
  var stats: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  /// The settings the options give. A duration that does not parse is NaN: the settings
  /// reject it with their own range, naming the text given.
  func settings() throws -> WatchSettings {
    var s = WatchSettings(region: try region())
    s.hold = parseDuration(hold) ?? .nan
    s.step = step.map { parseDuration($0) ?? .nan }
    s.threshold = threshold
    s.exhaustive = exhaustive
    s.threads = threads
    s.open = input.open
    return s
  }

  /// The one region of --roi or --regions: watch follows a single region's look.
  func region() throws -> RegionSpec {
    let list = try regionOptions(rois: roi.map { [$0] } ?? [], excludes: [], file: regionFile)
    if !list.exclude.isEmpty { throw ValidationError("--regions \(regionFile ?? ""): watch takes no exclude lines (one region to watch)") }
    guard list.include.count == 1 else {
      throw ValidationError(list.include.isEmpty ? "give the region to watch: --roi x,y,w,h or --regions FILE"
                              : "watch follows one region: give --roi or a --regions file with one region line (\(list.include.count) given)")
    }
    return list.include[0]
  }

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    _ = try region()
    _ = try checkedSettings(settings) { ["hold": hold, "step": step][$0] ?? nil }
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
    if let stats { try checkOutput(stats, inputs: files) }
    try checkReportFolder(report, thumbnails: thumbnails, clips: nil, inputs: files)
  }

  func run() throws {
    var job = WatchJob(files: files, settings: try settings())
    (job.from, job.to) = (from, to)
    job.statsPath = stats
    job.recordsInputs = json || self.report != nil
    var (report, elapsed) = try timed { try job.run() }
    if let dir = thumbnails { try report.writeThumbnails(into: dir) }
    if let dir = self.report { printWarnings(try report.writeFolder(dir, commandLine: invocation)) }
    printReport(report, json: json, elapsed: elapsed)
    if let dir = self.report, !json { print("report: " + ReportFolder.path(dir, "report.html")) }
  }
}
