import ArgumentParser
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Audit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check recordings for timestamp gaps, duplicated frames, content discontinuities and damaged data.",
    discussion: """
      Each file is decoded once. Findings are observations with a confidence and their
      evidence (e.g. "timestamp gap of 480 ms (12 frames at 25 fps)", "frame identical to
      previous", "content discontinuity"); they do not say why the footage looks so.
      Event kinds: timestamp-gap, irregular-timestamps, duplicate-frame, discontinuity,
      gop-change (keyframe interval or picture format), corrupt-data.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write the MD5 of every decoded frame in FFmpeg's framemd5 format to this file (one file only).") var framemd5: String?
  @Option(help: "Write the per-frame signals behind the findings as CSV to this file (one file only).") var signals: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    if let signals {
      if files.count != 1 { throw ValidationError("--signals needs exactly one input file") }
      try checkOutput(signals, inputs: files)
    }
    if let framemd5 {
      if files.count != 1 { throw ValidationError("--framemd5 needs exactly one input file") }
      try checkOutput(framemd5, inputs: files)
    }
  }

  func run() throws {
    let settings = AuditSettings()
    var fp = FingerprintSettings()
    fp.threads = threads
    fp.open = input.open
    fp.md5 = framemd5 != nil
    var inputs: [JSONValue] = []
    var events: [Event] = []
    var warnings: [(file: String, message: String)] = []
    var failed = 0
    for file in files {
      let stream: FingerprintStream
      do { stream = try FingerprintStream.make(path: file, settings: fp) }
      catch let e as MediaError {
        if files.count == 1 { throw e }
        printError(e.description); failed += 1; continue
      }
      let result = FrameAudit(settings: settings).audit(stream)
      if let framemd5 { try AtomicFile.write(Array(FrameMD5.text(stream).utf8), to: framemd5) }
      if let signals { try AtomicFile.write(Array(signalsCSV(stream).utf8), to: signals) }
      events += result.events
      warnings += result.warnings.map { (file: file, message: $0) }
      inputs.append(try inputJSON(stream))
      if !json {
        print("\(file): \(stream.count) frames, \(result.events.isEmpty ? "no findings" : "\(result.events.count) finding\(result.events.count == 1 ? "" : "s")")"
              + (result.keyframeInterval.map { ", keyframe every \($0) frames" } ?? ""))
        for e in result.events {
          let message: String
          if case .text(let m)? = e.details.first(where: { $0.name == "message" })?.value { message = m } else { message = "" }
          let range = e.start.frame == e.end.frame ? "#\(e.start.frame)" : "#\(e.start.frame)-#\(e.end.frame)"
          print("  \(e.start.timecode)  \(range)  \(e.kind.rawValue)  confidence \(String(format: "%.2f", e.score))  \(message)")
        }
      }
    }
    if json {
      let doc = Envelope.make(
        toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "audit",
        parameters: [("gap_factor", .double(settings.gapFactor)), ("irregular_tolerance", .double(settings.irregularTolerance)),
                     ("minimum_motion", .double(Double(settings.minimumMotion))), ("duplicate_fraction", .double(Double(settings.duplicateFraction))),
                     ("discontinuity_minimum", .double(Double(settings.discontinuityMinimum))),
                     ("discontinuity_ratio", .double(Double(settings.discontinuityRatio))),
                     ("analysis_width", .int(fp.analysisWidth)), ("framemd5", .optional(framemd5))],
        inputs: inputs, events: events.map(JSONValue.event), warnings: warnings)
      print(doc.serialized(), terminator: "")
    }
    for w in warnings { printError("\(w.file): warning: \(w.message)") }
    if failed > 0 { throw FailedInputs(code: failed == files.count ? Exit.input : Exit.partial) }
  }
}

/// The `inputs` entry of a fingerprinted file (DESIGN.md), with the exact frame count.
func inputJSON(_ s: FingerprintStream) throws -> JSONValue {
  let bytes = (try? FileManager.default.attributesOfItem(atPath: s.path)[.size] as? Int) ?? nil
  let duration = s.count > 0 ? s.time[s.count - 1] + (s.medianInterval ?? 1 / s.frameRate) : 0
  return .object([("path", .string(s.path)), ("sha256", .string(try FileDigest.sha256(path: s.path).hex)),
                  ("bytes", .optional(bytes)), ("container", .string(s.info.container)), ("codec", .string(s.info.codec)),
                  ("width", .int(s.info.width)), ("height", .int(s.info.height)),
                  ("fps", .double(JSONValue.rounded(s.frameRate, 6))), ("duration", .double(JSONValue.rounded(duration, 6))),
                  ("frames", .int(s.count))])
}

/// FFmpeg's framemd5 text (`ffmpeg -i F -f framemd5 -`): a header, then per frame
/// `stream, dts, pts, duration, size, md5`, timestamps in the stream's time base.
enum FrameMD5 {
  static func text(_ s: FingerprintStream) -> String {
    var out = "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: \(s.info.timeBase)\n#media_type 0: video\n#codec_id 0: rawvideo\n"
    if let f = s.formats.first { out += "#dimensions 0: \(f.width)x\(f.height)\n" }
    out += "#stream#, dts,        pts, duration,     size, hash\n"
    let origin = s.pts.compactMap { $0 }.first ?? 0
    for k in 0..<s.count {
      let t = s.pts[k].map { $0 - origin } ?? Int64(k)
      let hex = s.md5[k].map { String(format: "%02x", $0) }.joined()
      out += "0, \(pad(t, 10)), \(pad(t, 10)), \(pad(max(0, s.durationTicks[k]), 8)), \(pad(Int64(s.rawSize[k]), 8)), \(hex)\n"
    }
    return out
  }
  static func pad(_ v: Int64, _ w: Int) -> String {
    let s = String(v)
    return String(repeating: " ", count: max(0, w - s.count)) + s
  }
}

/// Per-frame signals as CSV: what the audit looked at, so a reader can see why.
func signalsCSV(_ s: FingerprintStream) -> String {
  var out = "frame,time,pts,keyframe,corrupt,packet_size,change,grid_change,phash_distance,bit_identical_to_previous,brightness\n"
  for k in 0..<s.count {
    let g = k > 0 ? s.gridDistance(k, k - 1) : 0
    let p = k > 0 ? (s.phash[k] ^ s.phash[k - 1]).nonzeroBitCount : 0
    let same = k > 0 && s.contentHash[k] == s.contentHash[k - 1]
    out += "\(k),\(String(format: "%.6f", s.time[k])),\(s.pts[k].map(String.init) ?? ""),\(s.isKeyframe[k] ? 1 : 0),\(s.isCorrupt[k] ? 1 : 0),"
      + "\(s.packetSize[k]),\(String(format: "%.4f", s.change[k])),\(String(format: "%.4f", g)),\(p),\(same ? 1 : 0),\(String(format: "%.2f", s.brightness[k]))\n"
  }
  return out
}
