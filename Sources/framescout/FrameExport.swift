import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import Foundation

struct FrameExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frame",
    abstract: "Export one exact frame as JPEG.",
    discussion: "TIME is seconds (83.48), HH:MM:SS.mmm, or a frame number (#2087, counted from #0). A time picks the frame on screen at that moment.")

  @Argument(help: "Video file.") var file: String
  @Option(help: "The frame: seconds, HH:MM:SS.mmm or #frame.") var at: TimeSpec
  @Option(name: .shortAndLong, help: "Output JPEG file.") var output: String
  @Option(help: "Width of the output in pixels (aspect kept); default: the frame's display width.") var width: Int?
  @Option(help: "JPEG quality, 1–100.") var quality = 92
  @OptionGroup var input: InputOptions

  var settings: FrameSettings {
    var s = FrameSettings(at: at)
    s.width = width
    s.quality = quality
    s.open = input.open
    return s
  }

  func validate() throws { try checkSettings(settings, output: output, input: file) }

  func run() throws {
    let report = try FrameJob(file: file, output: output, settings: settings).run()
    printText(report.text, warnings: report.warnings)
  }
}

struct Sheet: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a contact sheet: frames at regular times, each with its timecode and frame number.")

  @Argument(help: "Video file.") var file: String
  @Option(name: .shortAndLong, help: "Output JPEG file.") var output: String
  @Option(help: "One tile every this long (10s, 00:01:00, 2.5).") var every: String?
  @Option(help: "Number of tiles spread over the video (default 24 when --every is not given).") var count: Int?
  @Option(help: "Tiles per row.") var columns = 6
  @Option(help: "Tile width in pixels.") var tileWidth = 320
  @Option(help: "JPEG quality, 1–100.") var quality = 88
  @OptionGroup var input: InputOptions

  var settings: SheetSettings {
    var s = SheetSettings()
    s.every = every.flatMap(parseDuration)
    s.count = count
    s.columns = columns
    s.tileWidth = tileWidth
    s.quality = quality
    s.open = input.open
    return s
  }

  func validate() throws {
    if every != nil && count != nil { throw ValidationError("give --every or --count, not both") }
    if let every, (parseDuration(every) ?? 0) <= 0 { throw ValidationError("--every '\(every)' is not a positive duration (e.g. 10s, 00:01:00)") }
    try checkSettings(settings, output: output, input: file)
  }

  func run() throws {
    let report: SheetReport
    do { report = try SheetJob(file: file, output: output, settings: settings).run() }
    catch let e as SettingError where e.setting == "every" { throw ValidationError("--every \(every!) " + e.reason) }
    if !report.missing.isEmpty {
      let n = report.missing.count
      printError("\(file): skipped \(n) frame\(n == 1 ? "" : "s") that could not be decoded: \(report.missing.map { "#\($0)" }.joined(separator: ", "))")
    }
    printText(report.text, warnings: report.warnings)
  }
}
