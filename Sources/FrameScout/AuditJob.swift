import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch

/// `audit`: each file decoded once into fingerprints and audited (`FrameAudit`), and for a
/// single file, on request, the MD5 of every decoded frame (framemd5) and the per-frame
/// signals (CSV) written beside the report.
public struct AuditJob: Sendable {
  public var files: [String]
  public var settings: AuditSettings
  /// Decoding: stream, format and frame rate (`open`), threads, analysis width. The MD5
  /// of every frame is taken when `frameMD5` is set.
  public var fingerprint: FingerprintSettings
  /// Where to write the frames' MD5s in FFmpeg's framemd5 format (one file only).
  public var frameMD5: String?
  /// Where to write the per-frame signals as CSV (one file only).
  public var signals: String?

  public init(files: [String], settings: AuditSettings = AuditSettings(), fingerprint: FingerprintSettings = FingerprintSettings(),
              frameMD5: String? = nil, signals: String? = nil) {
    self.files = files
    self.settings = settings
    self.fingerprint = fingerprint
    self.frameMD5 = frameMD5
    self.signals = signals
  }

  public func validate() throws(SettingError) {
    try settings.validate()
    if signals != nil && files.count != 1 { throw SettingError("signals", "needs exactly one input file") }
    if frameMD5 != nil && files.count != 1 { throw SettingError("framemd5", "needs exactly one input file") }
  }

  /// Audits the files in order. A file that cannot be read is recorded in the report's
  /// `failures` and the others go on; an output that cannot be written stops the run.
  /// `each` sees every file's outcome as soon as it is known (a terminal prints as it goes).
  public func run(each: ((AuditReport.Outcome) -> Void)? = nil) throws -> AuditReport {
    try validate()
    var decoding = fingerprint
    if frameMD5 != nil { decoding.md5 = true }
    var entries: [AuditReport.Entry] = []
    var failures: [MediaError] = []
    for path in files {
      let audit: FileAudit
      do { audit = try FileAudit(path: path, settings: settings, fingerprint: decoding) } catch let e as MediaError {
        failures.append(e)
        each?(.failed(e))
        continue
      }
      if let frameMD5 { try audit.writeFrameMD5(to: frameMD5) }
      if let signals { try audit.writeSignals(to: signals) }
      let entry = AuditReport.Entry(input: try InputRecord(fingerprinted: audit.stream, clock: decoding.open.clock), audit: audit)
      entries.append(entry)
      each?(.audited(entry))
    }
    return AuditReport(settings: settings, analysisWidth: decoding.analysisWidth, frameMD5: frameMD5, entries: entries, failures: failures)
  }
}
