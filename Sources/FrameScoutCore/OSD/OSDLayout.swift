/// One glyph of a read line: a digit (0–9) or not (-1), where it is, and for a non-digit
/// what its shape says (`-`, `/`, `.`, `:`, `A`, `P`, or `?` for anything else).
public struct OSDToken: Sendable, Equatable {
  public var digit: Int
  public var x: Int
  public var width: Int
  public var shape: Character
  public init(digit: Int, x: Int, width: Int, shape: Character = "?") {
    self.digit = digit
    self.x = x
    self.width = width
    self.shape = shape
  }
  public var center: Double { Double(x) + Double(width) / 2 }
}

/// How a clock's digits are laid out: which field each group of digits is (left to right),
/// whether it is a 12-hour clock (then an AM/PM glyph follows the seconds), and the format
/// as text (`YYYY-MM-DD HH:mm:ss`). Inferred from the clip (the seconds group is known: it
/// is the one that ticks) or given by `--format`.
public struct OSDLayout: Sendable, Equatable {
  public enum Field: Sendable, Equatable { case year, month, day, hour, minute, second }
  public var fields: [Field]
  public var twelveHour: Bool
  public var format: String
  /// Day and month could both be ≤ 12 throughout: the order is `--format`'s default.
  public var dayMonthAmbiguous = false

  public init(fields: [Field], twelveHour: Bool, format: String) {
    self.fields = fields
    self.twelveHour = twelveHour
    self.format = format
  }

  /// Digit groups of a line: runs of digit tokens with no other glyph between them and
  /// centres at most 1.4 digit pitches apart. Returns (first token, count) a group.
  public static func groups(_ tokens: [OSDToken], pitch: Double) -> [(start: Int, count: Int)] {
    var out: [(start: Int, count: Int)] = []
    for (i, t) in tokens.enumerated() where t.digit >= 0 {
      if let last = out.last, last.start + last.count == i, t.center - tokens[i - 1].center <= 1.4 * pitch {
        out[out.count - 1].count += 1
      } else {
        out.append((i, 1))
      }
    }
    return out
  }

  /// The number a group of digit tokens shows.
  static func value(_ tokens: [OSDToken], _ g: (start: Int, count: Int)) -> Int {
    tokens[g.start..<(g.start + g.count)].reduce(0) { $0 * 10 + $1.digit }
  }

  /// Parses `--format`: YYYY, MM, DD, HH (24 h) or hh (12 h), mm, ss, A (AM/PM); `ddd`,
  /// `dddd` or any other text stand for glyphs to skip. Nil when it lacks a field.
  public init?(format: String) {
    var fields: [Field] = [], twelve = false
    var s = Substring(format)
    let codes: [(String, Field?)] = [("YYYY", .year), ("MM", .month), ("DD", .day), ("HH", .hour), ("hh", .hour),
                                     ("mm", .minute), ("ss", .second)]
    while !s.isEmpty {
      if let (code, field) = codes.first(where: { s.hasPrefix($0.0) }) {
        if code == "hh" { twelve = true }
        fields.append(field!)
        s = s.dropFirst(code.count)
      } else {
        s = s.dropFirst()
      }
    }
    guard fields.count == 6, Set(fields.map { "\($0)" }).count == 6 else { return nil }
    guard fields.suffix(3) == [.hour, .minute, .second] || fields.prefix(3) == [.hour, .minute, .second] else { return nil }
    self.init(fields: fields, twelveHour: twelve, format: format)
  }

  /// The wall time a line shows, in seconds since 1970-01-01 of the DVR's clock; nil when
  /// its digit groups do not fit the layout or a field is out of range.
  /// Allocates nothing: the groups (as `groups` makes them) are closed one by one as the
  /// tokens are walked.
  public func seconds(_ tokens: [OSDToken], pitch: Double) -> Int64? {
    var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
    var g = 0, value = 0, count = 0, after = -1
    for i in 0...tokens.count {
      let isDigit = i < tokens.count && tokens[i].digit >= 0
      if count > 0 && isDigit && tokens[i].center - tokens[i - 1].center <= 1.4 * pitch {
        value = value * 10 + tokens[i].digit
        count += 1
        continue
      }
      if count > 0 {
        guard g < fields.count, count == (fields[g] == .year ? 4 : 2) else { return nil }
        switch fields[g] {
        case .year: year = value
        case .month: month = value
        case .day: day = value
        case .hour: hour = value
        case .minute: minute = value
        case .second: second = value; after = i
        }
        g += 1
      }
      (value, count) = isDigit ? (tokens[i].digit, 1) : (0, 0)
    }
    guard g == fields.count else { return nil }
    if twelveHour {
      guard after >= 0, after < tokens.count, tokens[after].digit < 0, (1...12).contains(hour) else { return nil }
      switch tokens[after].shape {
      case "A": hour = hour == 12 ? 0 : hour
      case "P": hour = hour == 12 ? 12 : hour + 12
      default: return nil
      }
    }
    guard let t = WallTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
    return t.milliseconds / 1000
  }
}
