import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// `compare`: is B the same footage as A? Both files decoded once into fingerprints and
/// compared (`FootageComparison`); on request a side-by-side picture of each difference.
public struct CompareJob: Sendable {
  /// The reference recording, and the one to place on it.
  public var a: String
  public var b: String
  public var settings: CompareSettings
  /// Decoding of both files: stream, format and frame rate (`open`), threads, analysis width.
  public var fingerprint: FingerprintSettings
  /// A folder for the pictures of the first 50 differences (created when there is one).
  public var thumbnails: String?

  public init(a: String, b: String, settings: CompareSettings = CompareSettings(),
              fingerprint: FingerprintSettings = FingerprintSettings(), thumbnails: String? = nil) {
    self.a = a
    self.b = b
    self.settings = settings
    self.fingerprint = fingerprint
    self.thumbnails = thumbnails
  }

  public func validate() throws(SettingError) { try settings.validate() }

  public func run() throws -> CompareReport {
    try validate()
    let sa = try FingerprintStream.make(path: a, settings: fingerprint)
    let sb = try FingerprintStream.make(path: b, settings: fingerprint)
    var comparison = FootageComparison(settings: settings).compare(sa, sb)
    if let thumbnails, !comparison.differences.isEmpty {
      try SideBySide.draw(&comparison, a: a, b: b, open: fingerprint.open, into: thumbnails)
    }
    let warnings = sa.warnings.map { Warning(file: a, message: $0) } + sb.warnings.map { Warning(file: b, message: $0) }
    return CompareReport(a: try InputRecord(fingerprinted: sa, clock: fingerprint.open.clock),
                         b: try InputRecord(fingerprinted: sb, clock: fingerprint.open.clock), settings: settings,
                         analysisWidth: fingerprint.analysisWidth, comparison: comparison, warnings: warnings)
  }
}

/// compare's pictures: for each difference (the first 50), A's and B's first frame of it
/// side by side (A left, B right, 320 pixels wide each, labelled with the frame number),
/// recorded in the difference's `thumbnail`.
enum SideBySide {
  static let limit = 50

  static func draw(_ comparison: inout Comparison, a: String, b: String, open: OpenOptions, into dir: String) throws {
    try OutputFolder.make(dir)
    let ga = try FrameGrabber(path: a, options: open), gb = try FrameGrabber(path: b, options: open)
    for k in comparison.differences.indices.prefix(limit) {
      let fa = comparison.differences[k].a?.start.frame, fb = comparison.differences[k].b?.start.frame
      let left = try picture(ga, fa, "A"), right = try picture(gb, fb, "B")
      let h = max(left?.height ?? 0, right?.height ?? 0, 2)
      var sheet = RGBImage(width: 648, height: h, fill: (40, 40, 40))
      if let left { sheet.paste(left, x: 0, y: 0) }
      if let right { sheet.paste(right, x: 328, y: 0) }
      let out = (dir as NSString).appendingPathComponent("compare-\(k)-A\(fa.map(String.init) ?? "none")-B\(fb.map(String.init) ?? "none").jpg")
      try AtomicFile.write(try JPEGEncoder.encode(sheet, quality: 90), to: out)
      comparison.differences[k].thumbnail = out
    }
  }

  /// Frame `n` of one side in colour, labelled (nil: that side has no frame there).
  static func picture(_ grabber: FrameGrabber, _ n: Int?, _ side: String) throws -> RGBImage? {
    try n.map { n in
      try grabber.withFrame(n) { f, _ in
        var image = f.rgb(width: 320)
        image.drawText("\(side) #\(n)", x: 4, y: 4)
        return image
      }
    }
  }
}
