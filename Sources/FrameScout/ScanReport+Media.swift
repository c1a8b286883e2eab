import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch
import Foundation

extension ScanReport {
  /// A JPEG of each event's peak frame, re-decoded in colour, with the peak's motion box
  /// (red) and the whole event's box (yellow), into `dir` (created only when there is an
  /// event). `name(k, event)` gives the file name of event k's picture (default
  /// FILE-eventK-FRAME.jpg); the event records `recorded(path)` (a path relative to a
  /// report, or the path). A frame that cannot be decoded again (damaged data) costs its
  /// picture and adds a warning; a picture that cannot be written throws.
  public mutating func writeThumbnails(into dir: String, name: ((Int, MotionEvent) -> String)? = nil,
                                       recorded: (String) -> String = { $0 }) throws {
    var grabbers: [String: FrameGrabber] = [:]
    if !events.isEmpty { try OutputFolder.make(dir) }
    for k in events.indices {
      let e = events[k], path = e.peakPath
      let grabber = try grabbers[path] ?? FrameGrabber(path: path, options: settings.open)
      grabbers[path] = grabber
      let file = name?(k, e) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + "-event\(k + 1)-\(e.peak.frame).jpg"
      let out = (dir as NSString).appendingPathComponent(file)
      // A damaged frame that cannot be decoded again costs its picture, not the report.
      guard let jpeg = try? Self.picture(of: e, number: k + 1, from: grabber) else {
        warnings.append(Warning(file: path, message: "event \(k + 1): no picture, frame #\(e.peak.frame) could not be decoded again"))
        continue
      }
      try AtomicFile.write(jpeg, to: out)
      events[k].thumbnail = recorded(out)
    }
  }

  /// The peak frame of event `number` as JPEG, boxes drawn, timecode burned in.
  static func picture(of e: MotionEvent, number: Int, from grabber: FrameGrabber) throws -> [UInt8] {
    try grabber.withFrame(e.peak.frame) { frame, _ in
      var image = frame.rgb()
      let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
      func scaled(_ r: PixelRect) -> PixelRect {
        PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy), width: Int(Double(r.width) * sx), height: Int(Double(r.height) * sy))
      }
      if let box = e.box { image.strokeRect(scaled(box), (255, 200, 0), thickness: 1) }
      image.strokeRect(scaled(e.peakBox), (255, 40, 40), thickness: 2)
      image.drawText("\(Timecode.format(frame.time))  #\(e.peak.frame)  EVENT \(number)", x: 6, y: 6, scale: 2)
      return try JPEGEncoder.encode(image, quality: 90)
    }
  }

  /// Each event's padded range copied (no re-encode, from the keyframe at or before the
  /// padded start, timestamps from zero) into its own file per input file it touches, named
  /// FILE-eventK.EXT (FILE-eventK-partN.EXT when it spans files; FILE is `stem(path)`),
  /// into `dir` (created only when there is an event); the event records `recorded(path)`.
  /// Returns a note for each clip that had no packets to copy.
  @discardableResult
  public mutating func writeClips(into dir: String, stem: ((String) -> String)? = nil,
                                  recorded: (String) -> String = { $0 }) throws -> [Warning] {
    var notes: [Warning] = []
    if !events.isEmpty { try OutputFolder.make(dir) }
    for k in events.indices {
      let (ps, pe) = (events[k].paddedStart, events[k].paddedEnd)
      let parts = timeline.entries.indices.filter { f in
        let entry = timeline.entries[f]
        return entry.offset + (entry.duration ?? .infinity) > ps && entry.offset < pe
      }
      for (n, f) in parts.enumerated() {
        let entry = timeline.entries[f]
        let url = URL(fileURLWithPath: entry.path)
        let ext = Remuxer.clipExtension(for: entry.path)
        let name = (stem?(entry.path) ?? url.deletingPathExtension().lastPathComponent) + "-event\(k + 1)" + (parts.count > 1 ? "-part\(n + 1)" : "") + "." + ext
        let out = (dir as NSString).appendingPathComponent(name)
        let copied = try Remuxer.copy(path: entry.path, from: max(0, ps - entry.offset), to: pe - entry.offset, into: out, options: settings.open)
        events[k].clips.append(recorded(out))
        if copied.packets == 0 { notes.append(Warning(file: entry.path, message: "event \(k + 1) has no packets to copy")) }
      }
    }
    return notes
  }
}
