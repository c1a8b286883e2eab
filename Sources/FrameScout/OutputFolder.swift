import FrameScoutMedia
import Foundation

/// Output folders of pictures, clips and reports: created (with their parents) only when
/// the first file is written into them, so a run that finds nothing leaves nothing behind.
public enum OutputFolder {
  public static func make(_ dir: String) throws(MediaError) {
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    catch { throw MediaError(file: dir, kind: .writeFailed, reason: "cannot create the folder: \(error.localizedDescription)") }
  }
}
