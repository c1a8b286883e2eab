/// A time of day on a calendar date, to the millisecond, as a DVR, a file name or a user
/// states it: a civil time on the clock of the place, with its offset from UTC only when
/// the source states one (a DVR's clock has no zone; MP4's `creation_time` is UTC).
///
/// Kept as milliseconds since 1970-01-01 00:00:00 *of that clock* (not UTC unless the zone is
/// +00:00), so adding the seconds of a video never needs a time-zone database.
public struct WallTime: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var milliseconds: Int64
  /// Minutes east of UTC, when the source states the zone.
  public var zoneMinutes: Int?

  public init(milliseconds: Int64, zoneMinutes: Int? = nil) {
    self.milliseconds = milliseconds
    self.zoneMinutes = zoneMinutes
  }

  /// A civil date and time; nil when a field is out of range (month 13, 30 February, 24:00).
  public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
               millisecond: Int = 0, zoneMinutes: Int? = nil) {
    guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(month, of: year)).contains(day),
          (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0...999).contains(millisecond)
    else { return nil }
    if let z = zoneMinutes, abs(z) > 18 * 60 { return nil }
    let days = Self.days(fromCivil: year, month, day)
    milliseconds = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000 + Int64(millisecond)
    self.zoneMinutes = zoneMinutes
  }

  /// Parses `YYYY-MM-DD HH:MM:SS[.fff]` (a `T` or a space between date and time), with an
  /// optional zone: `Z`, `+hh:mm`, `+hhmm`, `+hh`. Fractions beyond milliseconds are rounded.
  public init?(parsing text: String) {
    let s = Array(text.trimmingWhitespace().utf8)
    var p = Cursor(s)
    guard let y = p.digits(4), p.take("-"), let mo = p.digits(2), p.take("-"), let d = p.digits(2),
          p.take("T") || p.take(" ") || p.take("t"),
          let h = p.digits(2), p.take(":"), let mi = p.digits(2), p.take(":"), let se = p.digits(2) else { return nil }
    var ms = 0
    if p.take(".") || p.take(",") {
      guard let f = p.fraction() else { return nil }
      ms = f
    }
    var zone: Int? = nil
    if p.take("Z") || p.take("z") { zone = 0 }
    else if let sign = p.sign() {
      guard let zh = p.digits(2) else { return nil }
      _ = p.take(":")
      let zm = p.digits(2) ?? 0
      guard zh <= 18, zm <= 59 else { return nil }
      zone = sign * (zh * 60 + zm)
    }
    guard p.atEnd else { return nil }
    var carry = 0
    if ms == 1000 { ms = 0; carry = 1 }
    guard var t = WallTime(year: y, month: mo, day: d, hour: h, minute: mi, second: se, millisecond: ms, zoneMinutes: zone)
    else { return nil }
    t.milliseconds += Int64(carry) * 1000
    self = t
  }

  /// The same instant `seconds` later (rounded to the millisecond), on the same clock.
  public func adding(seconds: Double) -> WallTime {
    WallTime(milliseconds: milliseconds + Int64((seconds * 1000).rounded()), zoneMinutes: zoneMinutes)
  }

  /// Seconds from `other` to this time: on one clock when neither or both state their zone
  /// (both then compared in UTC); nil when only one does (they cannot be compared).
  public func seconds(since other: WallTime) -> Double? {
    switch (zoneMinutes, other.zoneMinutes) {
    case (nil, nil): return Double(milliseconds - other.milliseconds) / 1000
    case let (a?, b?): return Double((milliseconds - Int64(a) * 60_000) - (other.milliseconds - Int64(b) * 60_000)) / 1000
    default: return nil
    }
  }

  /// The same instant on a clock `minutes` east of UTC (only for a zoned time).
  public func converted(toZone minutes: Int) -> WallTime? {
    guard let z = zoneMinutes else { return nil }
    return WallTime(milliseconds: milliseconds + Int64(minutes - z) * 60_000, zoneMinutes: minutes)
  }

  /// ISO 8601 to the millisecond, `2026-11-20T07:31:14.320`, with `Z` or `+hh:mm` only
  /// when the zone is known.
  public var iso: String {
    let (y, mo, d, h, mi, s, ms) = fields
    var out = "\(pad(y, 4))-\(pad(mo, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))"
    if let z = zoneMinutes {
      out += z == 0 ? "Z" : "\(z < 0 ? "-" : "+")\(pad(abs(z) / 60, 2)):\(pad(abs(z) % 60, 2))"
    }
    return out
  }

  /// `2026-11-20 07:31:14.320` (and the zone, when known): for text output.
  public var description: String {
    var s = iso
    s = s.replacingFirst("T", with: " ")
    return s
  }

  /// (year, month, day, hour, minute, second, millisecond) on this time's clock.
  public var fields: (Int, Int, Int, Int, Int, Int, Int) {
    let dayMs: Int64 = 86_400_000
    var days = milliseconds / dayMs, rest = milliseconds % dayMs
    if rest < 0 { rest += dayMs; days -= 1 }
    let (y, mo, d) = Self.civil(fromDays: days)
    let r = Int(rest)
    return (y, mo, d, r / 3_600_000, r / 60_000 % 60, r / 1000 % 60, r % 1000)
  }

  public static func < (a: WallTime, b: WallTime) -> Bool { a.milliseconds < b.milliseconds }

  static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
  static func daysIn(_ month: Int, of year: Int) -> Int {
    [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  }

  /// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm, proleptic Gregorian).
  static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int64(month), d = Int64(day)
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a day count from 1970-01-01.
  static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
  }
}

/// Left-pads a non-negative number with zeros to `width` digits.
private func pad(_ v: Int, _ width: Int) -> String {
  let s = String(v)
  return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A reader over ASCII bytes for the small fixed formats of dates and times.
struct Cursor {
  let bytes: [UInt8]
  var i = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var atEnd: Bool { i == bytes.count }

  /// Exactly `n` digits as a number.
  mutating func digits(_ n: Int) -> Int? {
    guard i + n <= bytes.count else { return nil }
    var v = 0
    for k in i..<(i + n) {
      let b = bytes[k]
      guard b >= 48 && b <= 57 else { return nil }
      v = v * 10 + Int(b - 48)
    }
    i += n
    return v
  }

  mutating func take(_ c: Character) -> Bool {
    guard i < bytes.count, let a = c.asciiValue, bytes[i] == a else { return false }
    i += 1
    return true
  }

  /// `+` → 1, `-` → −1, else nil (nothing consumed).
  mutating func sign() -> Int? {
    if take("+") { return 1 }
    if take("-") { return -1 }
    return nil
  }

  /// One or more digits after a decimal point, as milliseconds (rounded; 1000 when .9995+).
  mutating func fraction() -> Int? {
    let start = i
    var value = 0.0, scale = 0.1
    while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
      value += Double(bytes[i] - 48) * scale
      scale /= 10
      i += 1
    }
    return i > start ? Int((value * 1000).rounded()) : nil
  }
}

extension String {
  /// The string with its first `target` replaced.
  func replacingFirst(_ target: Character, with replacement: String) -> String {
    guard let r = firstIndex(of: target) else { return self }
    return String(self[..<r]) + replacement + String(self[index(after: r)...])
  }
}
