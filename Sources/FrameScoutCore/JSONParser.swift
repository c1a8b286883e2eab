/// Reading JSON back into a `JSONValue` with object keys in file order, so a report that is
/// read and written again (merging shard reports, resuming a batch) stays byte-identical.
/// Numbers with a fraction or exponent become `.double`, others `.int`.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

public extension JSONValue {
  init(parsing text: String) throws(JSONParseError) {
    var p = Parser(bytes: Array(text.utf8))
    p.skipSpace()
    self = try p.value()
    p.skipSpace()
    if p.i != p.bytes.count { throw p.error("text after the value") }
  }

  /// The field `key` of an object (nil when absent or not an object).
  subscript(key: String) -> JSONValue? {
    if case .object(let fields) = self { return fields.first { $0.0 == key }?.1 }
    return nil
  }

  var stringValue: String? { if case .string(let s) = self { return s }; return nil }
  var intValue: Int? { if case .int(let i) = self { return i }; return nil }
  var doubleValue: Double? {
    switch self { case .double(let d): return d; case .int(let i): return Double(i); default: return nil }
  }
  var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
}

private struct Parser {
  let bytes: [UInt8]
  var i = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  func error(_ what: String) -> JSONParseError { JSONParseError(description: "JSON: \(what) at byte \(i)") }

  mutating func skipSpace() {
    while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
  }

  mutating func literal(_ word: String, _ v: JSONValue) throws(JSONParseError) -> JSONValue {
    let w = Array(word.utf8)
    guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw error("expected \(word)") }
    i += w.count
    return v
  }

  mutating func value() throws(JSONParseError) -> JSONValue {
    guard i < bytes.count else { throw error("unexpected end") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var fields: [(String, JSONValue)] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
      while true {
        skipSpace()
        guard case .string(let key) = try value() else { throw error("object key must be a string") }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected :") }
        i += 1
        skipSpace()
        fields.append((key, try value()))
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
        if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
        throw error("expected , or }")
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JSONValue] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
      while true {
        skipSpace()
        items.append(try value())
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
        if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        throw error("expected , or ]")
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default:
      let start = i
      var isDouble = false
      while i < bytes.count, let c = Optional(bytes[i]),
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
              || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
        if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isDouble = true }
        i += 1
      }
      let text = String(decoding: bytes[start..<i], as: UTF8.self)
      if text.isEmpty { throw error("unexpected character") }
      if !isDouble, let v = Int(text) { return .int(v) }
      guard let d = Double(text) else { throw error("bad number \(text)") }
      return .double(d)
    }
  }

  mutating func string() throws(JSONParseError) -> String {
    i += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []
    func flush(_ raw: inout [UInt8], into s: inout String.UnicodeScalarView) {
      if !raw.isEmpty { s.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
    }
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") { i += 1; flush(&raw, into: &scalars); return String(scalars) }
      if c == UInt8(ascii: "\\") {
        flush(&raw, into: &scalars)
        i += 1
        guard i < bytes.count else { break }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "u"):
          guard i + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw error("bad \\u escape") }
          i += 4
          // A surrogate pair.
          if code >= 0xD800 && code < 0xDC00, i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
             let low = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), low >= 0xDC00 && low < 0xE000 {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 6
          }
          scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        default: scalars.append(Unicode.Scalar(e))
        }
        continue
      }
      raw.append(c)
      i += 1
    }
    throw error("unterminated string")
  }
}
