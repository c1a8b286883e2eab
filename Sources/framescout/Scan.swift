import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation

struct Scan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the motion events in footage (what DVR-Scan does).",
    discussion: """
      Several FILEs are one camera's timeline in the given order, each starting where the
      one before it truly ends (its last frame plus that frame's duration): an event may
      run on from one file into the next, and a file boundary is never an event.
      Each frame is reduced to --width gray pixels and differenced with the frame 80 ms
      earlier over a 16x9 grid of cells; a pixel counts as changed when its difference is
      over the footage's own noise (measured continuously), and a global lighting change is
      compensated before differencing. A cell's changed fraction is taken less what changes
      everywhere at once (rain, snow) and less what its own grain keeps changed. The score
      of a frame is the changed fraction of its busiest cell (inside the regions). Runs of
      frames at or over --threshold closer than --merge-gap merge into one event, which
      counts when it lasts --min-event. Start and end are the first and last frames with
      motion; --pre/--post pad the clips and the padded range. The box is that of the
      changed pixels, within the regions.
      Regions: x,y,w,h in source pixels (or with %, e.g. 10%,0,50%,100%), or a polygon
      x1,y1;x2,y2;x3,y3. --regions FILE reads one region a line (a line "exclude REGION"
      excludes; # starts a comment).
      """)

  @Argument(help: "Video files of one camera, in time order.") var files: [String]
  @Option(name: .customLong("roi"), help: "Scan only inside this region (repeatable: their union).") var rois: [String] = []
  @Option(name: .customLong("exclude"), help: "Ignore this region, e.g. a burned-in clock or a swaying tree (repeatable).")
  var excludes: [String] = []
  @Option(name: .customLong("regions"), help: "A file with one region a line; 'exclude REGION' lines exclude.") var regionFile: String?
  @Option(help: "Motion score 0–1 (changed fraction of the busiest grid cell) that counts as motion (default \(ScanSettings.defaultThreshold)).")
  var threshold: Double?
  @Option(help: "Shortest event (its runs of motion merged first).") var minEvent = durationText(ScanSettings().minEvent)
  @Option(help: "Events closer than this are merged.") var mergeGap = durationText(ScanSettings().mergeGap)
  @Option(help: "Padding before an event (clips, padded range).") var pre = durationText(ScanSettings().pre)
  @Option(help: "Padding after an event.") var post = durationText(ScanSettings().post)
  @Option(help: "Analysis width in pixels.") var width = ScanSettings().width
  @Option(help: "Analyse every N-th frame.") var every = ScanSettings().every
  @Option(help: "Scan from this time on the timeline (seconds, HH:MM:SS, #frame).") var from: TimeSpec?
  @Option(help: "Scan up to this time on the timeline.") var to: TimeSpec?
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Flag(help: "Write CSV, one row per event.") var csv = false
  @Option(help: "Write a JPEG of each event's peak frame, motion box drawn, into this folder.") var thumbnails: String?
  @Option(help: "Write each event as its own video file (stream copy, from the keyframe at or before the padded start) into this folder.")
  var clips: String?
  @Option(help: "Write a report folder: report.html (plays each event's clip), report.json, thumbs/, clips/.") var report: String?
  @Option(help: "Write every analysed frame's score as CSV (file, frame, time, timeline, score, threshold, pixel_threshold, lighting).")
  var stats: String?
  @Flag(help: "No progress bar.") var quiet = false
  @Flag(help: "Decode a long file as one stream with frame threads, not as keyframe chunks on all cores (same events; for comparison).")
  var sequential = false
  @Flag(help: "Decode every frame: do not skip the GOPs of an MP4/MOV file whose packets show no activity (same events; for comparison).")
  var decodeAll = false
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    if json && csv { throw ValidationError("--json and --csv cannot be used together") }
    _ = try settings()
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
    if let clips { try checkFolder(clips, inputs: files) }
    if let stats { try checkOutput(stats, inputs: files) }
    try checkReportFolder(report, thumbnails: thumbnails, clips: clips, inputs: files)
  }

  /// The settings the options ask for: the text parsed here, the ranges checked by
  /// `ScanSettings.validate()`.
  func settings() throws -> ScanSettings {
    var settings = ScanSettings()
    let durations = [("min_event", minEvent), ("merge_gap", mergeGap), ("pre", pre), ("post", post)]
    func usage(_ error: SettingError) -> ValidationError {
      guard let text = durations.first(where: { $0.0 == error.setting })?.1 else { return error.usage }
      return ValidationError("\(error.flag) '\(text)' \(error.reason) (2s, 1.5, 00:00:02)")
    }
    var seconds: [Double] = []
    for (name, text) in durations {
      guard let v = parseDuration(text) else { throw usage(ScanSettings.durationError(name)) }
      seconds.append(v)
    }
    (settings.minEvent, settings.mergeGap, settings.pre, settings.post) = (seconds[0], seconds[1], seconds[2], seconds[3])
    settings.threshold = threshold
    settings.width = width
    settings.every = every
    settings.threads = threads
    settings.open = input.open
    if sequential { settings.chunked = false }
    settings.decodeAll = decodeAll
    do { try settings.validate() } catch { throw usage(error) }
    let regions = try regionList()
    (settings.regions, settings.excludes) = (regions.include, regions.exclude)
    return settings
  }

  /// The included and excluded regions from --roi, --exclude and --regions.
  func regionList() throws -> RegionList { try regionOptions(rois: rois, excludes: excludes, file: regionFile) }

  func run() throws {
    var job: ScanJob
    do { job = try ScanJob(files: files, settings: settings(), from: from, to: to) }
    catch let error as RegionError { throw ValidationError("regions: \(error)") }
    catch let error as TimelineError { throw ValidationError(error.description) }
    job.recordsInputs = json || self.report != nil
    job.statsPath = stats
    let progress = Progress(label: "scan", total: job.secondsToScan, enabled: !quiet)
    var (report, elapsed) = try timed { try job.run { progress.update($0) } }
    progress.finish()
    if let dir = thumbnails { try report.writeThumbnails(into: dir) }
    if let dir = clips {
      printWarnings(try report.writeClips(into: dir))
    }
    if let dir = self.report { printWarnings(try report.writeFolder(dir, commandLine: invocation)) }
    if json { print(report.json.serialized(), terminator: "") }
    else if csv { print(report.csv, terminator: "") }
    else { print(report.text(elapsed: elapsed), terminator: "") }
    if let dir = self.report, !json && !csv { print("report: " + ReportFolder.path(dir, "report.html")) }
    printWarnings(report.allWarnings)
  }
}
