import FrameScoutCore

public extension JSONValue {
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
}
