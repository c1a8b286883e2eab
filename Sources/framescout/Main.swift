import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// Exit codes (README): 0 ran, 1 usage error, 2 an input could not be read (or an output
/// could not be written), 3 some inputs failed in a batch, 4 `check` found a regression;
/// a batch stopped by a signal exits 128 + its number.
enum Exit {
  static let ok: Int32 = 0, usage: Int32 = 1, input: Int32 = 2, partial: Int32 = 3, regression: Int32 = 4
}

let toolVersion = FrameScoutVersion.string

@main
struct FrameScout: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "framescout",
    abstract: "Find, in hours of CCTV footage, the frames that matter.",
    discussion: """
      Times: seconds (83.48), HH:MM:SS(.mmm), or a frame number (#2087).
      Exit codes: 0 ran, 1 usage error, 2 an input could not be read or an output could not
      be written, 3 some inputs failed, 4 check found a regression.
      """,
    version: toolVersion,
    subcommands: [Probe.self, FrameExport.self, Sheet.self, Pick.self, Scan.self, Watch.self, Find.self, Compare.self, Audit.self, OSD.self, Batch.self, Merge.self, Check.self, Bench.self])

  /// Runs the command line with FrameScout's exit codes: ArgumentParser's own usage
  /// errors (64 by default) become 1; a `MediaError` prints `framescout: FILE: reason`
  /// and exits 2, or 1 when the input is fine but the request is not (a time past the end).
  static func main() {
    let code: Int32
    do {
      var command = try parseAsRoot()
      try command.run()
      code = Exit.ok
    } catch let error as MediaError {
      printError(error.description)
      code = error.kind == .outOfRange ? Exit.usage : Exit.input
    } catch let error as SettingError {
      printError(error.usage.message)
      code = Exit.usage
    } catch let error as ValidationError {
      // Thrown by run() once the inputs are known (a region outside the frame): one line.
      printError(error.message)
      code = Exit.usage
    } catch let error as FailedInputs {
      code = error.code
    } catch {
      let exit = exitCode(for: error)
      if exit == .success { Self.exit(withError: error) }   // --help, --version
      if let e = error as? ExitCode { code = e.rawValue }
      else {
        printError(fullMessage(for: error).replacingOccurrences(of: "Error: ", with: ""))
        code = Exit.usage
      }
    }
    Foundation.exit(outputCheck(code))
  }

  /// Standard output that could not be written (redirected to a full disk) fails the
  /// command in one line with exit 2, instead of a silently short report.
  static func outputCheck(_ code: Int32) -> Int32 {
    // C's `stdout` stream, by its address (strict concurrency refuses a reference to the C
    // global): ferror tells of a write of an earlier print that failed, fflush of the last.
    guard let out = dlsym(nil, "stdout")?.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee else { return code }
    let flushed = fflush(out), reason = errno
    if flushed == 0 && ferror(out) == 0 { return code }
    printError("standard output: cannot write: \(flushed != 0 ? String(cString: strerror(reason)) : "a write failed")")
    return code == Exit.ok ? Exit.input : code
  }
}

/// Some inputs failed; their errors were already printed.
struct FailedInputs: Error { let code: Int32 }

func printError(_ message: String) {
  writeStandardError("framescout: " + message + "\n")
}

/// Text on stderr, best effort: a failed write (stderr on a full disk) is ignored, where
/// FileHandle's `write(_:)` would trap.
func writeStandardError(_ text: String) {
  var bytes = Array(text.utf8)[...]
  while !bytes.isEmpty {
    let n = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { return }
    bytes = bytes.dropFirst(n)
  }
}

/// Options every command that opens videos shares.
struct InputOptions: ParsableArguments {
  @Option(help: "Video stream index to use (as ffprobe numbers streams); default: the best video stream.")
  var stream: Int?

  @Option(help: "Force the input format (FFmpeg demuxer name: h264, hevc, dhav, mjpeg…).")
  var format: String?

  @Option(help: "Frame rate for streams without timestamps (raw .h264/.265); default: the stream's timing info, else 25.")
  var fps: Double?

  @OptionGroup var clocks: ClockOptions

  @Option(name: .customLong("clock-start"), help: "Wall-clock time of the file's first frame: \"2026-11-20 07:31:05[.000]\".")
  var clockStart: String?

  @Option(name: .customLong("clock-at"), help: "A frame or time and the wall-clock time it showed: \"#1250=2026-11-20 07:31:55\".")
  var clockAt: String?

  func validate() throws {
    do { try open.validate() } catch { throw error.usage }
    _ = try clockRequest()
  }

  /// The `--clock…` options as a request; a usage error for any that does not parse.
  func clockRequest() throws -> ClockRequest {
    var r = try clocks.request()
    if let clockStart {
      guard let t = WallTime(parsing: clockStart) else {
        throw ValidationError("--clock-start '\(clockStart)' is not a date and time (YYYY-MM-DD HH:MM:SS[.mmm])")
      }
      r.start = t
    }
    if let clockAt {
      guard let a = ClockAt(parsing: clockAt) else {
        throw ValidationError("--clock-at '\(clockAt)' must be FRAME-OR-TIME=DATE TIME, e.g. \"#1250=2026-11-20 07:31:55\"")
      }
      r.at = a
    }
    if clockStart != nil && clockAt != nil { throw ValidationError("--clock-start and --clock-at say the same thing: give one") }
    if r.source == .user && clockStart == nil && clockAt == nil { throw ValidationError("--clock user needs --clock-start or --clock-at") }
    return r
  }

  var open: OpenOptions { OpenOptions(stream: stream, format: format, fps: fps, clock: (try? clockRequest()) ?? ClockRequest()) }
}

/// `--clock`, `--clock-offset` and `--clock-drift`: shared by every command that opens videos
/// (with `--clock-start`/`--clock-at`, see `InputOptions`) and by batch.
struct ClockOptions: ParsableArguments {
  @Option(help: "Wall-clock source: user, osd, dvr, export_name, container, name_stamp or none; default: the first available in that order (osd only when asked: it reads the picture).")
  var clock: String?

  @Option(name: .customLong("clock-offset"), help: "The DVR clock minus true time, as measured on scene: +7m32s (the DVR was fast), -00:01:05.")
  var clockOffset: String?

  @Option(name: .customLong("clock-drift"), help: "The DVR clock's drift in seconds per day, from each file's first frame (+2: it gains 2 s a day).")
  var clockDrift: Double?

  @Option(help: "Show zoned wall times in this zone in text output: UTC, +01:00, -0530, Europe/London (JSON keeps each time as read; times without a zone are shown as read).")
  var timezone: String?

  /// The options as a request; a usage error for any that does not parse.
  func request() throws -> ClockRequest {
    var r = try clockCorrection(source: clock, offset: clockOffset, drift: clockDrift)
    if let timezone {
      guard WallTimes.zoneMinutes(timezone) != nil else {
        throw ValidationError("--timezone '\(timezone)' is not a zone (UTC, +01:00, -0530, or a tz name such as Europe/London)")
      }
      r.display = timezone
    }
    return r
  }
}

func clockCorrection(source: String?, offset: String?, drift: Double?) throws -> ClockRequest {
  var r = ClockRequest()
  if let source {
    guard let s = ClockSource(rawValue: source) else {
      throw ValidationError("--clock '\(source)' must be one of user, osd, dvr, export_name, container, name_stamp, none")
    }
    r.source = s
  }
  if let offset {
    guard let v = ClockCorrection.seconds(parsingOffset: offset) else {
      throw ValidationError("--clock-offset '\(offset)' is not a signed duration (+7m32s, -00:01:05, 452)")
    }
    r.correction.offset = v
  }
  if let drift {
    guard drift.isFinite, abs(drift) <= 3600 else { throw ValidationError("--clock-drift must be within ±3600 s/day") }
    r.correction.drift = drift
  }
  return r
}

extension TimeSpec: ExpressibleByArgument {
  public init?(argument: String) { self.init(parsing: argument) }
}

extension SettingError {
  /// The library's error in the command line's words: the setting as its flag, and
  /// settings named in the reason (`from`) as flags too.
  var usage: ValidationError {
    var words = reason
    while let open = words.firstIndex(of: "`"), let close = words[words.index(after: open)...].firstIndex(of: "`") {
      let name = words[words.index(after: open)..<close]
      words.replaceSubrange(open...close, with: "--" + name.map { $0 == "_" ? "-" : $0 })
    }
    return ValidationError(flag + " " + words)
  }
}
