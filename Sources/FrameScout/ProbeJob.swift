import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// Settings of `probe`: whether to read every packet, and how to open the inputs.
public struct ProbeSettings: EngineSettings {
  /// Read every packet (no decoding): exact frame count, measured rate, variable rate.
  public var count = false
  public var open = OpenOptions()

  public init() {}

  public func validate() throws(SettingError) { try open.validate() }

  public var parameters: [(String, JSONValue)] { [("count", .bool(count))] + open.parameters }
}

/// Describes video files: container, codec, size, frame rate and clock, keyframes, tags,
/// SHA-256. A file that cannot be read is recorded and the others are still probed.
public struct ProbeJob: Sendable {
  public var files: [String]
  public var settings: ProbeSettings

  public init(files: [String], settings: ProbeSettings = ProbeSettings()) {
    self.files = files
    self.settings = settings
  }

  public func run() throws(SettingError) -> ProbeReport {
    try settings.validate()
    var report = ProbeReport(settings: settings)
    for file in files {
      do {
        let result = try ProbeResult.probe(path: file, options: settings.open, count: settings.count)
        report.results.append(result)
        report.wallClocks.append(result.wallClock(settings.open))
      } catch { report.failures.append(error) }
    }
    return report
  }
}

/// What `ProbeJob` found: one result per readable file, one error per other file.
public struct ProbeReport: JobReport {
  public static let command = "probe"
  public var settings: ProbeSettings
  public var results: [ProbeResult] = []
  /// Each result's wall clock (resolved once: `--clock-at #N` decodes frame N).
  public var wallClocks: [FileClock] = []
  public var failures: [MediaError] = []
  /// The wall clocks' warnings (sources that disagree, an epoch creation_time).
  public var warnings: [Warning] {
    zip(results, wallClocks).flatMap { r, c in c.warnings.map { Warning(file: r.path, message: "clock: \($0)") } }
  }

  public var json: JSONValue {
    Self.document(parameters: settings.parameters, inputs: zip(results, wallClocks).map { $0.json(wallClock: $1) },
                  events: [], warnings: warnings)
  }

  public func text(elapsed: Double? = nil) -> String {
    zip(results, wallClocks).map { $0.text(wallClock: $1) }.joined(separator: "\n\n") + (results.isEmpty ? "" : "\n")
  }
}

extension StreamClock {
  /// `{"timing": "frame pts", "rate": 25.0, "rate_source": "…"}`
  public var json: JSONValue {
    .object([("timing", .string(timing.rawValue)), ("rate", .double(JSONValue.rounded(rate, 6))), ("rate_source", .string(rateSource))])
  }
}

extension ProbeResult {
  /// The file's wall clock, as every other command resolves it (`open.clock`: the `--clock…`
  /// options).
  public func wallClock(_ open: OpenOptions) -> FileClock {
    FileClock.of(path: path, info: stream, duration: stream.duration, clock: clock, request: open.clock, open: open)
  }

  /// The `inputs` entry of probe: every fact, the stream's `timing` (how frames are numbered
  /// and timed, as the other commands read them), and the wall `clock` as every command's
  /// inputs state it.
  public func json(wallClock: FileClock) -> JSONValue {
    let s = stream, p = packets
    return .object([
      ("path", .string(path)), ("sha256", .string(sha256)), ("bytes", .int(bytes)),
      ("container", .string(s.container)), ("container_long_name", .string(s.containerLongName)),
      ("stream", .int(s.streamIndex)), ("streams", .int(s.streamCount)),
      ("codec", .string(s.codec)), ("profile", .optional(s.profile)),
      ("width", .int(s.width)), ("height", .int(s.height)),
      ("pixel_format", .optional(s.pixelFormat)), ("field_order", .string(s.fieldOrder)),
      ("fps", .optional(s.nominalFPS)), ("fps_source", .optional(frameRateSource)),
      ("r_frame_rate", .optional(s.baseFrameRate)),
      ("measured_fps", .optional(counted ? p.measuredFPS : nil)),
      ("measured_fps_source", counted && p.measuredFPS != nil ? "packet timestamps: (frames - 1) / (last pts - first pts)" : .null),
      ("variable_frame_rate", counted ? p.variableFrameRate.map { .bool($0) } ?? .null : .null),
      ("duration", .optional(s.duration)), ("duration_source", .optional(s.durationSource)),
      ("start_time", .optional(s.startTime)), ("bit_rate", .optional(s.bitRate)),
      ("time_base", .string(s.timeBase)), ("timestamps", .bool(hasTimestamps)),
      ("frames", .optional(frames)),
      ("frames_declared", .optional(s.declaredFrameCount)),
      ("keyframes", counted ? .int(p.keyframes) : .null),
      ("keyframe_interval", p.keyframeInterval.map { .object([("min", .int($0.min)), ("median", .int($0.median)), ("max", .int($0.max)),
                                                              ("source", .string(intervalSource))]) } ?? .null),
      ("corrupt_packets", .int(p.corruptPackets)), ("read_errors", .int(p.readErrors)),
      ("creation_time", .optional(s.tags["creation_time"])), ("encoder", .optional(s.tags["encoder"])),
      ("tags", .object(s.tags.keys.sorted().map { ($0, JSONValue.string(s.tags[$0]!)) })),
      ("timing", clock.json),
      ("clock", WallTimes.json(wallClock, duration: stream.duration)),
    ])
  }

  var intervalSource: String { counted ? "all packets" : "first \(packets.packets) packets" }

  /// The text of one file: a label and a value a line.
  public func text(wallClock: FileClock) -> String {
    let s = stream, p = packets
    var lines: [(String, String)] = []
    func add(_ k: String, _ v: String?) { if let v { lines.append((k, v)) } }
    func num(_ d: Double?) -> String? { d.map { String(format: "%.3f", $0).replacingOccurrences(of: ".000", with: "") } }
    add("file", path)
    add("size", "\(bytes) bytes")
    add("sha256", sha256)
    add("container", "\(s.container) (\(s.containerLongName))")
    add("stream", "\(s.streamIndex) of \(s.streamCount)")
    add("codec", s.codec + (s.profile.map { " (\($0))" } ?? ""))
    add("size (pixels)", "\(s.width)x\(s.height)")
    add("pixel format", s.pixelFormat)
    add("scan", s.fieldOrder)
    add("frame rate", num(s.nominalFPS).map { "\($0) fps (\(frameRateSource ?? ""))" } ?? "unknown (no timestamps)")
    if counted {
      add("measured rate", num(p.measuredFPS).map { "\($0) fps (from packet timestamps)" } ?? "unknown (no timestamps)")
      add("variable rate", p.variableFrameRate.map { $0 ? "yes" : "no" } ?? "unknown")
      add("frames", frames.map(String.init) ?? "unknown")
      add("keyframes", String(p.keyframes))
    }
    add("duration", s.duration.map { "\(Timecode.format($0)) (\(s.durationSource ?? ""))" } ?? "unknown")
    add("start time", num(s.startTime))
    add("bit rate", s.bitRate.map { "\($0 / 1000) kbit/s" })
    if let g = p.keyframeInterval { add("keyframe every", "min \(g.min), median \(g.median), max \(g.max) frames (\(intervalSource))") }
    if p.corruptPackets + p.readErrors > 0 { add("damage", "\(p.corruptPackets) corrupt packets, \(p.readErrors) read errors") }
    add("creation time", s.tags["creation_time"])
    if let used = wallClock.used, let first = wallClock.wall(atSeconds: 0) {
      add("wall clock", "\(WallTimes.displayed(first.corrected, in: wallClock.display)) at the first frame (\(used.source.rawValue): \(used.how))")
    } else {
      add("wall clock", "none (no time source)")
    }
    add("encoder", s.tags["encoder"])
    add("ffmpeg", FFmpegLibraries.versions.map { "\($0.name) \($0.version)" }.joined(separator: ", "))
    let width = lines.map(\.0.count).max() ?? 0
    return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
  }
}
