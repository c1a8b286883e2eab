import ArgumentParser
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

  func validate() throws {
    if let width, !(16...16384).contains(width) { throw ValidationError("--width must be between 16 and 16384") }
    if !(1...100).contains(quality) { throw ValidationError("--quality must be between 1 and 100") }
    try checkOutput(output, inputs: [file])
  }

  func run() throws {
    let grabber = try FrameGrabber(path: file, options: input.open)
    let n = try grabber.frameNumber(for: at)
    let (jpeg, time) = try grabber.withFrame(n) { frame, _ in
      (try JPEGEncoder.encode(frame.rgb(width: width), quality: quality), frame.time)
    }
    try AtomicFile.write(jpeg, to: output)
    print("\(file): frame #\(n) at \(Timecode.format(time)) -> \(output)")
    reportProblems(file, grabber)
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

  var interval: Double? { every.flatMap(parseDuration) }

  func validate() throws {
    if every != nil && count != nil { throw ValidationError("give --every or --count, not both") }
    if let every, (parseDuration(every) ?? 0) <= 0 { throw ValidationError("--every '\(every)' is not a positive duration (e.g. 10s, 00:01:00)") }
    if let count, !(1...400).contains(count) { throw ValidationError("--count must be between 1 and 400") }
    if !(1...20).contains(columns) { throw ValidationError("--columns must be between 1 and 20") }
    if !(32...1920).contains(tileWidth) { throw ValidationError("--tile-width must be between 32 and 1920") }
    if !(1...100).contains(quality) { throw ValidationError("--quality must be between 1 and 100") }
    try checkOutput(output, inputs: [file])
  }

  func run() throws {
    let grabber = try FrameGrabber(path: file, options: input.open)
    let fps = grabber.info.nominalFPS ?? input.fps ?? 25
    let total = grabber.frameCount ?? grabber.info.duration.map { Int($0 * fps) } ?? Int(fps * 60)
    guard total > 0 else { throw MediaError(file: file, kind: .outOfRange, reason: "no frames to show") }
    let duration = Double(total) / fps
    var numbers: [Int]
    if let interval {
      numbers = stride(from: 0.0, to: duration, by: interval).compactMap { try? grabber.frameNumber(for: .seconds($0)) }
      if numbers.count > 400 { throw ValidationError("--every \(every!) gives \(numbers.count) tiles; the limit is 400") }
    } else {
      let n = min(count ?? 24, total)
      numbers = (0..<n).map { k in
        (try? grabber.frameNumber(for: .seconds(duration * Double(k) / Double(n)))) ?? k * total / n
      }
    }
    numbers = Array(Set(numbers.filter { $0 < total })).sorted()
    guard !numbers.isEmpty else { throw MediaError(file: file, kind: .outOfRange, reason: "no frames to show") }

    let scale = tileWidth >= 240 ? 2 : 1
    let label = BitmapFont.lineHeight * scale + 8
    var tiles: [(RGBImage, String)] = []
    let missing = try grabber.forEachFrame(numbers) { frame, n in
      tiles.append((frame.rgb(width: tileWidth), "\(Timecode.format(frame.time))  #\(n)"))
    }
    if !missing.isEmpty {
      printError("\(file): skipped \(missing.count) frame\(missing.count == 1 ? "" : "s") that could not be decoded: \(missing.map { "#\($0)" }.joined(separator: ", "))")
    }
    guard let first = tiles.first?.0 else { throw MediaError(file: file, kind: .outOfRange, reason: "no frame could be decoded") }
    let cols = min(columns, tiles.count), rows = (tiles.count + cols - 1) / cols
    let gap = 4, cellW = first.width, cellH = first.height + label
    var sheet = RGBImage(width: cols * cellW + (cols + 1) * gap, height: rows * cellH + (rows + 1) * gap, fill: (24, 24, 24))
    for (k, (tile, text)) in tiles.enumerated() {
      let x = gap + (k % cols) * (cellW + gap), y = gap + (k / cols) * (cellH + gap)
      sheet.paste(tile, x: x, y: y)
      sheet.drawText(text, x: x + 4, y: y + tile.height + 4, scale: scale)
    }
    try AtomicFile.write(try JPEGEncoder.encode(sheet, quality: quality), to: output)
    print("\(file): \(tiles.count) frames -> \(output)")
    reportProblems(file, grabber)
  }
}

/// Warnings and damage seen while decoding, one line each on stderr.
func reportProblems(_ file: String, _ grabber: FrameGrabber) {
  for w in grabber.warnings { printError("\(file): warning: \(w)") }
  if !grabber.damage.isEmpty { printError("\(file): warning: damaged data: \(grabber.damage.summary)") }
}

/// `10s`, `1.5`, `00:01:00` → seconds.
func parseDuration(_ text: String) -> Double? { TimeSpec.seconds(parsingDuration: text) }

/// Outputs never overwrite an input (evidence is never written to) and need an existing folder.
func checkOutput(_ output: String, inputs: [String]) throws {
  let out = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath()
  for file in inputs where URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath() == out {
    throw ValidationError("the output \(output) is an input file: inputs are never written to")
  }
  var isDir: ObjCBool = false
  let dir = out.deletingLastPathComponent().path
  if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
    throw ValidationError("the folder of \(output) does not exist")
  }
  if FileManager.default.fileExists(atPath: out.path, isDirectory: &isDir), isDir.boolValue {
    throw ValidationError("the output \(output) is a directory")
  }
}
