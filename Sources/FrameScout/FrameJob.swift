import FrameScoutCore
import FrameScoutMedia
import Foundation

/// Settings of `frame`: which frame, and the picture written.
public struct FrameSettings: EngineSettings {
  public var at: TimeSpec
  /// Output width in pixels (aspect kept); nil: the frame's display width.
  public var width: Int?
  /// JPEG quality, 1…100.
  public var quality = 92
  public var open = OpenOptions()

  public init(at: TimeSpec) { self.at = at }

  public func validate() throws(SettingError) {
    if let width, !(16...16384).contains(width) { throw SettingError("width", "must be between 16 and 16384") }
    if !(1...100).contains(quality) { throw SettingError("quality", "must be between 1 and 100") }
    try open.validate()
  }

  public var parameters: [(String, JSONValue)] {
    [("at", .string(at.description)), ("width", .optional(width)), ("quality", .int(quality))] + open.parameters
  }
}

/// Writes one exact frame as a colour JPEG: frame #N is frame N in presentation order in
/// every container (the grabber lands on its own timestamp).
public struct FrameJob: Sendable {
  public var file: String
  public var output: String
  public var settings: FrameSettings

  public init(file: String, output: String, settings: FrameSettings) {
    self.file = file
    self.output = output
    self.settings = settings
  }

  public func run() throws -> FrameReport {
    try settings.validate()
    let grabber = try FrameGrabber(path: file, options: settings.open)
    let n = try grabber.frameNumber(for: settings.at)
    let (jpeg, time) = try grabber.withFrame(n) { frame, _ in
      (try JPEGEncoder.encode(frame.rgb(width: settings.width), quality: settings.quality), frame.time)
    }
    try AtomicFile.write(jpeg, to: output)
    return FrameReport(file: file, output: output, frame: TimePoint(frame: n, time: time), warnings: Warning.of(grabber))
  }
}

/// The frame `FrameJob` wrote.
public struct FrameReport: Sendable {
  public var file: String
  public var output: String
  public var frame: TimePoint
  public var warnings: [Warning]

  public var text: String { "\(file): frame #\(frame.frame) at \(frame.timecode) -> \(output)\n" }
}

extension Warning {
  /// What a grabber saw while decoding: its notes, then damaged data.
  static func of(_ grabber: FrameGrabber) -> [Warning] {
    grabber.warnings.map { Warning(file: grabber.path, message: $0) }
      + (grabber.damage.isEmpty ? [] : [Warning(file: grabber.path, message: "damaged data: \(grabber.damage.summary)")])
  }
}

/// Settings of `sheet`: which frames (one every `every` seconds, or `count` spread over the
/// video) and how the tiles are laid out.
public struct SheetSettings: EngineSettings {
  public var every: Double?
  public var count: Int?
  public var columns = 6
  public var tileWidth = 320
  public var quality = 88
  public var open = OpenOptions()
  /// Most tiles on one sheet.
  public static let maximumTiles = 400
  public static let defaultCount = 24

  public init() {}

  public func validate() throws(SettingError) {
    if every != nil && count != nil { throw SettingError("every", "and `count` cannot be used together") }
    if let every, !(every > 0) { throw SettingError("every", "must be a positive duration (e.g. 10s, 00:01:00)") }
    if let count, !(1...Self.maximumTiles).contains(count) { throw SettingError("count", "must be between 1 and \(Self.maximumTiles)") }
    if !(1...20).contains(columns) { throw SettingError("columns", "must be between 1 and 20") }
    if !(32...1920).contains(tileWidth) { throw SettingError("tile_width", "must be between 32 and 1920") }
    if !(1...100).contains(quality) { throw SettingError("quality", "must be between 1 and 100") }
    try open.validate()
  }

  public var parameters: [(String, JSONValue)] {
    [("every", .optional(every)), ("count", .optional(count)), ("columns", .int(columns)), ("tile_width", .int(tileWidth)),
     ("quality", .int(quality))] + open.parameters
  }
}

/// A contact sheet: frames at regular times, each labelled with its timecode and number.
public struct SheetJob: Sendable {
  public var file: String
  public var output: String
  public var settings: SheetSettings

  public init(file: String, output: String, settings: SheetSettings) {
    self.file = file
    self.output = output
    self.settings = settings
  }

  public func run() throws -> SheetReport {
    try settings.validate()
    let grabber = try FrameGrabber(path: file, options: settings.open)
    let numbers = try frameNumbers(grabber)
    var tiles: [(RGBImage, String)] = []
    let clock = FindingPicture.wallClock(grabber, open: settings.open)
    let missing = try grabber.forEachFrame(numbers) { frame, n in
      let wall = FindingPicture.wallLabel(clock, seconds: frame.time)
      tiles.append((frame.rgb(width: settings.tileWidth), "\(Timecode.format(frame.time))  #\(n)" + (wall.map { "\n" + $0 } ?? "")))
    }
    guard !tiles.isEmpty else { throw MediaError(file: file, kind: .outOfRange, reason: "no frame could be decoded") }
    try AtomicFile.write(try JPEGEncoder.encode(layout(tiles), quality: settings.quality), to: output)
    return SheetReport(file: file, output: output, tiles: tiles.count, missing: missing, warnings: Warning.of(grabber))
  }

  /// The frames to show, ascending, without repeats.
  func frameNumbers(_ grabber: FrameGrabber) throws -> [Int] {
    let clock = grabber.clock
    let total = grabber.frameCount ?? grabber.info.duration.map { Int($0 * clock.rate) } ?? Int(clock.rate * 60)
    guard total > 0 else { throw MediaError(file: file, kind: .outOfRange, reason: "no frames to show") }
    let duration = clock.seconds(ofFrame: total)
    var numbers: [Int]
    if let interval = settings.every {
      numbers = stride(from: 0.0, to: duration, by: interval).compactMap { try? grabber.frameNumber(for: .seconds($0)) }
      if numbers.count > SheetSettings.maximumTiles {
        throw SettingError("every", "gives \(numbers.count) tiles; the limit is \(SheetSettings.maximumTiles)")
      }
    } else {
      let n = min(settings.count ?? SheetSettings.defaultCount, total)
      numbers = (0..<n).map { k in (try? grabber.frameNumber(for: .seconds(duration * Double(k) / Double(n)))) ?? k * total / n }
    }
    numbers = Array(Set(numbers.filter { $0 < total })).sorted()
    guard !numbers.isEmpty else { throw MediaError(file: file, kind: .outOfRange, reason: "no frames to show") }
    return numbers
  }

  /// The tiles in rows of `columns`, each with its label under it.
  func layout(_ tiles: [(RGBImage, String)]) -> RGBImage {
    let scale = settings.tileWidth >= 240 ? 2 : 1
    // One line a label, two with a wall-clock line; a line too long for the tile is drawn smaller.
    let lines = tiles.map { $0.1.split(separator: "\n").count }.max() ?? 1
    let label = lines * (BitmapFont.lineHeight * scale + 4) + 4
    let first = tiles[0].0
    let cols = min(settings.columns, tiles.count), rows = (tiles.count + cols - 1) / cols
    let gap = 4, cellW = first.width, cellH = first.height + label
    var sheet = RGBImage(width: cols * cellW + (cols + 1) * gap, height: rows * cellH + (rows + 1) * gap, fill: (24, 24, 24))
    for (k, (tile, text)) in tiles.enumerated() {
      let x = gap + (k % cols) * (cellW + gap), y = gap + (k / cols) * (cellH + gap)
      sheet.paste(tile, x: x, y: y)
      for (i, line) in text.split(separator: "\n").enumerated() {
        let s = BitmapFont.width(of: String(line), scale: scale) <= tile.width - 8 ? scale : 1
        sheet.drawText(String(line), x: x + 4, y: y + tile.height + 4 + i * (BitmapFont.lineHeight * scale + 4), scale: s)
      }
    }
    return sheet
  }
}

/// The sheet `SheetJob` wrote.
public struct SheetReport: Sendable {
  public var file: String
  public var output: String
  public var tiles: Int
  /// Frames that could not be decoded (damaged data), skipped.
  public var missing: [Int]
  public var warnings: [Warning]

  public var text: String { "\(file): \(tiles) frames -> \(output)\n" }
}
