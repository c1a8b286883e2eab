import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// `watch` as one call: the files opened as one timeline, the region checked on the first
/// file's frame, the time window resolved on its clock, the search run, and a report that
/// writes itself. `framescout watch` only parses its options into this, and prints.
public struct WatchJob: Sendable {
  /// Video files of one camera, in time order (one timeline).
  public var files: [String]
  public var settings: WatchSettings
  /// The time window as a user gives it (seconds, or `#N` counted on the first file's
  /// clock); when set, replaces `settings.from` / `settings.to`.
  public var from: TimeSpec?
  public var to: TimeSpec?
  /// Where to write every sample's signature distance as CSV (see `WatchStats`), or nil.
  public var statsPath: String?
  /// The region's smallest side in source pixels: smaller regions compare chance texture
  /// (8, what `framescout watch` asks; a batch has only ever asked that it fits, 1).
  public var minimumRegionSide = 8
  /// Whether the report's `inputs` are read (each file hashed once more, read-only, for
  /// its SHA-256). Text output, and a batch that hashes its files itself, do without.
  public var recordsInputs = true

  public init(files: [String], settings: WatchSettings) {
    self.files = files
    self.settings = settings
  }

  /// Runs the search. `progress` receives timeline seconds reached. Throws `SettingError`
  /// for a setting out of range or a region that does not fit, `MediaError` for an input
  /// that cannot be read.
  public func run(progress: (Double) -> Void = { _ in }) throws -> WatchReport {
    try settings.validate()
    let timeline = try Timeline(paths: files, options: settings.open)
    let settings = try resolved(on: timeline.entries[0])
    let watcher = try RegionWatcher(timeline: timeline, settings: settings)
    let stats = try statsPath.map { path throws(MediaError) in try WatchStats(path: path, watcher: watcher) }
    let result = try watcher.run(progress: progress)
    try stats?.commit()
    var inputs: [InputRecord] = []
    if recordsInputs { for e in timeline.entries { inputs.append(try InputRecord(e)) } }
    var report = WatchReport(settings: settings, region: watcher.resolvedRegion, files: watcher.paths, inputs: inputs,
                             changes: result.changes, sampling: result.sampling,
                             warnings: result.warnings.map { Warning(file: $0.file, message: $0.message) })
    report.wallClocks = timeline.entries.map(\.wallClock)
    return report
  }

  /// The settings on the first file: the region checked against its frame (which
  /// `parameters` then states resolved), the time window in seconds on its clock.
  func resolved(on first: Timeline.Entry) throws(SettingError) -> WatchSettings {
    var s = settings
    _ = try s.region.resolve(frameWidth: first.info.width, frameHeight: first.info.height, minimum: minimumRegionSide,
                             why: "to compare", setting: "roi")
    s.frameSize = (first.info.width, first.info.height)
    let window = try TimeWindow(from: from, to: to, clock: first.clock)
    s.from = window.from ?? s.from
    s.to = window.to ?? s.to
    try s.validate()
    return s
  }
}

/// `watch --stats`: every sample's signature distance to the current state, one CSV row
/// each (file, frame, time, timeline, distance, threshold, sample: keyframe or frame),
/// written as the run goes, so memory stays flat however long the footage.
final class WatchStats {
  static let header = "file,frame,time,timeline,distance,threshold,sample"
  let writer: CSVWriter

  init(path: String, watcher: RegionWatcher) throws(MediaError) {
    let writer = try CSVWriter(path: path, header: Self.header)
    let paths = watcher.paths
    self.writer = writer
    watcher.onSample = { [unowned watcher] pos, distance, coarse in
      writer.line(String(format: "%@,%d,%.6f,%.6f,%.4f,%.4f,%@", csvField(paths[pos.file]), pos.frame, pos.time, pos.timeline,
                         distance, watcher.threshold, coarse ? "keyframe" : "frame"))
    }
  }

  func commit() throws(MediaError) { try writer.commit() }
}
