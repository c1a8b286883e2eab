import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// Event pictures for reports: exact frames re-decoded in colour, boxes drawn, a timecode
/// burned in, written atomically as JPEG. Folders are created only when a file is written.
/// A frame that cannot be decoded again (damaged data) is a warning in the result, not a
/// failure; a picture that cannot be written is.
public enum Thumbnails {
  /// Each scan event's peak frame with the peak's motion box (red) and the whole event's
  /// box (yellow). `name(k, frame)` gives the file name of event k's picture inside `dir`;
  /// `recorded(path)` what the event records (a path relative to a report, or the path).
  public static func scan(_ result: inout ScanResult, paths: [String], dir: String, open: OpenOptions,
                          name: (Int, FramePosition) -> String, recorded: (String) -> String = { $0 }) throws {
    var grabbers: [Int: FrameGrabber] = [:]
    if !result.events.isEmpty { try makeFolder(dir) }
    for k in result.events.indices {
      let peak = result.peaks[k]
      let grabber = try grabbers[peak.file] ?? FrameGrabber(path: paths[peak.file], options: open)
      grabbers[peak.file] = grabber
      let out = (dir as NSString).appendingPathComponent(name(k, peak))
      let box = result.events[k].box, peakBox = result.peakBoxes[k]
      let picture = try? grabber.withFrame(peak.frame) { frame, _ in
        var image = frame.rgb()
        let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
        func scaled(_ r: PixelRect) -> PixelRect {
          PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy), width: Int(Double(r.width) * sx), height: Int(Double(r.height) * sy))
        }
        if let box { image.strokeRect(scaled(box), (255, 200, 0), thickness: 1) }
        image.strokeRect(scaled(peakBox), (255, 40, 40), thickness: 2)
        image.drawText("\(Timecode.format(frame.time))  #\(peak.frame)  EVENT \(k + 1)", x: 6, y: 6, scale: 2)
        return try JPEGEncoder.encode(image, quality: 90)
      }
      // A damaged frame that cannot be decoded again costs its picture, not the report.
      guard let jpeg = picture else {
        result.warnings.append((paths[peak.file], "event \(k + 1): no picture, frame #\(peak.frame) could not be decoded again"))
        continue
      }
      try AtomicFile.write(jpeg, to: out)
      result.events[k].thumbnails.append(("peak", recorded(out)))
    }
  }

  /// Creates an output folder (and its parents) when the first file is written.
  public static func makeFolder(_ dir: String) throws(MediaError) {
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    catch { throw MediaError(file: dir, kind: .writeFailed, reason: "cannot create the folder: \(error.localizedDescription)") }
  }
}
