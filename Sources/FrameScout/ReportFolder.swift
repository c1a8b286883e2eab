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

  /// report.json and report.html of `doc` in `dir` (created), the pictures read from it;
  /// `commandLine`, the command that wrote it, is stated in both (as a batch's is).
  public static func write(_ doc: JSONValue, into dir: String, commandLine: String? = nil) throws {
    var doc = doc
    if let commandLine, case .object(var fields) = doc {
      fields.insert(("command_line", .string(commandLine)), at: min(3, fields.count))
      doc = .object(fields)
    }
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

/// A report whose events carry pictures and clips, written as a report folder.
public protocol FolderReport: JobReport {
  /// The pictures into `dir/thumbs` and the clips into `dir/clips`, recorded by their paths
  /// relative to `dir`; returns the notes about clips with nothing to copy.
  mutating func writeMedia(into dir: String) throws -> [Warning]
}

public extension FolderReport {
  /// `dir` as a report folder: the pictures and clips, then report.json and report.html
  /// (stating `commandLine`). Returns the notes about clips with nothing to copy.
  mutating func writeFolder(_ dir: String, commandLine: String) throws -> [Warning] {
    let notes = try writeMedia(into: dir)
    try ReportFolder.write(json, into: dir, commandLine: commandLine)
    return notes
  }
}

extension ScanReport: FolderReport {
  public mutating func writeMedia(into dir: String) throws -> [Warning] {
    try writeThumbnails(into: ReportFolder.path(dir, ReportFolder.thumbs), recorded: ReportFolder.relative(ReportFolder.thumbs))
    return try writeClips(into: ReportFolder.path(dir, ReportFolder.clips), recorded: ReportFolder.relative(ReportFolder.clips))
  }
}

extension WatchReport: FolderReport {
  public mutating func writeMedia(into dir: String) throws -> [Warning] {
    try writeThumbnails(into: ReportFolder.path(dir, ReportFolder.thumbs), recorded: ReportFolder.relative(ReportFolder.thumbs))
    return try writeClips(into: ReportFolder.path(dir, ReportFolder.clips), recorded: ReportFolder.relative(ReportFolder.clips))
  }
}
