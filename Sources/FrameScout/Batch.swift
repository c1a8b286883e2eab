import Crypto
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

/// What a batch runs on every file, and how. Its `parameters` (every engine's own, the
/// folders, globs and decoder threads) are what the report states and what the resume
/// state is keyed on: change any engine setting and no old record is reused.
public struct BatchSettings: EngineSettings {
  /// Evidence folders (walked recursively; never written to).
  public var roots: [String]
  /// Output folder: report.json, report.csv, report.html, thumbs/, state/.
  public var out: String
  /// Engines: motion scan, a region watch, an audit. At least one.
  public var scan: ScanSettings?
  public var watch: WatchSettings?
  public var audit: AuditSettings?
  /// Files run at once (each with `threads` decoder threads).
  public var jobs = 2
  public var threads = 1
  /// Globs on the path relative to its folder (or the file name): keep only matching
  /// files, then drop excluded ones.
  public var include: [String] = []
  public var exclude: [String] = []
  /// This run's share of the files: index 0..<count, stable by path.
  public var shard: (index: Int, count: Int)?
  /// The command that reproduces the report, as the caller says it (the command line
  /// leaves out the output folder, jobs and shard: they do not change the report).
  public var commandLine = ""
  /// How each file's wall clock is found and corrected (`--clock`, `--clock-offset`,
  /// `--clock-drift`; a first-frame time of the user's would fit one file, not a folder).
  public var clock = ClockRequest()
  /// Whether each event's clip is stream-copied into OUT/clips (linked from report.html).
  public var clips = false

  public init(roots: [String], out: String) {
    self.roots = roots
    self.out = out
  }

  /// Checks the run before any file is touched: at least one folder, each a folder, the
  /// output folder outside every evidence folder (evidence is never written to), at least
  /// one engine, one job and one decoder thread.
  public func validate() throws(SettingError) {
    if roots.isEmpty { throw SettingError("folders", "must name at least one evidence folder") }
    if scan == nil && watch == nil && audit == nil { throw SettingError("engines", "must be at least one of scan, watch and audit") }
    try scan?.validate()
    try watch?.validate()
    try audit?.validate()
    if jobs < 1 { throw SettingError("jobs", "must be 1 or more") }
    if threads < 1 { throw SettingError("threads", "must be 1 or more") }
    var isDir: ObjCBool = false
    let outReal = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
    for f in roots {
      guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir), isDir.boolValue else {
        throw SettingError("folders", "\(f) is not a folder")
      }
      let real = URL(fileURLWithPath: f).standardizedFileURL.resolvingSymlinksInPath().path
      if outReal == real || outReal.hasPrefix(real + "/") {
        throw SettingError("out", "\(out) is inside the evidence folder \(f): evidence folders are never written to")
      }
    }
  }

  /// Every effective parameter, as the report states it: folders, globs, each engine's
  /// own parameters, decoder threads.
  public var parameters: [(String, JSONValue)] {
    var fields: [(String, JSONValue)] = [("folders", .array(roots.map { .string($0) })),
                                         ("include", .array(include.map { .string($0) })), ("exclude", .array(exclude.map { .string($0) }))]
    if let scan { fields.append(("scan", .object(scan.parameters))) }
    if let watch { fields.append(("watch", .object(watch.parameters))) }
    fields.append(("threads", .int(threads)))
    if let audit { fields.append(("audit", .object(audit.parameters))) }
    if clips { fields.append(("clips", .bool(true))) }     // stated only when asked (records without clips are not reused)
    // Stated only when asked, so a report without it reads as before; part of the resume
    // digest then, so no record with other wall times is reused.
    var recorded = clock
    recorded.display = nil     // text only: not a parameter of the report
    if recorded != ClockRequest() {
      fields.append(("clock", .object([("source", .optional(clock.source?.rawValue)), ("offset", .double(clock.correction.offset)),
                                       ("drift", .double(clock.correction.drift))])))
    }
    return fields
  }

  /// This run's shard from `i/n`, or from `n` and the environment of a Kubernetes Indexed
  /// Job (JOB_COMPLETION_INDEX) or a Slurm job array (SLURM_ARRAY_TASK_ID minus
  /// SLURM_ARRAY_TASK_MIN).
  public static func shard(parsing text: String, environment: [String: String]) throws(SettingError) -> (index: Int, count: Int) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n { return (i, n) }
    if parts.count == 1, let n = Int(parts[0]), n >= 1 {
      if let v = environment["JOB_COMPLETION_INDEX"], let i = Int(v), i >= 0, i < n { return (i, n) }
      if let v = environment["SLURM_ARRAY_TASK_ID"], let id = Int(v) {
        let i = id - (environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0)
        if i >= 0 && i < n { return (i, n) }
      }
      throw SettingError("shard", "\(n): no shard index: set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID (0..\(n - 1)), or give `shard` i/\(n)")
    }
    throw SettingError("shard", "'\(text)' must be i/n with 0 <= i < n, or n")
  }

  /// File name extensions taken as video (case-insensitive).
  public static let videoExtensions: Set<String> = [
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "m2ts", "mts", "mpg", "mpeg", "vob", "dav", "h264", "264", "h265",
    "265", "hevc", "flv", "wmv", "asf", "3gp", "3g2", "mjpeg", "mjpg", "mxf", "ogv",
  ]
}

/// One input's outcome, as kept in OUT/state/ (resume) and in the report.
public struct FileRecord: Sendable {
  public var input: JSONValue      // path, sha256, bytes, probe facts, status, error, warnings
  public var events: [JSONValue]
  public var failed: Bool
}

/// Runs the engines over every video file below the evidence folders, in parallel,
/// resumably: each finished file leaves a record in OUT/state/ named after its path, with
/// its SHA-256 and the parameters' digest; a restarted run skips files whose record matches
/// and redoes the others. A file that fails is recorded with its error and the rest go on.
/// Every input's SHA-256 is taken before and after analysis; a mismatch fails that file.
public final class BatchRunner: @unchecked Sendable {
  public let settings: BatchSettings
  public let parametersDigest: String
  /// Called (under a lock) after each file: files done, files total, bytes done, bytes total.
  public var onProgress: ((Int, Int, Int, Int) -> Void)?
  let lock = NSLock()

  public init(settings: BatchSettings) {
    self.settings = settings
    parametersDigest = Self.hex(SHA256.hash(data: Data(JSONValue.object(settings.parameters).serialized().utf8)))
  }

  static func hex<D: Sequence>(_ d: D) -> String where D.Element == UInt8 { d.map { String(format: "%02x", $0) }.joined() }

  var stateDir: String { (settings.out as NSString).appendingPathComponent("state") }
  var thumbsDir: String { ReportFolder.path(settings.out, ReportFolder.thumbs) }
  var clipsDir: String { ReportFolder.path(settings.out, ReportFolder.clips) }

  /// A short stable name for a path (thumbnail and state file names).
  public static func id(of path: String) -> String { String(hex(SHA256.hash(data: Data(path.utf8))).prefix(16)) }

  /// Whether `path` belongs to shard `index` of `count` (stable by path, whatever the machine).
  public static func inShard(_ path: String, index: Int, count: Int) -> Bool {
    let digest = Array(SHA256.hash(data: Data(path.utf8)))
    var v: UInt64 = 0
    for b in digest.prefix(8) { v = v << 8 | UInt64(b) }
    return Int(v % UInt64(count)) == index
  }

  // MARK: Finding files

  /// Every video file below the folders (sorted; symlinks followed only when they point
  /// inside their folder; hidden files and folders skipped), filtered by the globs and the shard.
  public func discover() throws -> [String] {
    var found: [String] = []
    for root in settings.roots {
      let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
      let real = URL(fileURLWithPath: trimmed).resolvingSymlinksInPath().standardizedFileURL.path
      guard let walker = FileManager.default.enumerator(atPath: trimmed) else {
        throw MediaError(file: root, kind: .readFailed, reason: "cannot read the folder")
      }
      while let rel = walker.nextObject() as? String {
        let path = (trimmed as NSString).appendingPathComponent(rel)
        let name = (rel as NSString).lastPathComponent
        if name.hasPrefix(".") { if isDirectory(path) { walker.skipDescendants() }; continue }
        var st = stat()
        guard lstat(path, &st) == 0 else { continue }
        if (st.st_mode & S_IFMT) == S_IFLNK {
          // A link counts only when it resolves to a file inside the same folder.
          let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
          guard target.hasPrefix(real + "/"), !isDirectory(target) else { continue }
        } else if (st.st_mode & S_IFMT) != S_IFREG { continue }
        guard BatchSettings.videoExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
        if !settings.include.isEmpty && !settings.include.contains(where: { Self.matches($0, rel) || Self.matches($0, name) }) { continue }
        if settings.exclude.contains(where: { Self.matches($0, rel) || Self.matches($0, name) }) { continue }
        if let shard = settings.shard, !Self.inShard(path, index: shard.index, count: shard.count) { continue }
        found.append(path)
      }
    }
    return Array(Set(found)).sorted()
  }

  func isDirectory(_ path: String) -> Bool {
    var d: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
  }

  static func matches(_ glob: String, _ text: String) -> Bool { fnmatch(glob, text, 0) == 0 }

  // MARK: Running

  /// Runs every file (skipping those already done with the same SHA-256 and parameters),
  /// then writes the report. Returns the records in path order.
  /// A file the output folder could not take (a full disk, a folder made read-only) stops
  /// the run: the files already done keep their records in OUT/state/, the others are left
  /// for the rerun, report.json stays the last complete one, and the first such error is thrown.
  public func run() throws -> [FileRecord] {
    let files = try discover()
    try OutputFolder.make(stateDir)
    for dir in [settings.out, stateDir, thumbsDir, clipsDir] { AtomicFile.removeStale(in: dir) }
    let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
    let totalBytes = sizes.reduce(0, +)
    /// The work list shared by the workers (every access under `lock`).
    final class Shared: @unchecked Sendable {
      var next = 0, done = 0, bytesDone = 0
      var records: [FileRecord?]
      var outputFailure: MediaError?
      init(count: Int) { records = [FileRecord?](repeating: nil, count: count) }
    }
    let shared = Shared(count: files.count)
    let workers = max(1, min(settings.jobs, files.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        lock.lock()
        let k = shared.next
        shared.next += 1
        let stopped = shared.outputFailure != nil
        lock.unlock()
        guard k < files.count, !stopped else { return }
        let record: FileRecord
        do throws(MediaError) { record = try self.process(files[k]) } catch {
          lock.lock()
          if shared.outputFailure == nil { shared.outputFailure = error }
          lock.unlock()
          return
        }
        lock.lock()
        shared.records[k] = record
        shared.done += 1
        shared.bytesDone += sizes[k]
        onProgress?(shared.done, files.count, shared.bytesDone, totalBytes)
        lock.unlock()
      }
    }
    if let failure = shared.outputFailure { throw failure }
    let records = shared.records
    let all = records.map { $0! }
    try writeReport(all)
    return all
  }

  /// One file: reuse its record when its SHA-256 and the parameters are unchanged, else
  /// analyse it. A failure of the input becomes the record's error; a failure to write
  /// into the output folder is thrown (it says nothing of the input, so it is not recorded).
  func process(_ path: String) throws(MediaError) -> FileRecord {
    let statePath = (stateDir as NSString).appendingPathComponent(Self.id(of: path) + ".json")
    let before: (hex: String, bytes: Int)
    do { before = try FileDigest.sha256(path: path) } catch {
      return failure(path, sha: nil, bytes: nil, error: error.description)
    }
    if let text = try? String(contentsOfFile: statePath, encoding: .utf8), let saved = try? JSONValue(parsing: text),
       saved["path"]?.stringValue == path, saved["sha256"]?.stringValue == before.hex,
       saved["parameters_digest"]?.stringValue == parametersDigest, let record = Self.record(from: saved) {
      return record
    }
    var record: FileRecord
    do {
      record = try analyse(path, sha: before)
      let after = try FileDigest.sha256(path: path)
      if after.hex != before.hex {
        record = failure(path, sha: before.hex, bytes: before.bytes,
                         error: "\(path): the file changed during analysis (SHA-256 before \(before.hex), after \(after.hex))")
      }
    } catch let error as MediaError {
      if error.kind == .writeFailed { throw error }
      record = failure(path, sha: before.hex, bytes: before.bytes, error: error.description)
    } catch {
      record = failure(path, sha: before.hex, bytes: before.bytes, error: "\(path): \(error)")
    }
    let saved = JSONValue.object([("path", .string(path)), ("sha256", .string(before.hex)), ("parameters_digest", .string(parametersDigest)),
                                  ("input", record.input), ("events", .array(record.events)), ("failed", .bool(record.failed))])
    try AtomicFile.write(Array(saved.serialized().utf8), to: statePath)
    return record
  }

  static func record(from saved: JSONValue) -> FileRecord? {
    guard let input = saved["input"], let events = saved["events"]?.arrayValue, case .bool(let failed)? = saved["failed"] else { return nil }
    return FileRecord(input: input, events: events, failed: failed)
  }

  func failure(_ path: String, sha: String?, bytes: Int?, error: String) -> FileRecord {
    FileRecord(input: .object([("path", .string(path)), ("sha256", .optional(sha)), ("bytes", .optional(bytes)),
                               ("status", "failed"), ("error", .string(error)), ("warnings", .array([]))]),
               events: [], failed: true)
  }

  /// Probe, then each chosen engine on one file; thumbnails into OUT/thumbs.
  func analyse(_ path: String, sha: (hex: String, bytes: Int)) throws -> FileRecord {
    var open = settings.scan?.open ?? settings.watch?.open ?? OpenOptions()
    open.clock = settings.clock
    guard settings.scan != nil || settings.watch != nil || settings.audit != nil else {
      throw MediaError(file: path, kind: .outOfRange, reason: "no engine chosen")
    }
    let decoder = try VideoDecoder(path: path, options: DecodeOptions(open: open, analysisWidth: nil))
    var findings = Findings(path: path)
    if let scan = settings.scan { try self.scan(path, scan, into: &findings) }
    if let watch = settings.watch { try self.watch(path, watch, into: &findings) }
    if let audit = settings.audit {
      var fp = FingerprintSettings()
      fp.threads = settings.threads
      fp.open = open
      let result = try FileAudit(path: path, settings: audit, fingerprint: fp).result
      findings.add(result.findings, engine: "audit", warnings: result.warnings)
    }
    let info = decoder.info
    var record = InputRecord(path: path, sha256: sha.hex, bytes: sha.bytes, info: info, clock: decoder.clock)
    let wall = FileClock.of(path: path, info: info, duration: info.duration, clock: decoder.clock, request: open.clock, open: open)
    record.wallClock = wall
    guard case .object(var fields) = record.json else { return FileRecord(input: record.json, events: [], failed: false) }
    fields += [("tags", .object(info.tags.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
               ("status", "done"), ("warnings", .array((findings.warnings + wall.warnings.map { "clock: \($0)" }).map { .string($0) }))]
    let events = wall.used == nil ? findings.events : findings.events.map { WallTimes.stamp($0, wall) }
    return FileRecord(input: .object(fields), events: events, failed: false)
  }

  /// One file's findings of every engine, each tagged with its engine, and its warnings (each said once).
  struct Findings {
    let path: String
    var events: [JSONValue] = []
    var warnings: [String] = []

    mutating func add(_ found: [some ReportedFinding], engine: String, warnings more: [String]) {
      for f in found {
        guard case .object(var fields) = f.json else { continue }
        fields.insert(("engine", .string(engine)), at: 1)
        events.append(.object(fields))
      }
      for w in more where !warnings.contains(w) { warnings.append(w) }
    }
  }

  /// Names of thumbnails: unique by the path's id, readable by the file's stem.
  func thumbnailStem(_ path: String) -> String {
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return Self.id(of: path) + "-" + String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(40))
  }

  func relativeThumbnail(_ path: String) -> String { ReportFolder.relative(ReportFolder.thumbs)(path) }

  func scan(_ path: String, _ settings: ScanSettings, into findings: inout Findings) throws {
    var scan = settings
    scan.threads = self.settings.threads
    var job = try ScanJob(files: [path], settings: scan)
    job.recordsInputs = false     // the batch has the file's SHA-256 already
    var report = try job.run()
    let stem = thumbnailStem(path)
    try report.writeThumbnails(into: thumbsDir, name: { k, e in "\(stem)-scan\(k + 1)-\(e.peak.frame).jpg" }, recorded: relativeThumbnail)
    if self.settings.clips {
      report.warnings += try report.writeClips(into: clipsDir, stem: { _ in stem + "-scan" }, recorded: ReportFolder.relative(ReportFolder.clips))
    }
    findings.add(report.events, engine: "scan", warnings: report.warnings.map(\.message))
  }

  func watch(_ path: String, _ settings: WatchSettings, into findings: inout Findings) throws {
    var watch = settings
    watch.threads = self.settings.threads
    var job = WatchJob(files: [path], settings: watch)
    job.minimumRegionSide = 1     // a batch only ever asked that the region fits the frame
    job.recordsInputs = false     // the batch has the file's SHA-256 already
    var report = try job.run()
    let stem = thumbnailStem(path)
    try report.writeThumbnails(into: thumbsDir, name: { pos, role in "\(stem)-watch-\(pos.frame)-\(role).jpg" }, recorded: relativeThumbnail)
    if self.settings.clips {
      report.warnings += try report.writeClips(into: clipsDir, name: { k, _ in "\(stem)-watch-change\(k + 1)" },
                                               recorded: ReportFolder.relative(ReportFolder.clips))
    }
    findings.add(report.changes, engine: "watch", warnings: report.warnings.map(\.message))
  }

  // MARK: Reports

  /// OUT/report.json, report.csv and report.html from the records (in path order).
  public func writeReport(_ records: [FileRecord]) throws {
    try Self.writeReport(records, out: settings.out, commandLine: settings.commandLine, parameters: settings.parameters)
  }

  public static func report(_ records: [FileRecord], commandLine: String, parameters: [(String, JSONValue)]) -> JSONValue {
    let sorted = records.sorted { ($0.input["path"]?.stringValue ?? "") < ($1.input["path"]?.stringValue ?? "") }
    var warnings: [(file: String, message: String)] = []
    for r in sorted {
      let path = r.input["path"]?.stringValue ?? ""
      if let e = r.input["error"]?.stringValue { warnings.append((path, "failed: " + e)) }
      for w in r.input["warnings"]?.arrayValue ?? [] { warnings.append((path, w.stringValue ?? "")) }
    }
    let failed = sorted.filter(\.failed).count
    var extra: [(String, JSONValue)] = [("summary", .object([("files", .int(sorted.count)), ("done", .int(sorted.count - failed)), ("failed", .int(failed)),
                                                              ("events", .int(sorted.reduce(0) { $0 + $1.events.count }))]))]
    if let timeline = CameraTimeline.json(inputs: sorted.map(\.input)) {
      extra.append(("timeline", timeline.timeline))
      warnings += timeline.warnings
    }
    let doc = Envelope.make(
      toolVersion: FrameScoutVersion.string, libraries: FFmpegLibraries.versions, command: "batch", parameters: parameters,
      inputs: sorted.map(\.input), events: sorted.flatMap(\.events), warnings: warnings, extra: extra)
    guard case .object(var fields) = doc else { return doc }
    fields.insert(("command_line", .string(commandLine)), at: 3)
    return .object(fields)
  }

  public static func writeReport(_ records: [FileRecord], out: String, commandLine: String, parameters: [(String, JSONValue)]) throws {
    let doc = report(records, commandLine: commandLine, parameters: parameters)
    let json = doc.serialized()
    try AtomicFile.write(Array(json.utf8), to: (out as NSString).appendingPathComponent("report.json"))
    var csv = "file,engine,kind,start_frame,start_time,start_timecode,end_frame,end_time,end_timecode,score,box_or_region,thumbnails,start_wall,end_wall\n"
    for e in doc["events"]?.arrayValue ?? [] {
      let box = (e["box"] ?? e["region"])?.arrayValue?.compactMap(\.intValue).map(String.init).joined(separator: " ") ?? ""
      var thumbs: [String] = []
      if case .object(let t)? = e["thumbnails"] { thumbs = t.compactMap { $0.1.stringValue } }
      let fields: [String] = [
        e["file"]?.stringValue ?? "", e["engine"]?.stringValue ?? "", e["kind"]?.stringValue ?? "",
        e["start"]?["frame"]?.intValue.map(String.init) ?? "", e["start"]?["time"]?.doubleValue.map { String(format: "%.3f", $0) } ?? "",
        e["start"]?["timecode"]?.stringValue ?? "",
        e["end"]?["frame"]?.intValue.map(String.init) ?? "", e["end"]?["time"]?.doubleValue.map { String(format: "%.3f", $0) } ?? "",
        e["end"]?["timecode"]?.stringValue ?? "", e["score"]?.doubleValue.map { String(format: "%.4f", $0) } ?? "", box,
        thumbs.joined(separator: ";"), e["start"]?["wall"]?.stringValue ?? "", e["end"]?["wall"]?.stringValue ?? "",
      ]
      csv += fields.map(csvField).joined(separator: ",") + "\n"
    }
    try AtomicFile.write(Array(csv.utf8), to: (out as NSString).appendingPathComponent("report.csv"))
    try ReportFolder.writePage(doc, into: out)
  }

  /// Joins shard outputs: every OUT_k/report.json's records and thumbnails into `out`, and
  /// the reports written as one run would have written them.
  public static func merge(_ folders: [String], into out: String) throws -> [FileRecord] {
    var records: [FileRecord] = [], commandLine = "", parameters: [(String, JSONValue)] = []
    try OutputFolder.make(ReportFolder.path(out, ReportFolder.thumbs))
    var seen = Set<String>()
    for folder in folders {
      let path = (folder as NSString).appendingPathComponent("report.json")
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw MediaError(file: path, kind: .notFound, reason: "no report.json (not a batch output folder)")
      }
      let doc: JSONValue
      do { doc = try JSONValue(parsing: text) } catch { throw MediaError(file: path, kind: .notVideo, reason: "not a FrameScout report: \(error)") }
      guard doc["schema"]?.stringValue == Envelope.schema, doc["command"]?.stringValue == "batch",
            case .object(let params)? = doc["parameters"] else {
        throw MediaError(file: path, kind: .notVideo, reason: "not a FrameScout batch report")
      }
      let line = doc["command_line"]?.stringValue ?? ""
      if commandLine.isEmpty { commandLine = line; parameters = params }
      else if JSONValue.object(params) != JSONValue.object(parameters) {
        throw MediaError(file: path, kind: .outOfRange, reason: "ran with other parameters than \(folders[0]): shards must share them")
      }
      let events = doc["events"]?.arrayValue ?? []
      for input in doc["inputs"]?.arrayValue ?? [] {
        let p = input["path"]?.stringValue ?? ""
        guard seen.insert(p).inserted else { continue }
        records.append(FileRecord(input: input, events: events.filter { $0["file"]?.stringValue == p },
                                  failed: input["status"]?.stringValue == "failed"))
      }
      for sub in [ReportFolder.thumbs, ReportFolder.clips] {
        let from = ReportFolder.path(folder, sub), to = ReportFolder.path(out, sub)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: from)) ?? [] where !name.hasPrefix(".") {
          if let data = FileManager.default.contents(atPath: ReportFolder.path(from, name)) {
            try OutputFolder.make(to)
            try AtomicFile.write(Array(data), to: ReportFolder.path(to, name))
          }
        }
      }
    }
    try writeReport(records, out: out, commandLine: commandLine, parameters: parameters)
    return records.sorted { ($0.input["path"]?.stringValue ?? "") < ($1.input["path"]?.stringValue ?? "") }
  }
}

/// The tool's version, for reports written by the library.
public enum FrameScoutVersion {
  public static let string = "0.2.0"
}

/// A CSV field, quoted when it needs to be.
public func csvField(_ s: String) -> String {
  s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
