import FrameScoutCore

public extension JSONValue {
  /// `{"frame": 1262, "time": 50.48, "timecode": "00:00:50.480"}`
  static func timePoint(_ t: TimePoint) -> JSONValue {
    .object([("frame", .int(t.frame)), ("time", .double(rounded(t.time, 6))), ("timecode", .string(t.timecode))])
  }

  static func rect(_ r: PixelRect) -> JSONValue { .array([.int(r.x), .int(r.y), .int(r.width), .int(r.height)]) }

  /// An event in DESIGN.md's shape: file, kind, start, end, score, region, box, thumbnails, then details.
  static func event(_ e: Event) -> JSONValue {
    var fields: [(String, JSONValue)] = [
      ("file", .string(e.file)), ("kind", .string(e.kind.rawValue)),
      ("start", .timePoint(e.start)), ("end", .timePoint(e.end)),
      ("score", .double(rounded(e.score, 4))),
    ]
    if let r = e.region { fields.append(("region", .rect(r))) }
    if let b = e.box { fields.append(("box", .rect(b))) }
    if !e.thumbnails.isEmpty { fields.append(("thumbnails", .object(e.thumbnails.map { ($0.role, .string($0.path)) }))) }
    for (name, value) in e.details {
      switch value {
      case .number(let d): fields.append((name, .double(rounded(d, 6))))
      case .integer(let i): fields.append((name, .int(i)))
      case .text(let s): fields.append((name, .string(s)))
      case .flag(let b): fields.append((name, .bool(b)))
      }
    }
    return .object(fields)
  }

  /// Rounds to `digits` decimals so reports do not carry float noise (and stay byte-identical).
  static func rounded(_ v: Double, _ digits: Int) -> Double {
    guard v.isFinite else { return v }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    return (v * p).rounded() / p
  }
}
