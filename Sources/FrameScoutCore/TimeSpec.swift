/// A point in a video as a user writes it on the command line: seconds (`83.48`),
/// `HH:MM:SS(.mmm)` / `MM:SS(.mmm)`, or a frame number (`#2087`).
public enum TimeSpec: Hashable, Sendable, CustomStringConvertible {
  case seconds(Double)
  case frame(Int)

  /// Parses the forms above; nil for anything else (negative, empty, malformed, not finite).
  public init?(parsing text: String) {
    let s = text.trimmingWhitespace()
    if s.isEmpty { return nil }
    if s.first == "#" {
      let digits = s.dropFirst()
      guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let n = Int(digits) else { return nil }
      self = .frame(n)
      return
    }
    let parts = s.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count <= 3 else { return nil }
    var total = 0.0
    for (k, part) in parts.enumerated() {
      let isLast = k == parts.count - 1
      guard !part.isEmpty, part.allSatisfy({ $0.isASCIIDigit || (isLast && $0 == ".") }),
            part.filter({ $0 == "." }).count <= 1, part.first != ".", part.last != "." || !part.contains("."),
            let v = Double(part) else { return nil }
      if k > 0 && v >= 60 { return nil }   // minutes and seconds fields below 60
      total = total * 60 + v
    }
    guard total.isFinite else { return nil }
    self = .seconds(total)
  }

  /// A duration as written on a command line or in a settings file: `10s`, `1.5`,
  /// `00:01:00` → seconds (nil for anything else, a frame number included).
  public static func seconds(parsingDuration text: String) -> Double? {
    var t = text
    if t.hasSuffix("s") { t.removeLast() }
    if case .seconds(let s)? = TimeSpec(parsing: t) { return s }
    return nil
  }

  public var description: String {
    switch self {
    case .seconds(let s): return Timecode.format(s)
    case .frame(let n): return "#\(n)"
    }
  }
}

/// Seconds as reports say them: whole seconds bare (5), else to two decimals (1.25).
public func briefSeconds(_ v: Double) -> String {
  v == v.rounded() ? String(Int(v)) : String((v * 100).rounded() / 100)
}

/// Times in output: `HH:MM:SS.mmm`, rounded to the millisecond.
public enum Timecode {
  public static func format(_ seconds: Double) -> String {
    let negative = seconds < 0
    let ms = Int((abs(seconds) * 1000).rounded())
    let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
    return (negative ? "-" : "") + pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(f, 3)
  }

  static func pad(_ v: Int, _ n: Int) -> String {
    let s = String(v)
    return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var sub = self[...]
    while let c = sub.first, c.isWhitespace { sub = sub.dropFirst() }
    while let c = sub.last, c.isWhitespace { sub = sub.dropLast() }
    return String(sub)
  }
}
