import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import Foundation

/// A report that is one folder: report.json, report.html, and the pictures (thumbs/) and
/// clips (clips/) the report names by paths relative to the folder. The page embeds the
/// pictures and links the clips, so the folder can be copied whole (a USB stick) and opened
/// offline. `batch --out` writes one; so do `scan --report` and `watch --report`.
public enum ReportFolder {
  public static let thumbs = "thumbs", clips = "clips"

  /// `dir/sub`.
  public static func path(_ dir: String, _ sub: String) -> String { (dir as NSString).appendingPathComponent(sub) }

  /// How a picture or clip written into `dir/sub` is named in the report: `sub/NAME`.
  public static func relative(_ sub: String) -> (String) -> String { { sub + "/" + ($0 as NSString).lastPathComponent } }

  /// report.json and report.html of `doc` in `dir` (created), the pictures read from it.
  public static func write(_ doc: JSONValue, into dir: String) throws {
    try OutputFolder.make(dir)
    try AtomicFile.write(Array(doc.serialized().utf8), to: path(dir, "report.json"))
    try writePage(doc, into: dir)
  }

  /// report.html of `doc` in `dir`: the pictures its events name embedded, clips linked.
  static func writePage(_ doc: JSONValue, into dir: String) throws {
    let html = HTMLReport.render(doc) { rel in FileManager.default.contents(atPath: path(dir, rel)).map { Array($0) } }
    try AtomicFile.write(Array(html.utf8), to: path(dir, "report.html"))
  }
}
