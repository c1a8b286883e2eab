import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// `osd`: reads each file's burned-in clock (`OnScreenClock`). A file that cannot be read
/// is recorded and the others are still read.
public struct OSDJob: Sendable {
  public var files: [String]
  public var settings: OSDSettings
  /// Where to write each decoded frame's reading as CSV (one file only).
  public var stats: String?

  public init(files: [String], settings: OSDSettings = OSDSettings(), stats: String? = nil) {
    self.files = files
    self.settings = settings
    self.stats = stats
  }

  public func run() throws -> OSDReport {
    try settings.validate()
    if stats != nil && files.count != 1 { throw SettingError("stats", "needs exactly one input file") }
    var report = OSDReport(settings: settings)
    for path in files {
      do {
        let result = try OnScreenClock(path: path, settings: settings).run()
        report.inputs.append(try InputRecord(path: path, info: result.info, clock: result.clock))
        report.results.append(result)
        if let stats { try OSDReport.writeStats(result, to: stats) }
      } catch let e as MediaError { report.failures.append(e) }
    }
    return report
  }
}

/// What `OSDJob` found: per file its box, format, readings, fit and jumps.
public struct OSDReport: JobReport {
  public static let command = "osd"
  public var settings: OSDSettings
  public var inputs: [InputRecord] = []
  public var results: [OSDResult] = []
  public var failures: [MediaError] = []

  public var warnings: [Warning] {
    results.flatMap { r in r.notes.filter { !$0.hasPrefix("no on-screen clock") }.map { Warning(file: r.path, message: $0) } }
  }

  /// The jumps as events (kind `osd-jump`).
  public var findings: [AuditFinding] { results.flatMap(\.jumpFindings) }

  public var json: JSONValue {
    let blocks = results.map(\.json)
    let osd: JSONValue = blocks.count == 1 ? blocks[0] : .array(blocks)
    return Self.document(parameters: settings.parameters, inputs: inputs, events: findings.map(\.json), extra: [("osd", osd)],
                         warnings: warnings)
  }

  public func text(elapsed: Double? = nil) -> String {
    var out = results.map { $0.text(everyTick: settings.everyTick) }.joined(separator: "\n")
    if let elapsed, let r = results.first, results.count == 1, let d = r.info.duration, elapsed > 0 {
      out += String(format: "speed: %.0f× realtime (%.2f s for %.0f s of video)\n", d / elapsed, elapsed, d)
    }
    return out
  }

  /// frame, time, shown (the clock read, empty when unreadable), fit (the fit's time).
  static func writeStats(_ r: OSDResult, to path: String) throws(MediaError) {
    let csv = try CSVWriter(path: path, header: "frame,time,shown,fit")
    for (frame, seconds) in r.frameValues {
      let shown = seconds.map { OSDResult.wallText(WallTime(milliseconds: $0 * 1000)) } ?? ""
      let fit = r.wall(atFrame: frame).map(\.iso) ?? ""
      csv.line("\(frame),\(String(format: "%.6f", r.clock.seconds(ofFrame: frame))),\(shown),\(fit)")
    }
    try csv.commit()
  }
}
