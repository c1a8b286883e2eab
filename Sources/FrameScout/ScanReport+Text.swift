import FrameScoutCore
import FrameScoutSearch
import Foundation

extension ScanReport {
  /// The table an investigator reads: what was scanned, one line an event (start, end,
  /// frames, peak score, box, file; a second file when it runs on into one), its pictures
  /// and clips, and with `elapsed` the speed. Start and end are file time (each file's
  /// frame pts from its first frame); with several files a column gives the start on the
  /// timeline too (the files end to end), and a line says which clock is which.
  public func text(elapsed: Double?) -> String {
    let regionText = geometry.regions.isEmpty ? "the whole frame" : geometry.regions.map { "\($0.bounds)" }.joined(separator: " + ")
    let excludeText = geometry.excludes.isEmpty ? "" : " minus " + geometry.excludes.map { "\($0.bounds)" }.joined(separator: " + ")
    let files = timeline.entries.count
    var lines = ["scanning \(regionText)\(excludeText) in \(files) file\(files == 1 ? "" : "s"), threshold \(briefSeconds(settings.effectiveThreshold)), min event \(briefSeconds(settings.minEvent)) s"]
    let several = files > 1
    let clocks = Dictionary(timeline.entries.map { ($0.path, $0.wallClock) }, uniquingKeysWith: { a, _ in a })
    let legend = events.isEmpty ? nil : WallTimes.legend(timeline.entries.map { ($0.path, $0.wallClock) })
    if let legend { lines.append(legend) }
    if (several || legend != nil) && !events.isEmpty {
      lines.append("start, end: file time (frame pts from the file's first frame)" + (several ? "; timeline: from the first file's first frame, each file starting where the one before it ends" : ""))
    }
    let wallHeader = legend == nil ? "" : "wall start                 wall end                   "
    lines.append(events.isEmpty ? "no motion events"
                 : " #  " + wallHeader + "start          end            " + (several ? "timeline       " : "") + "frames          peak  box (x,y,w,h)        file")
    for (k, e) in events.enumerated() {
      let frames = "#\(e.start.frame)-#\(e.end.frame)"
      let onTimeline = several ? Timecode.format(e.timelineStart ?? e.start.time) + "   " : ""
      let wall = legend == nil ? "" : WallTimes.text(clocks[e.file], seconds: e.start.time) + " " + WallTimes.text(clocks[e.endPath], seconds: e.end.time) + " "
      var line = String(format: "%2d  ", k + 1) + wall + e.start.timecode + "   " + e.end.timecode + "   " + onTimeline
        + frames.padding(toLength: max(15, frames.count + 2), withPad: " ", startingAt: 0) + String(format: "%.2f  ", e.score)
        + (e.box.map { "\($0)" } ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0) + " " + e.file
      if e.endPath != e.file { line += " → " + e.endPath }
      if let t = e.thumbnail { line += "\n    peak: \(t)" }
      for c in e.clips { line += "\n    clip: \(c)" }
      lines.append(line)
    }
    if let elapsed {
      let skipped = skipping.reduce(0) { $0 + $1.framesSkipped }
      lines.append(String(format: "%d frames decoded, %d analysed, %d skipped as idle, %.2f s (%.0fx realtime)", framesDecoded,
                          framesAnalysed, skipped, elapsed, elapsed > 0 ? duration / elapsed : 0))
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// `scan --csv`: a header, then one row an event.
  public var csv: String {
    var text = "file,event,kind,start_frame,start_time,start_timecode,end_frame,end_time,end_timecode,peak_frame,peak_time,score,box_x,box_y,box_width,box_height,end_file,thumbnail,clip\n"
    for (k, e) in events.enumerated() {
      let b = e.box
      let fields: [String] = [
        csvField(e.file), String(k + 1), e.kind.rawValue,
        String(e.start.frame), String(format: "%.3f", e.start.time), e.start.timecode,
        String(e.end.frame), String(format: "%.3f", e.end.time), e.end.timecode,
        String(e.peak.frame), String(format: "%.3f", e.peak.time), String(format: "%.4f", e.score),
        b.map { String($0.x) } ?? "", b.map { String($0.y) } ?? "", b.map { String($0.width) } ?? "", b.map { String($0.height) } ?? "",
        csvField(e.endPath == e.file ? "" : e.endPath), csvField(e.thumbnail ?? ""), csvField(e.clips.joined(separator: ";")),
      ]
      text += fields.joined(separator: ",") + "\n"
    }
    return text
  }
}

/// A number as the text report says it: whole numbers without a decimal point, others to
/// two decimals.
