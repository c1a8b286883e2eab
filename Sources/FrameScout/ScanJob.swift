import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch

/// `scan` as a library call: motion events in the footage of one camera (several files are
/// one timeline, in the given order). Opening the job reads every file's facts and checks
/// the settings against them; `run` scans and returns the report, which writes itself
/// (JSON, CSV, text) and its thumbnails and clips.
///
/// ```swift
/// var report = try ScanJob(files: ["cam3.mp4"], settings: ScanSettings()).run()
/// try report.writeThumbnails(into: "thumbs")
/// for e in report.events { print(e.start.timecode, e.end.timecode, e.thumbnail ?? "") }
/// ```
public struct ScanJob {
  /// The settings, with the time window resolved on the first file.
  public var settings: ScanSettings { scanner.settings }
  public var timeline: Timeline { scanner.timeline }
  /// The regions and analysis size on the first file.
  public var geometry: ScanGeometry { scanner.geometry }
  let scanner: MotionScanner
  /// Read every input once more for its SHA-256 and size, for the report's `inputs` (its
  /// JSON); off, the report has no inputs (a caller that writes no JSON saves a read).
  public var recordsInputs = true
  /// Every analysed frame's score, threshold and pixel threshold as CSV into this file.
  public var statsPath: String?
  /// Called for every analysed frame, on the thread that runs the job.
  public var onSample: ((MotionSample) -> Void)?

  /// Opens `files` for their facts (read-only) and checks `settings` against them. `from`
  /// and `to`, when either is given, replace the settings' window (a frame number counts on
  /// the first file's clock). Throws a `MediaError` for a file that cannot be read, a
  /// `SettingError` naming the setting that does not fit, a `TimelineError` for files of
  /// different frame sizes, a `RegionError` when the regions leave nothing to scan.
  public init(files: [String], settings: ScanSettings, from: TimeSpec? = nil, to: TimeSpec? = nil) throws {
    guard !files.isEmpty else { throw TimelineError("no file to scan") }
    let timeline = try Timeline(paths: files, options: settings.open)
    var settings = settings
    if from != nil || to != nil {
      let window = try TimeWindow(from: from, to: to, clock: timeline.entries[0].clock)
      (settings.from, settings.to) = (window.from, window.to)
    }
    scanner = try MotionScanner(timeline: timeline, settings: settings)
  }

  /// Seconds of footage the scan covers, as far as the files' durations tell (the total
  /// of a progress bar; 0 or less when unknown).
  public var secondsToScan: Double {
    let total = timeline.entries.reduce(0.0) { $0 + ($1.duration ?? 0) }
    let start = settings.from ?? 0, end = settings.to.map { min($0, total) } ?? total
    return end - start
  }

  /// Scans. `progress` receives the seconds of footage scanned so far (see `secondsToScan`),
  /// on the calling thread.
  public func run(progress: (Double) -> Void = { _ in }) throws -> ScanReport {
    var scanner = self.scanner
    if statsPath != nil { scanner.decodesAllBecause = "--stats" }
    let stats = try statsPath.map { path throws(MediaError) in try ScanStats(path: path, files: timeline.entries.map(\.path)) }
    let onSample = self.onSample
    if stats != nil || onSample != nil {
      scanner.onSample = { sample in
        stats?.add(sample)
        onSample?(sample)
      }
    }
    let start = settings.from ?? 0
    let result = try scanner.run { progress($0 - start) }
    try stats?.commit()
    let inputs = recordsInputs ? try timeline.entries.map { entry throws(MediaError) in try InputRecord(entry) } : []
    return ScanReport(settings: settings, geometry: geometry, timeline: timeline, result: result, inputs: inputs)
  }
}
