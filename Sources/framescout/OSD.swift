import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation

struct OSD: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "osd",
    abstract: "Read the DVR's burned-in on-screen clock, frame-exact, and flag where it jumps.",
    discussion: """
      Without --box the clock is found where a digit ticks once a second in the top or
      bottom quarter of the picture. The DVR's digits are learnt from the clip itself (the
      seconds count 0-9), so the first \(Int(OSDSettings().learnSeconds)) s must show the clock.
      Default: keyframes are read and only a few GOPs decoded frame by frame; every frame's
      wall time comes from the fit. --every-tick decodes every frame and lists every tick.
      A jump is a frame where the clock departs from the fit by more than 1.5 s.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Option(help: "The clock's box in source pixels: x,y,w,h (default: found).") var box: String?
  @Option(help: "The clock's format: YYYY, MM, DD, HH (hh and A for 12-hour), mm, ss; other text is skipped (default: inferred).")
  var format: String?
  @Flag(name: .customLong("every-tick"), help: "Decode every frame and list every tick.") var everyTick = false
  @Flag(help: "Write JSON (schema framescout/1) instead of text.") var json = false
  @Option(help: "Write every decoded frame's reading as CSV (frame,time,shown,fit) to this file (one file only).") var stats: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    _ = try settings()
    if let stats {
      if files.count != 1 { throw ValidationError("--stats needs exactly one input file") }
      try checkOutput(stats, inputs: files)
    }
  }

  func settings() throws -> OSDSettings {
    var s = OSDSettings()
    if let box {
      let v = box.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard v.count == 4, let x = v[0], let y = v[1], let w = v[2], let h = v[3], x >= 0, y >= 0 else {
        throw ValidationError("--box '\(box)' must be x,y,w,h in pixels")
      }
      s.box = PixelRect(x: x, y: y, width: w, height: h)
    }
    s.format = format
    s.everyTick = everyTick
    s.threads = threads
    s.open = input.open
    do { try s.validate() } catch { throw error.usage }
    return s
  }

  func run() throws {
    let started = Date()
    let report = try OSDJob(files: files, settings: try settings(), stats: stats).run()
    if files.count == 1, let failure = report.failures.first { throw failure }
    for error in report.failures { printError(error.description) }
    print(json ? report.json.serialized() : report.text(elapsed: Date().timeIntervalSince(started)), terminator: "")
    printWarnings(report.allWarnings)
    if !report.failures.isEmpty { throw FailedInputs(code: report.failures.count == files.count ? Exit.input : Exit.partial) }
  }
}
