import ArgumentParser
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import Foundation

struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe video files: container, codec, size, frame rate, keyframes, tags, SHA-256.",
    discussion: """
      Without --count the keyframe interval comes from the first \(ProbeResult.samplePackets) packets;
      with --count every packet is read (no decoding) for the exact frame count, the measured
      frame rate and whether the frame rate varies.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Flag(help: "Write JSON (schema framescout/1) instead of text.") var json = false
  @Flag(help: "Read every packet: exact frame count, measured frame rate, VFR.") var count = false
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
  }

  func run() throws {
    var results: [ProbeResult] = []
    var failed = false
    for file in files {
      do { results.append(try ProbeResult.probe(path: file, options: input.open, count: count)) }
      catch { printError(error.description); failed = true }
    }
    if json {
      let doc = Envelope.make(toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "probe",
                              parameters: [("count", .bool(count)), ("stream", .optional(input.stream)),
                                           ("format", .optional(input.format)), ("fps", .optional(input.fps))],
                              inputs: results.map(Self.json), warnings: [])
      print(doc.serialized(), terminator: "")
    } else {
      for (k, r) in results.enumerated() {
        if k > 0 { print() }
        print(Self.text(r))
      }
    }
    if failed { throw FailedInputs(code: Exit.input) }
  }

  static func json(_ r: ProbeResult) -> JSONValue {
    let s = r.stream, p = r.packets
    let gop = p.keyframeInterval
    let fps = s.nominalFPS
    let timestamps = r.hasTimestamps
    return .object([
      ("path", .string(r.path)), ("sha256", .string(r.sha256)), ("bytes", .int(r.bytes)),
      ("container", .string(s.container)), ("container_long_name", .string(s.containerLongName)),
      ("stream", .int(s.streamIndex)), ("streams", .int(s.streamCount)),
      ("codec", .string(s.codec)), ("profile", .optional(s.profile)),
      ("width", .int(s.width)), ("height", .int(s.height)),
      ("pixel_format", .optional(s.pixelFormat)), ("field_order", .string(s.fieldOrder)),
      ("fps", .optional(fps)), ("fps_source", .optional(r.frameRateSource)),
      ("r_frame_rate", .optional(s.baseFrameRate)),
      ("measured_fps", .optional(r.counted ? p.measuredFPS : nil)),
      ("measured_fps_source", r.counted && p.measuredFPS != nil ? "packet timestamps: (frames - 1) / (last pts - first pts)" : .null),
      ("variable_frame_rate", r.counted ? p.variableFrameRate.map { .bool($0) } ?? .null : .null),
      ("duration", .optional(s.duration)), ("duration_source", .optional(s.durationSource)),
      ("start_time", .optional(s.startTime)), ("bit_rate", .optional(s.bitRate)),
      ("time_base", .string(s.timeBase)), ("timestamps", .bool(timestamps)),
      ("frames", .optional(r.frames)),
      ("frames_declared", .optional(s.declaredFrameCount)),
      ("keyframes", r.counted ? .int(p.keyframes) : .null),
      ("keyframe_interval", gop.map { .object([("min", .int($0.min)), ("median", .int($0.median)), ("max", .int($0.max)),
                                               ("source", .string(r.counted ? "all packets" : "first \(p.packets) packets"))]) } ?? .null),
      ("corrupt_packets", .int(p.corruptPackets)), ("read_errors", .int(p.readErrors)),
      ("creation_time", .optional(s.tags["creation_time"])), ("encoder", .optional(s.tags["encoder"])),
      ("tags", .object(s.tags.keys.sorted().map { ($0, JSONValue.string(s.tags[$0]!)) })),
    ])
  }

  static func text(_ r: ProbeResult) -> String {
    let s = r.stream, p = r.packets
    var lines: [(String, String)] = []
    func add(_ k: String, _ v: String?) { if let v { lines.append((k, v)) } }
    func num(_ d: Double?) -> String? { d.map { String(format: "%.3f", $0).replacingOccurrences(of: ".000", with: "") } }
    add("file", r.path)
    add("size", "\(r.bytes) bytes")
    add("sha256", r.sha256)
    add("container", "\(s.container) (\(s.containerLongName))")
    add("stream", "\(s.streamIndex) of \(s.streamCount)")
    add("codec", s.codec + (s.profile.map { " (\($0))" } ?? ""))
    add("size (pixels)", "\(s.width)x\(s.height)")
    add("pixel format", s.pixelFormat)
    add("scan", s.fieldOrder)
    add("frame rate", num(s.nominalFPS).map { "\($0) fps (\(r.frameRateSource ?? ""))" } ?? "unknown (no timestamps)")
    if r.counted {
      add("measured rate", num(p.measuredFPS).map { "\($0) fps (from packet timestamps)" } ?? "unknown (no timestamps)")
      add("variable rate", p.variableFrameRate.map { $0 ? "yes" : "no" } ?? "unknown")
      add("frames", r.frames.map(String.init) ?? "unknown")
      add("keyframes", String(p.keyframes))
    }
    add("duration", s.duration.map { "\(Timecode.format($0)) (\(s.durationSource ?? ""))" } ?? "unknown")
    add("start time", num(s.startTime))
    add("bit rate", s.bitRate.map { "\($0 / 1000) kbit/s" })
    if let g = p.keyframeInterval {
      add("keyframe every", "min \(g.min), median \(g.median), max \(g.max) frames (\(r.counted ? "all packets" : "first \(p.packets) packets"))")
    }
    if p.corruptPackets + p.readErrors > 0 { add("damage", "\(p.corruptPackets) corrupt packets, \(p.readErrors) read errors") }
    add("creation time", s.tags["creation_time"])
    add("encoder", s.tags["encoder"])
    add("ffmpeg", FFmpegLibraries.versions.map { "\($0.name) \($0.version)" }.joined(separator: ", "))
    let width = lines.map(\.0.count).max() ?? 0
    return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
  }
}
