import Crypto
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import Foundation

/// Settings of `pick`: the frame to draw on (default a tenth of the way in), how many
/// other frames the strip shows, and the JPEG quality of the embedded pictures.
public struct PickSettings: EngineSettings {
  public var at: TimeSpec?
  /// Other frames, spread evenly over the video, shown under the picture (0: none).
  public var frames = 0
  public var quality = 90
  public var open = OpenOptions()
  public static let maximumFrames = 60

  public init(at: TimeSpec? = nil, frames: Int = 0, open: OpenOptions = OpenOptions()) { (self.at, self.frames, self.open) = (at, frames, open) }

  public func validate() throws(SettingError) {
    if !(0...Self.maximumFrames).contains(frames) { throw SettingError("frames", "must be between 0 and \(Self.maximumFrames)") }
    if !(1...100).contains(quality) { throw SettingError("quality", "must be between 1 and 100") }
    try open.validate()
  }

  public var parameters: [(String, JSONValue)] {
    [("at", .optional(at?.description)), ("frames", .int(frames)), ("quality", .int(quality))] + open.parameters
  }
}

/// Writes `pick`'s page (`PickPage`): the exact frame at the time asked, or, when that
/// frame cannot be decoded (damaged or missing data), the nearest one that can, with a
/// warning naming both.
public struct PickJob: Sendable {
  public var file, output: String
  public var settings: PickSettings

  public init(file: String, output: String, settings: PickSettings) { (self.file, self.output, self.settings) = (file, output, settings) }

  public func run() throws -> PickReport {
    try settings.validate()
    let grabber = try FrameGrabber(path: file, options: settings.open), wanted = try settings.at.map { try grabber.frameNumber(for: $0) } ?? defaultFrame(grabber)
    let found = try nearestDecodable(grabber, wanted)
    var warnings: [Warning] = []
    if found.number != wanted {
      warnings.append(Warning(file: file, message: "frame #\(wanted) could not be decoded; showing the nearest decodable frame, #\(found.number)"))
    }
    var strip: [PickPage.Frame] = []
    if settings.frames > 0, let count = grabber.frameCount, count > 1 {
      let numbers = Set((0..<settings.frames).map { k in count * (2 * k + 1) / (2 * settings.frames) }).subtracting([found.number]).sorted()
      try grabber.forEachFrame(numbers) { frame, n in
        if let jpeg = try? JPEGEncoder.encode(frame.rgb(), quality: settings.quality) {
          strip.append(PickPage.Frame(jpeg: jpeg, number: n, timecode: Timecode.format(frame.time)))
        }
      }
    }
    let content = PickPage.Content(file: file, width: grabber.info.width, height: grabber.info.height, sampleAspect: found.sampleAspect,
                                   frame: found.page, strip: strip)
    let html = PickPage.render(content) { Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString() }
    try AtomicFile.write(Array(html.utf8), to: output)
    return PickReport(file: file, output: output, frame: TimePoint(frame: found.number, time: found.time),
                      stripFrames: strip.map(\.number), warnings: warnings + Warning.of(grabber))
  }

  /// A frame a tenth of the way in (by count where the packets give it, else by duration).
  func defaultFrame(_ grabber: FrameGrabber) throws -> Int {
    if let count = grabber.frameCount, count > 0 { return count / 10 }
    return try grabber.frameNumber(for: .seconds((grabber.info.duration ?? 0) / 10))
  }

  /// A frame found for the page: its number, time and pixel shape, and the page's picture.
  struct Decoded {
    var number: Int, time: Double, sampleAspect: Double
    var page: PickPage.Frame
  }

  /// Frame `n` decoded and encoded, or nil when it cannot be decoded.
  func decode(_ grabber: FrameGrabber, _ n: Int) -> Decoded? {
    try? grabber.withFrame(n) { frame, _ in
      Decoded(number: n, time: frame.time, sampleAspect: frame.sampleAspect,
              page: PickPage.Frame(jpeg: try JPEGEncoder.encode(frame.rgb(), quality: settings.quality), number: n,
                                   timecode: Timecode.format(frame.time)))
    }
  }

  /// Frame `n`, else the nearest decodable frame: frames 1, 2, 4, 8… away on either side
  /// (each try is a seek and a decode), then, between the last distance that failed and
  /// the first that did not, halving (damage is a run of frames: a truncated file's
  /// missing end, a lost GOP). Throws when no frame of the file decodes.
  func nearestDecodable(_ grabber: FrameGrabber, _ n: Int) throws -> Decoded {
    if let d = decode(grabber, n) { return d }
    let last = max(n, (grabber.frameCount ?? n + 1) - 1)
    var distance = 1, failed = 0
    while n - distance >= 0 || n + distance <= last {
      for side in [-1, 1] {
        let m = n + side * distance
        guard m >= 0, m <= last, var best = decode(grabber, m) else { continue }
        // Between `failed` (no frame decoded that far on this side) and `distance`.
        var (bad, good) = (failed, distance)
        while good - bad > 1 {
          let mid = (bad + good) / 2
          if let d = decode(grabber, n + side * mid) { best = d; good = mid } else { bad = mid }
        }
        return best
      }
      failed = distance
      distance *= 2
    }
    throw MediaError(file: file, kind: .readFailed, reason: "no frame could be decoded")
  }
}

/// The page `PickJob` wrote.
public struct PickReport: Sendable {
  public var file: String
  public var output: String
  public var frame: TimePoint
  public var stripFrames: [Int]
  public var warnings: [Warning]

  public var text: String {
    "\(file): frame #\(frame.frame) at \(frame.timecode)" + (stripFrames.isEmpty ? "" : " and \(stripFrames.count) other frames") + " -> \(output)\n"
  }
}
