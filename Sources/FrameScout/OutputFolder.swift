import FrameScoutMedia
import Foundation

/// Output folders of pictures, clips and reports: created (with their parents) only when
/// the first file is written into them, so a run that finds nothing leaves nothing behind.
public enum OutputFolder {
  /// The corresponding C call is `mkdir`, for each missing folder from the outermost in; a
  /// failure names the system's reason ("Permission denied", "Read-only file system").
  public static func make(_ dir: String) throws(MediaError) {
    var missing: [String] = []
    var p = URL(fileURLWithPath: dir).standardizedFileURL.path
    var isDir: ObjCBool = false
    while !FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && p != "/" {
      missing.append(p)
      p = (p as NSString).deletingLastPathComponent
    }
    if !missing.isEmpty && !isDir.boolValue && FileManager.default.fileExists(atPath: p) {
      throw MediaError(file: dir, kind: .writeFailed, reason: "cannot create the folder: \(p) is a file")
    }
    for folder in missing.reversed() where mkdir(folder, 0o755) != 0 && errno != EEXIST {
      throw MediaError(file: dir, kind: .writeFailed, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
    }
  }
}
