import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the engines over evidence folders: parallel, resumable, with SHA-256 provenance and JSON/CSV/HTML reports.",
    discussion: """
      Every video file below the folders (by extension; symlinks followed only inside their
      folder) is analysed, several at once. OUT gets report.json (schema framescout/1, one
      entry per input with SHA-256, size, probe facts, events, warnings, errors),
      report.csv (one row per event), report.html (self-contained: summary, timelines,
      thumbnails, inputs with hashes), thumbs/ and state/. Evidence folders are never
      written to. A killed run started again skips the files already done with the same
      SHA-256 and parameters. A file that fails is reported and the others go on (exit 3).
      --shard i/n runs a stable share of the files (by path); with --shard n the index
      comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs) or SLURM_ARRAY_TASK_ID
      (minus SLURM_ARRAY_TASK_MIN). `framescout merge` joins the shards' outputs.
      """)

  @Argument(help: "Evidence folders.") var folders: [String]
  @Option(help: "Output folder (not inside an evidence folder).") var out: String
  @Flag(help: "Motion events (framescout scan with its defaults). The default when no engine is chosen.") var scan = false
  @Flag(help: "Watch a region for appearances/disappearances (needs --roi).") var watch = false
  @Flag(help: "Audit each file: timestamp gaps, duplicated frames, discontinuities, encoder changes, damage.") var audit = false
  @Option(help: "The region for --watch: x,y,w,h in source pixels or %.") var roi: String?
  @Option(help: "--watch: how long a new state must last.") var hold = durationText(WatchSettings.defaultHold)
  @Option(help: "--scan: motion threshold (default \(ScanSettings.defaultThreshold)).") var threshold: Double?
  @Option(help: "--scan: shortest motion that is an event.") var minEvent = durationText(ScanSettings().minEvent)
  @Option(help: "--scan: events closer than this merge.") var mergeGap = durationText(ScanSettings().mergeGap)
  @Option(help: "Only files whose path (relative to its folder) or name matches this glob (repeatable).") var include: [String] = []
  @Option(help: "Skip files whose relative path or name matches this glob (repeatable).") var exclude: [String] = []
  @Option(help: "Files analysed at once (default: all cores).") var jobs: Int?
  @Option(help: "Decoder threads per file. Counts of damaged data in a broken file can depend on it, so it is a parameter of the report; --jobs is not.")
  var threads = 1
  @Option(help: "This run's share: i/n (0 <= i < n), or n with the index from the environment.") var shard: String?
  @Flag(help: "Copy each event's footage (stream copy) into OUT/clips; report.html plays it (H.264 MP4) or links it.") var clips = false
  @Flag(help: "No progress line.") var quiet = false
  @OptionGroup var clocks: ClockOptions

  static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

  func validate() throws {
    if folders.isEmpty { throw ValidationError("give at least one evidence folder") }
    if watch && roi == nil { throw ValidationError("--watch needs --roi") }
    if let roi { do { _ = try RegionSpec(parsing: roi) } catch { throw ValidationError("--roi: \(error)") } }
    for (name, text) in [("--hold", hold), ("--min-event", minEvent), ("--merge-gap", mergeGap)] where parseDuration(text) == nil {
      throw ValidationError("\(name) '\(text)' is not a duration")
    }
    _ = try settings()
  }

  /// The run the options ask for: the text parsed here, every range checked by the
  /// settings themselves.
  func settings() throws -> BatchSettings {
    var settings = BatchSettings(roots: folders, out: out)
    if scan || (!watch && !audit) {
      var s = ScanSettings()
      s.threshold = threshold
      s.minEvent = parseDuration(minEvent)!
      s.mergeGap = parseDuration(mergeGap)!
      settings.scan = s
    }
    if watch, let roi {
      var w = WatchSettings(region: try RegionSpec(parsing: roi))
      w.hold = parseDuration(hold)!
      settings.watch = w
    }
    if audit { settings.audit = AuditSettings() }
    settings.clock = try clocks.request()
    if settings.clock.source == .user { throw ValidationError("--clock user: batch takes no --clock-start; give the files' own clocks") }
    settings.commandLine = commandLine(settings)
    settings.jobs = jobs ?? Self.cores
    settings.threads = threads
    settings.clips = clips
    settings.include = include
    settings.exclude = exclude
    do {
      try settings.validate()
      settings.shard = try shardSpec()
    } catch {
      throw error.setting == "folders" ? ValidationError(error.reason) : error.usage
    }
    return settings
  }

  /// The command that reproduces the report (output folder, --jobs and --shard left out).
  func commandLine(_ settings: BatchSettings) -> String {
    var line = ["framescout", "batch"] + folders
    if settings.scan != nil { line += ["--scan", "--min-event", minEvent, "--merge-gap", mergeGap] + (threshold.map { ["--threshold", String($0)] } ?? []) }
    if let roi, settings.watch != nil { line += ["--watch", "--roi", roi, "--hold", hold] }
    if threads != 1 { line += ["--threads", String(threads)] }
    if audit { line += ["--audit"] }
    if clips { line += ["--clips"] }
    for g in include { line += ["--include", g] }
    for g in exclude { line += ["--exclude", g] }
    if let c = clocks.clock { line += ["--clock", c] }
    if let o = clocks.clockOffset { line += ["--clock-offset", o] }
    if let d = clocks.clockDrift { line += ["--clock-drift", SettingCheck.plain(d)] }
    return line.map(shellQuoted).joined(separator: " ")
  }

  /// (index, count) from --shard and the environment.
  func shardSpec() throws(SettingError) -> (index: Int, count: Int)? {
    guard let shard else { return nil }
    return try BatchSettings.shard(parsing: shard, environment: ProcessInfo.processInfo.environment)
  }

  func run() throws {
    let settings = try self.settings()
    try OutputFolder.make(out)
    let runner = BatchRunner(settings: settings)
    let progress = BatchProgress(enabled: !quiet)
    let interrupt = BatchInterrupt(out: out)
    runner.onProgress = { done, total, bytes, totalBytes in
      progress.update(done: done, total: total, bytes: bytes, totalBytes: totalBytes)
      interrupt.update(done: done, total: total)
    }
    let records: [FileRecord]
    do { records = try runner.run() } catch { progress.finish(); throw error }
    progress.finish()
    let failed = records.filter(\.failed)
    let events = records.reduce(0) { $0 + $1.events.count }
    print("\(records.count) files, \(records.count - failed.count) done, \(failed.count) failed, \(events) events; report: \((out as NSString).appendingPathComponent("report.html"))")
    for line in BatchRunner.timelineLines(records, zone: settings.clock.display) { print(line) }
    for f in failed { printError(f.input["error"]?.stringValue ?? (f.input["path"]?.stringValue ?? "?") + ": failed") }
    if !failed.isEmpty { throw FailedInputs(code: Exit.partial) }
  }
}

struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Join the outputs of sharded batch runs into one (the same report as a single run).")

  @Argument(help: "Batch output folders (one per shard).") var folders: [String]
  @Option(help: "Output folder for the joined report.") var out: String

  func validate() throws {
    if folders.isEmpty { throw ValidationError("give the shard output folders") }
  }

  func run() throws {
    try OutputFolder.make(out)
    let records = try BatchRunner.merge(folders, into: out)
    let failed = records.filter(\.failed).count
    print("\(records.count) files from \(folders.count) folders, \(failed) failed; report: \((out as NSString).appendingPathComponent("report.json"))")
    if failed > 0 { throw FailedInputs(code: Exit.partial) }
  }
}

/// SIGTERM, SIGINT and SIGHUP during a batch: one line on stderr (how many files are
/// done and kept for the rerun), then the exit a shell reports for that signal (128 + its
/// number: 143, 130, 129). Every file the batch writes is renamed into place whole, so
/// whenever the signal comes the reports are the old complete ones or the new; the
/// temporary files of the interrupted writes are removed by the next run.
final class BatchInterrupt: @unchecked Sendable {
  let out: String
  let lock = NSLock()
  var done = 0, total: Int?
  var sources: [DispatchSourceSignal] = []

  init(out: String) {
    self.out = out
    for (sig, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [self] in self.stop(sig, name) }
      source.resume()
      sources.append(source)
    }
  }

  func update(done: Int, total: Int) {
    lock.lock()
    self.done = done
    self.total = total
    lock.unlock()
  }

  func stop(_ sig: Int32, _ name: String) {
    lock.lock()
    let files = total.map { "\(done) of \($0) files done" } ?? "no file done yet"
    lock.unlock()
    printError("batch stopped by \(name): \(files) and kept in \(out)/state; run the same command again to resume")
    _exit(128 + sig)
  }
}

/// A one-line progress display for batches: files, bytes, ETA (terminal only).
final class BatchProgress {
  let enabled: Bool
  let started = DispatchTime.now().uptimeNanoseconds
  var drawn = false

  init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) == 1 }

  func update(done: Int, total: Int, bytes: Int, totalBytes: Int) {
    guard enabled else { return }
    drawn = true
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
    let eta = rate > 0 ? Double(totalBytes - bytes) / rate : 0
    let line = String(format: "\rbatch %d/%d files  %.0f/%.0f MB  ETA %@ ", done, total, Double(bytes) / 1e6, Double(totalBytes) / 1e6,
                      Progress.clock(eta))
    writeStandardError(line)
  }

  func finish() {
    if drawn { writeStandardError(("\r" + String(repeating: " ", count: 79) + "\r")) }
  }
}

/// A word for a POSIX shell: bare when safe, else single-quoted.
func shellQuoted(_ s: String) -> String {
  let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=%+@")
  if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
  return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
