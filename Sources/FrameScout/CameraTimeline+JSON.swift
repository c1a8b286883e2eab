import FrameScoutCore

extension CameraTimeline {
  /// The batch report's `timeline`: the files of each camera in wall-clock order with their
  /// gaps and overlaps (`lanes`), from the inputs' `clock` objects (`start`, `end`) and
  /// frame rates; `unplaced` lists the files read without a time source. nil when no input
  /// has a wall clock (the report then has no timeline).
  static func json(inputs: [JSONValue]) -> (timeline: JSONValue, warnings: [(file: String, message: String)])? {
    var files: [File] = [], unplaced: [String] = []
    for input in inputs where input["status"]?.stringValue != "failed" {
      guard let path = input["path"]?.stringValue else { continue }
      guard let start = input["clock"]?["start"]?.stringValue.flatMap(WallTime.init(parsing:)),
            let end = input["clock"]?["end"]?.stringValue.flatMap(WallTime.init(parsing:)) else {
        unplaced.append(path)
        continue
      }
      let fps = input["fps"]?.doubleValue ?? 0
      files.append(File(path: path, start: start, end: end, frame: fps > 0 ? 1 / fps : 0))
    }
    guard !files.isEmpty else { return nil }
    var warnings: [(file: String, message: String)] = []
    func span(_ s: Span) -> JSONValue {
      .object([("from", .string(s.from.iso)), ("to", .string(s.to.iso)), ("seconds", .double(JSONValue.rounded(s.seconds, 3))),
               ("after", .string(s.after)), ("before", .string(s.before))])
    }
    let cameras: [JSONValue] = lanes(files).map { lane in
      for o in lane.overlaps {
        warnings.append((o.before, "timeline: starts \(SettingCheck.plain(JSONValue.rounded(o.seconds, 3))) s before the end of \(o.after) "
                          + "(\(o.from.description) to \(o.to.description)): the same footage exported twice, or the DVR's clock set back"))
      }
      var fields: [(String, JSONValue)] = [("camera", .string(lane.camera))]
      if let c = lane.channel { fields.append(("channel", .string(c))) }
      fields += [("files", .array(lane.files.map { .string($0.path) })),
                 ("start", .string(lane.files.first!.start.iso)),
                 ("end", .string(lane.files.map(\.end).max()!.iso)),
                 ("gaps", .array(lane.gaps.map(span))), ("overlaps", .array(lane.overlaps.map(span)))]
      return .object(fields)
    }
    return (.object([("cameras", .array(cameras)), ("unplaced", .array(unplaced.map { .string($0) }))]), warnings)
  }
}

extension BatchRunner {
  /// The batch's camera timeline as lines for the terminal: each camera's span and files,
  /// then every gap and overlap with its wall times (none without a wall clock); zoned
  /// times in `zone` (`--timezone`) when given.
  public static func timelineLines(_ records: [FileRecord], zone: String? = nil) -> [String] {
    let inputs = records.map(\.input).sorted { ($0["path"]?.stringValue ?? "") < ($1["path"]?.stringValue ?? "") }
    guard let doc = CameraTimeline.json(inputs: inputs)?.timeline else { return [] }
    func wall(_ v: JSONValue?) -> String {
      v?.stringValue.flatMap(WallTime.init(parsing:)).map { WallTimes.displayed($0, in: zone).description } ?? "?"
    }
    var lines: [String] = []
    for c in doc["cameras"]?.arrayValue ?? [] {
      let name = (c["camera"]?.stringValue ?? "") + (c["channel"]?.stringValue.map { " channel \($0)" } ?? "")
      let files = c["files"]?.arrayValue ?? []
      lines.append("timeline: \(name): \(files.count) file\(files.count == 1 ? "" : "s"), \(wall(c["start"])) to \(wall(c["end"]))")
      for (what, key) in [("missing", "gaps"), ("covered twice", "overlaps")] {
        for s in c[key]?.arrayValue ?? [] {
          let secs = s["seconds"]?.doubleValue.map { String(format: "%.3f", $0) } ?? "?"
          lines.append("  \(secs) s \(what): \(wall(s["from"])) to \(wall(s["to"])) (after \(s["after"]?.stringValue ?? "?"), before \(s["before"]?.stringValue ?? "?"))")
        }
      }
    }
    let unplaced = doc["unplaced"]?.arrayValue ?? []
    if !unplaced.isEmpty { lines.append("timeline: \(unplaced.count) file\(unplaced.count == 1 ? "" : "s") without a time source, not placed") }
    return lines
  }
}
