import FrameScoutCore
import Foundation

/// The wall times of a report: each input's `FileClock` by path, applied to the time points
/// of the events (`stamp`) and written as each input's `clock` object (`json`).
public struct WallTimes {
  let clocks: [String: FileClock]
  let warnings: [Warning]

  init(_ inputs: [InputRecord]) {
    var clocks: [String: FileClock] = [:], warnings: [Warning] = []
    for input in inputs {
      guard let c = input.wallClock, clocks[input.path] == nil else { continue }
      clocks[input.path] = c
      warnings += c.warnings.map { Warning(file: input.path, message: "clock: \($0)") }
    }
    self.clocks = clocks
    self.warnings = warnings
  }

  /// An event with `wall` (the corrected time) and, when a correction applies, `dvr_wall`
  /// (what the DVR's clock showed) added to each of its time points, from the clock of the
  /// event's `file`.
  func stamp(_ event: JSONValue) -> JSONValue {
    guard case .object(let fields) = event, let file = fields.first(where: { $0.0 == "file" })?.1,
          case .string(let path) = file, let clock = clocks[path], clock.used != nil else { return event }
    return Self.stamp(event, clock)
  }

  static func stamp(_ value: JSONValue, _ clock: FileClock) -> JSONValue {
    switch value {
    case .array(let items): return .array(items.map { stamp($0, clock) })
    case .object(let fields):
      let keys = Set(fields.map(\.0))
      if keys.isSuperset(of: ["frame", "time", "timecode"]), let time = fields.first(where: { $0.0 == "time" })?.1,
         case .double(let t) = time, let w = clock.wall(atSeconds: t) {
        var out = fields
        out.append(("wall", .string(w.corrected.iso)))
        if !clock.correction.isIdentity { out.append(("dvr_wall", .string(w.dvr.iso))) }
        return .object(out)
      }
      return .object(fields.map { ($0.0, stamp($0.1, clock)) })
    default: return value
    }
  }

  /// An input's `clock` object: `{"source": "none"}`, or the source used, the wall time of
  /// the first frame (DVR and corrected) and, when the file's `duration` is known, of the end
  /// of its last frame, the correction, how it was read, the steps of an on-screen clock
  /// that jumps (`steps`, only then), and every reading.
  static func json(_ clock: FileClock?, duration: Double? = nil) -> JSONValue {
    guard let clock, let used = clock.used else { return .object([("source", "none")]) }
    let first = clock.wall(atSeconds: 0)!
    var fields: [(String, JSONValue)] = [("source", .string(used.source.rawValue)), ("start", .string(first.corrected.iso))]
    if !clock.correction.isIdentity { fields.append(("dvr_start", .string(first.dvr.iso))) }
    if let duration, duration > 0, let last = clock.wall(atSeconds: duration) {
      fields.append(("end", .string(last.corrected.iso)))
      if !clock.correction.isIdentity { fields.append(("dvr_end", .string(last.dvr.iso))) }
    }
    fields += [("offset", .double(JSONValue.rounded(clock.correction.offset, 3))),
               ("drift", .double(JSONValue.rounded(clock.correction.drift, 6))), ("how", .string(used.how))]
    if !used.steps.isEmpty {
      // The on-screen clock's jumps: from each frame on, the clock shows `seconds` more.
      fields.append(("steps", .array(used.steps.map { s in
        .object([("frame", .int(s.frame)), ("seconds", .double(JSONValue.rounded(s.seconds, 3)))])
      })))
    }
    fields.append(("readings", .array(clock.readings.map { r in
      .object([("source", .string(r.source.rawValue)), ("start", .string(r.start.iso)),
               ("end", .optional(r.end?.iso)), ("how", .string(r.how))])
    })))
    return .object(fields)
  }

  /// A point of a file as text reports show it: the corrected wall time,
  /// `2026-11-20 07:31:14.320`, in the `--timezone` when its source states a zone, padded to
  /// a column (`-` for a file without a source).
  static func text(_ clock: FileClock?, seconds: Double) -> String {
    let t = clock?.wall(atSeconds: seconds).map { displayed($0.corrected, in: clock?.display).description } ?? "-"
    return t.count < 26 ? t.padding(toLength: 26, withPad: " ", startingAt: 0) : t + " "
  }

  /// Minutes east of UTC of a `--timezone` at the UTC instant `utcMilliseconds`: `UTC`/`Z`,
  /// `±hh`, `±hhmm`, `±hh:mm`, or a tz database name (`Europe/London`: its offset at that
  /// instant, summer time included); nil when the text is none of these.
  public static func zoneMinutes(_ zone: String, atUTCMilliseconds ms: Int64 = 0) -> Int? {
    if zone == "UTC" || zone == "Z" { return 0 }
    if let sign = zone.first, sign == "+" || sign == "-" {
      let digits = zone.dropFirst().filter { $0 != ":" }
      guard [2, 4].contains(digits.count), digits.allSatisfy { $0.isASCII && $0.isNumber }, zone.dropFirst().count == digits.count + (zone.contains(":") ? 1 : 0),
            let h = Int(digits.prefix(2)), let m = Int(digits.dropFirst(2).isEmpty ? "0" : String(digits.dropFirst(2))),
            h <= 14, m < 60 else { return nil }
      return (sign == "-" ? -1 : 1) * (h * 60 + m)
    }
    guard zone.contains("/"), let tz = TimeZone(identifier: zone) else { return nil }
    return tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms) / 1000)) / 60
  }

  /// `t` in `zone` when both are given and `t` states its zone; else `t` as read.
  static func displayed(_ t: WallTime, in zone: String?) -> WallTime {
    guard let zone, let z = t.zoneMinutes else { return t }
    let utc = t.milliseconds - Int64(z) * 60_000
    guard let minutes = zoneMinutes(zone, atUTCMilliseconds: utc) else { return t }
    return t.converted(toZone: minutes) ?? t
  }

  /// The line that says where the wall times of a text report come from, one clause a file
  /// with a source (nil when none has one).
  static func legend(_ clocks: [(path: String, clock: FileClock)]) -> String? {
    let parts = clocks.compactMap { c -> String? in
      guard let used = c.clock.used else { return nil }
      let k = c.clock.correction
      let fix = k.isIdentity ? "" : ", corrected for the DVR clock's offset \(SettingCheck.plain(k.offset)) s"
        + (k.drift == 0 ? "" : " and drift \(SettingCheck.plain(k.drift)) s/day")
      return "\(c.path): \(used.source.rawValue) (\(used.how))\(fix)"
    }
    guard !parts.isEmpty else { return nil }
    let zone = clocks.lazy.compactMap(\.clock.display).first.map { "; zoned times shown in \($0) (--timezone), others as read" } ?? ""
    return "wall: time of day, " + parts.joined(separator: "; ") + zone
  }
}
