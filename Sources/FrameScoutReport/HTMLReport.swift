import FrameScoutCore
import Foundation

/// The batch report as one self-contained HTML page: no scripts, no network (thumbnails are
/// embedded as data: URIs), every text from the footage (file names, tags, errors) escaped.
/// Built from the same `JSONValue` as report.json, so the two never disagree.
public enum HTMLReport {
  /// `report`: the batch report (DESIGN.md schema plus `files`). `thumbnail(path)` returns
  /// the JPEG bytes of a thumbnail path found in the report (relative to the report), or nil.
  public static func render(_ report: JSONValue, thumbnail: (String) -> [UInt8]?) -> String {
    var h = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; media-src 'self'; style-src 'unsafe-inline'">
      <title>FrameScout report</title>
      <style>
      body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
      table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
      code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
      .failed{color:#b00020}.file{border-top:1px solid #ddd;margin-top:24px;padding-top:8px}
      .thumbs figure{display:inline-block;margin:4px;font-size:12px;vertical-align:top;width:240px}.thumbs img,.thumbs video{width:240px;display:block}
      </style></head><body>
      <h1>FrameScout report</h1>

      """
    let tool = report["tool"]
    let files = report["inputs"]?.arrayValue ?? []
    let events = report["events"]?.arrayValue ?? []
    let failed = files.filter { $0["status"]?.stringValue == "failed" }
    h += "<h2>Summary</h2>\n<table>\n"
    h += row("Tool", "framescout " + (tool?["version"]?.stringValue ?? "?"))
    if case .object(let libs)? = tool?["ffmpeg"] {
      h += row("FFmpeg libraries", libs.map { "\($0.0) \($0.1.stringValue ?? "")" }.joined(separator: ", "))
    }
    h += row("Command line", report["command_line"]?.stringValue ?? "", code: true)
    h += row("Files", "\(files.count) analysed, \(files.count - failed.count) done, \(failed.count) failed")
    h += row("Events", String(events.count))
    h += "</table>\n"
    if case .object(let params)? = report["parameters"] {
      h += "<details><summary>Every effective parameter</summary><table>\n"
      for (k, v) in params { h += row(k, compact(v), code: true) }
      h += "</table></details>\n"
    }

    if let cameras = report["timeline"]?["cameras"]?.arrayValue, !cameras.isEmpty {
      h += lanes(cameras, inputs: files, events: events, unplaced: report["timeline"]?["unplaced"]?.arrayValue ?? [])
    }

    h += inputsTable(files, events: events)

    h += "<h2>Files</h2>\n"
    for f in files {
      let path = f["path"]?.stringValue ?? ""
      h += "<section class=\"file\"><h3 class=\"mono\">\(escape(path))</h3>\n"
      if let error = f["error"]?.stringValue { h += "<p class=\"failed\">\(escape(error))</p>\n" }
      for w in f["warnings"]?.arrayValue ?? [] { h += "<p>warning: \(escape(w.stringValue ?? compact(w)))</p>\n" }
      let mine = events.filter { $0["file"]?.stringValue == path }
      if let duration = f["duration"]?.doubleValue, duration > 0 { h += timeline(mine, duration: duration) }
      if mine.isEmpty && f["status"]?.stringValue != "failed" { h += "<p>No events.</p>\n" }
      if !mine.isEmpty {
        h += "<table><tr><th>Kind</th><th>Start</th><th>End</th><th>Score</th><th>Box / region</th></tr>\n"
        for e in mine {
          let box = (e["box"] ?? e["region"]).map(compact) ?? ""
          h += "<tr><td>\(escape(e["kind"]?.stringValue ?? ""))</td><td>\(point(e["start"]))</td><td>\(point(e["end"]))</td>"
          h += "<td>\(e["score"]?.doubleValue.map { String(format: "%.3f", $0) } ?? "")</td><td class=\"mono\">\(escape(box))</td></tr>\n"
        }
        h += "</table>\n<div class=\"thumbs\">\n"
        for e in mine { h += eventMedia(e, codec: f["codec"]?.stringValue, thumbnail: thumbnail) }
        h += "</div>\n"
      }
      h += "</section>\n"
    }
    h += "</body></html>\n"
    return h
  }

  /// An event's pictures (embedded) and its clips (linked, relative to the report: the
  /// report's folder is copied whole): a `<video>` where browsers play the clip (H.264 in
  /// MP4/MOV), else a link to download it.
  static func eventMedia(_ e: JSONValue, codec: String?, thumbnail: (String) -> [UInt8]?) -> String {
    let caption = "\(escape(e["kind"]?.stringValue ?? "")) \(point(e["start"]))"
    var h = ""
    if case .object(let thumbs)? = e["thumbnails"] {
      for (role, p) in thumbs {
        guard let rel = p.stringValue, let bytes = thumbnail(rel) else { continue }
        h += "<figure class=\"\(escape(role))\"><img alt=\"\(escape(role))\" src=\"data:image/jpeg;base64,\(Data(bytes).base64EncodedString())\">"
        h += "<figcaption>\(caption) \(escape(role))</figcaption></figure>\n"
      }
    }
    guard case .object(let fields) = e else { return h }
    for (key, value) in fields where key == "clip" || key.hasPrefix("clip_part") {
      guard let rel = value.stringValue else { continue }
      let ext = (rel as NSString).pathExtension.lowercased(), href = escape(rel.split(separator: "/").map { percentEncoded(String($0)) }.joined(separator: "/"))
      if codec == "h264" && ["mp4", "mov", "m4v"].contains(ext) {
        h += "<figure class=\"clip\"><video controls preload=\"metadata\" src=\"\(href)\"></video>"
        h += "<figcaption>\(caption) clip (<a href=\"\(href)\" download>\(escape((rel as NSString).lastPathComponent))</a>)</figcaption></figure>\n"
      } else {
        h += "<figure class=\"clip\"><figcaption>\(caption) clip: <a class=\"download\" href=\"\(href)\" download>download \(escape((rel as NSString).lastPathComponent))</a> "
        h += "(\(escape(codec ?? "unknown codec")) in .\(escape(ext)): browsers do not play it; VLC or ffplay do)</figcaption></figure>\n"
      }
    }
    return h
  }

  /// A path segment as a URL's: everything but unreserved characters percent-encoded.
  static func percentEncoded(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? s
  }

  /// An SVG bar for the file's duration with each event marked (ranges as boxes, instants as lines).
  static func timeline(_ events: [JSONValue], duration: Double) -> String {
    let width = 800.0, height = 36.0
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height) + 14)\" role=\"img\">"
    s += "<rect x=\"0\" y=\"4\" width=\"\(Int(width))\" height=\"\(Int(height) - 8)\" fill=\"#eef\" stroke=\"#99a\"/>"
    for e in events {
      guard let a = e["start"]?["time"]?.doubleValue, let b = e["end"]?["time"]?.doubleValue else { continue }
      let x0 = max(0, min(width, a / duration * width)), x1 = max(x0 + 2, min(width, b / duration * width))
      let colour = e["kind"]?.stringValue == "motion" ? "#e67e22" : "#c0392b"
      s += "<rect x=\"\(fmt(x0))\" y=\"4\" width=\"\(fmt(x1 - x0))\" height=\"\(Int(height) - 8)\" fill=\"\(colour)\" fill-opacity=\"0.8\">"
      s += "<title>\(escape(e["kind"]?.stringValue ?? "")) \(point(e["start"])) – \(point(e["end"]))</title></rect>"
    }
    for k in 0...4 {
      let t = duration * Double(k) / 4
      s += "<text x=\"\(fmt(min(width - 40, width * Double(k) / 4)))\" y=\"\(Int(height) + 12)\" font-size=\"10\">\(String(format: "%.0f s", t))</text>"
    }
    return s + "</svg>\n"
  }

  /// The inputs as a table: path, status, SHA-256, size, video, duration, events.
  static func inputsTable(_ files: [JSONValue], events: [JSONValue]) -> String {
    var h = "<h2>Inputs</h2>\n<table><tr><th>File</th><th>Status</th><th>SHA-256</th><th>Bytes</th><th>Video</th><th>Duration</th><th>Events</th></tr>\n"
    for f in files {
      let path = f["path"]?.stringValue ?? ""
      let n = events.filter { $0["file"]?.stringValue == path }.count
      let status = f["status"]?.stringValue ?? ""
      let video = [f["codec"]?.stringValue, f["width"]?.intValue.map { w in "\(w)x\(f["height"]?.intValue ?? 0)" }].compactMap { $0 }.joined(separator: " ")
      h += "<tr><td class=\"mono\">\(escape(path))</td><td class=\"\(status == "failed" ? "failed" : "")\">\(escape(status))</td>"
      h += "<td class=\"mono\">\(escape(f["sha256"]?.stringValue ?? ""))</td><td>\(f["bytes"]?.intValue.map(String.init) ?? "")</td>"
      h += "<td>\(escape(video))</td><td>\(f["duration"]?.doubleValue.map { String(format: "%.2f s", $0) } ?? "")</td><td>\(n)</td></tr>\n"
    }
    h += "</table>\n"
    return h
  }

  /// The cameras on one wall-clock axis (the report's `timeline`): a lane per camera with
  /// its files, the gaps between them (red), overlaps (orange) and its events, then every
  /// gap and overlap as a table row with its wall times.
  static func lanes(_ cameras: [JSONValue], inputs: [JSONValue], events: [JSONValue], unplaced: [JSONValue]) -> String {
    func wall(_ v: JSONValue?) -> WallTime? { v?.stringValue.flatMap(WallTime.init(parsing:)) }
    let starts = cameras.compactMap { wall($0["start"]) }, ends = cameras.compactMap { wall($0["end"]) }
    // Times that cannot be compared (one states its zone, the other not) are placed by the
    // clock face they show.
    func seconds(_ t: WallTime, since s: WallTime) -> Double { t.seconds(since: s) ?? Double(t.milliseconds - s.milliseconds) / 1000 }
    guard let t0 = starts.min(), let t1 = ends.max(), case let span = seconds(t1, since: t0), span > 0 else { return "" }
    let label = 180.0, width = 760.0, laneHeight = 30.0
    func x(_ t: WallTime?) -> Double? {
      guard let t else { return nil }
      return label + max(0, min(width, seconds(t, since: t0) / span * width))
    }
    func box(_ cls: String, _ a: WallTime?, _ b: WallTime?, _ y: Double, _ title: String, _ fill: String) -> String {
      guard let x0 = x(a), let x1 = x(b) else { return "" }
      return "<rect class=\"\(cls)\" x=\"\(fmt(x0))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(max(2, x1 - x0)))\" height=\"\(fmt(laneHeight - 10))\" "
        + "fill=\"\(fill)\" fill-opacity=\"0.85\" stroke=\"#fff\" stroke-width=\"1\"><title>\(escape(title))</title></rect>"
    }
    let height = Double(cameras.count) * laneHeight + 20
    var h = "<h2>Timeline of the cameras</h2>\n<p>Wall-clock time of day (each file's clock as its input shows: source and correction). "
    h += "Gaps: footage missing between one file's end and the next one's start; overlaps: two files covering the same time.</p>\n"
    h += "<svg class=\"lanes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(label + width + 10))\" height=\"\(Int(height))\" role=\"img\">"
    var rows = ""
    for (i, c) in cameras.enumerated() {
      let y = Double(i) * laneHeight
      let name = (c["camera"]?.stringValue ?? "") + (c["channel"]?.stringValue.map { " ch\($0)" } ?? "")
      let files = Set((c["files"]?.arrayValue ?? []).compactMap(\.stringValue))
      h += "<g class=\"lane\" data-camera=\"\(escape(name))\"><text x=\"0\" y=\"\(fmt(y + 19))\" font-size=\"12\">\(escape(name))</text>"
      // Files first, then gaps and overlaps over them, then events on top.
      for f in inputs where files.contains(f["path"]?.stringValue ?? "") {
        let t = "\(f["path"]?.stringValue ?? ""): \(f["clock"]?["start"]?.stringValue ?? "") to \(f["clock"]?["end"]?.stringValue ?? "")"
        h += box("file", wall(f["clock"]?["start"]), wall(f["clock"]?["end"]), y, t, "#aab7d4")
      }
      for (what, key, fill, join) in [("gap", "gaps", "#c0392b", " → "), ("overlap", "overlaps", "#e67e22", " / ")] {
        for g in c[key]?.arrayValue ?? [] {
          let (from, to) = (g["from"]?.stringValue ?? "", g["to"]?.stringValue ?? "")
          let seconds = g["seconds"]?.doubleValue.map { String(format: "%.3f", $0) } ?? ""
          h += box(what, wall(g["from"]), wall(g["to"]), y, "\(what) \(seconds) s: \(from) to \(to)", fill)
          rows += "<tr><td>\(escape(name))</td><td>\(what)</td><td>\(escape(from))</td><td>\(escape(to))</td><td>\(seconds)</td>"
            + "<td class=\"mono\">\(escape(g["after"]?.stringValue ?? ""))\(join)\(escape(g["before"]?.stringValue ?? ""))</td></tr>\n"
        }
      }
      for e in events where files.contains(e["file"]?.stringValue ?? "") {
        let t = "\(e["kind"]?.stringValue ?? "") \(e["start"]?["wall"]?.stringValue ?? "") \(e["file"]?.stringValue ?? "")"
        h += box("event", wall(e["start"]?["wall"]), wall(e["end"]?["wall"]), y, t, "#2c3e50")
      }
      h += "</g>"
    }
    for k in 0...4 {
      let t = t0.adding(seconds: span * Double(k) / 4)
      let anchor = k == 0 ? "start" : k == 4 ? "end" : "middle"
      h += "<text x=\"\(fmt(label + width * Double(k) / 4))\" y=\"\(fmt(height - 4))\" font-size=\"10\" text-anchor=\"\(anchor)\">\(escape(t.description))</text>"
    }
    h += "</svg>\n"
    if !rows.isEmpty {
      h += "<table class=\"spans\"><tr><th>Camera</th><th>What</th><th>From</th><th>To</th><th>Seconds</th><th>Files</th></tr>\n\(rows)</table>\n"
    } else {
      h += "<p>No gaps and no overlaps.</p>\n"
    }
    if !unplaced.isEmpty {
      h += "<p>Not on the timeline (no time source): \(unplaced.compactMap(\.stringValue).map(escape).joined(separator: ", "))</p>\n"
    }
    return h
  }

  static func point(_ p: JSONValue?) -> String {
    guard let p else { return "" }
    return escape("\(p["timecode"]?.stringValue ?? "") #\(p["frame"]?.intValue.map(String.init) ?? "")")
  }

  static func row(_ k: String, _ v: String, code: Bool = false) -> String {
    "<tr><th>\(escape(k))</th><td\(code ? " class=\"mono\"" : "")>\(escape(v))</td></tr>\n"
  }

  static func compact(_ v: JSONValue) -> String {
    v.serialized().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

  /// Text as HTML: & < > " ' escaped.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
