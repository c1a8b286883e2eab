import FrameScoutCore
import Foundation

/// A regions file: one region a line (`x,y,w,h`, percent, or a polygon); a line
/// `exclude REGION` excludes; `#` starts a comment; blank lines are skipped.
public struct RegionList: Sendable, Hashable {
  public var include: [RegionSpec] = []
  public var exclude: [RegionSpec] = []

  public init() {}

  /// The regions of a file's text. The error names the line: "line 2: …".
  public init(parsing text: String) throws(RegionError) {
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
      line = line.trimmingCharacters(in: .whitespaces)
      if line.isEmpty { continue }
      var excluded = false
      if line.hasPrefix("exclude ") { excluded = true; line = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
      do {
        let spec = try RegionSpec(parsing: line)
        if excluded { exclude.append(spec) } else { include.append(spec) }
      } catch { throw RegionError("line \(n + 1): \(error)") }
    }
  }
}
