import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// Event pictures for reports: exact frames re-decoded in colour, boxes drawn, a timecode
/// burned in, written atomically as JPEG. Folders are created only when a file is written.
/// A frame that cannot be decoded again (damaged data) is a warning in the result, not a
/// failure; a picture that cannot be written is.
public enum Thumbnails {
  /// Before/after frames of each watch event in colour with the region outlined.
  public static func watch(_ result: inout WatchResult, paths: [String], dir: String, region: PixelRect, open: OpenOptions,
                           name: (FramePosition, String) -> String, recorded: (String) -> String = { $0 }) throws {
    var grabbers: [Int: FrameGrabber] = [:]
    if !result.events.isEmpty { try makeFolder(dir) }
    for k in result.events.indices {
      var pictures: [(role: String, path: String)] = []
      for (role, pos) in [("before", result.before[k]), ("after", result.after[k])] where pos.frame >= 0 {
        let grabber = try grabbers[pos.file] ?? FrameGrabber(path: paths[pos.file], options: open)
        grabbers[pos.file] = grabber
        let out = (dir as NSString).appendingPathComponent(name(pos, role))
        let picture = try? grabber.withFrame(pos.frame) { frame, _ in
          var image = frame.rgb()
          let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
          image.strokeRect(PixelRect(x: Int(Double(region.x) * sx), y: Int(Double(region.y) * sy),
                                     width: Int(Double(region.width) * sx), height: Int(Double(region.height) * sy)),
                           role == "before" ? (255, 200, 0) : (255, 40, 40), thickness: 2)
          image.drawText("\(Timecode.format(frame.time))  #\(pos.frame)  \(role.uppercased())", x: 6, y: 6, scale: 2)
          return try JPEGEncoder.encode(image, quality: 90)
        }
        guard let jpeg = picture else {
          result.warnings.append((paths[pos.file], "\(role) picture: frame #\(pos.frame) could not be decoded again"))
          continue
        }
        try AtomicFile.write(jpeg, to: out)
        pictures.append((role, recorded(out)))
      }
      result.events[k].thumbnails = pictures
    }
  }

  /// Creates an output folder (and its parents) when the first file is written.
  public static func makeFolder(_ dir: String) throws(MediaError) {
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    catch { throw MediaError(file: dir, kind: .writeFailed, reason: "cannot create the folder: \(error.localizedDescription)") }
  }
}
