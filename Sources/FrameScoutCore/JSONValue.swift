/// A JSON value whose object keys keep the order they were given, written the same way
/// every time: same value, byte-identical text (reports must be reproducible).
public indirect enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

  /// Pretty-printed with two-space indents and a final newline.
  public func serialized() -> String {
    var out = ""
    write(to: &out, indent: 0)
    out += "\n"
    return out
  }

  func write(to out: inout String, indent: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += Self.number(d)
    case .string(let s): Self.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      // Arrays of scalars on one line (regions, boxes); others one item a line.
      if items.allSatisfy({ $0.isScalar }) {
        out += "["
        for (k, v) in items.enumerated() { if k > 0 { out += ", " }; v.write(to: &out, indent: indent) }
        out += "]"
        return
      }
      out += "[\n"
      for (k, v) in items.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        v.write(to: &out, indent: indent + 2)
        out += k == items.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let fields):
      if fields.isEmpty { out += "{}"; return }
      out += "{\n"
      for (k, (key, v)) in fields.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        Self.quote(key, into: &out)
        out += ": "
        v.write(to: &out, indent: indent + 2)
        out += k == fields.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    }
  }

  var isScalar: Bool {
    switch self { case .array, .object: return false; default: return true }
  }

  /// Shortest text that reads back as the same Double; integers keep a ".0"-free form
  /// only when they are stored as `.int`. Non-finite numbers become null.
  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) + ".0" }
    return "\(d)"
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20 || u.value == 0x7F || u.value == 0x2028 || u.value == 0x2029:
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(u)
      }
    }
    out += "\""
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
}

public extension JSONValue {
  /// `.null` for nil.
  static func optional(_ v: Int?) -> JSONValue { v.map { .int($0) } ?? .null }
  static func optional(_ v: Double?) -> JSONValue { v.map { .double($0) } ?? .null }
  static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
}

public extension JSONValue {
  /// `{"frame": 1262, "time": 50.48, "timecode": "00:00:50.480"}`
  static func timePoint(_ t: TimePoint) -> JSONValue {
    .object([("frame", .int(t.frame)), ("time", .double(rounded(t.time, 6))), ("timecode", .string(t.timecode))])
  }

  static func rect(_ r: PixelRect) -> JSONValue { .array([.int(r.x), .int(r.y), .int(r.width), .int(r.height)]) }

  /// Rounds to `digits` decimals so reports do not carry float noise (and stay byte-identical).
  static func rounded(_ v: Double, _ digits: Int) -> Double {
    guard v.isFinite else { return v }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    return (v * p).rounded() / p
  }
}
