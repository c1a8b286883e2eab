import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// `scan --stats`: every analysed frame's score, threshold and pixel threshold as CSV, to
/// see why an event was or was not reported. Written line by line, renamed into place by
/// `commit()`.
final class ScanStats {
  static let header = "file,frame,time,timeline,score,threshold,pixel_threshold,lighting"
  let writer: CSVWriter
  /// The timeline's files, by index.
  let files: [String]

  init(path: String, files: [String]) throws(MediaError) {
    writer = try CSVWriter(path: path, header: Self.header)
    self.files = files
  }

  func add(_ s: MotionSample) {
    writer.line(String(format: "%@,%d,%.6f,%.6f,%.4f,%.4f,%d,%d", csvField(files[s.position.file]), s.position.frame, s.position.time,
                       s.position.timeline, s.score, s.threshold, s.pixelThreshold, s.lightingCorrected ? 1 : 0))
  }

  func commit() throws(MediaError) { try writer.commit() }
}
