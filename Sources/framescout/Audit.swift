import ArgumentParser
import FrameScout
import FrameScoutSearch

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
    let job = AuditJob(files: files, frameMD5: framemd5, signals: signals)
    do { try job.validate() } catch { throw error.usage }
    if let signals { try checkOutput(signals, inputs: files) }
    if let framemd5 { try checkOutput(framemd5, inputs: files) }
  }

  func run() throws {
    var fingerprint = FingerprintSettings()
    fingerprint.threads = threads
    fingerprint.open = input.open
    let job = AuditJob(files: files, fingerprint: fingerprint, frameMD5: framemd5, signals: signals)
    // Printed as each file is done. One file that cannot be read is the command's error
    // (exit 2); of several, it is said and the others go on (exit 3, or 2 when none was read).
    let report = try job.run { outcome in
      switch outcome {
      case .failed(let error) where files.count > 1: printError(error.description)
      case .audited(let entry) where !json: print(entry.text, terminator: "")
      default: break
      }
    }
    if files.count == 1, let failure = report.failures.first { throw failure }
    if json { print(report.json.serialized(), terminator: "") }
    printWarnings(report.allWarnings)
    if !report.failures.isEmpty { throw FailedInputs(code: report.failures.count == files.count ? Exit.input : Exit.partial) }
  }
}
