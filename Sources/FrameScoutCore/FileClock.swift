/// Where a file's wall-clock time comes from, in the order of precedence `FileClock.resolve`
/// applies when the user does not pick one (`--clock SOURCE`).
public enum ClockSource: String, Sendable, CaseIterable {
  /// `--clock-start` or `--clock-at`.
  case user
  /// The burned-in on-screen clock (the OSD reader).
  case osd
  /// Per-frame timestamps of the DVR's own container (Dahua DHAV).
  case dvr
  /// A DVR export's file name that names the recording's start (Hikvision, Dahua).
  case exportName = "export_name"
  /// The container's `creation_time` (MP4/MOV) or `DATE_UTC` (Matroska): often the time of
  /// the export, not of the recording.
  case container
  /// A generic date-time stamp in the file name.
  case nameStamp = "name_stamp"
  case none
}

/// A step of a clock: from `atSeconds` into the file on, the clock shows `seconds` more than
/// the line before it (an on-screen clock set forward or back, a cut, a splice).
public struct ClockStep: Sendable, Equatable {
  /// The first frame after the step, and its time into the file less half a frame (so that
  /// the frame's own time, whatever its rounding, is on the far side).
  public var frame: Int
  public var atSeconds: Double
  public var seconds: Double
  public init(frame: Int, atSeconds: Double, seconds: Double) {
    self.frame = frame
    self.atSeconds = atSeconds
    self.seconds = seconds
  }
}

/// One reading of a file's clock: what a source says the file's first frame shows, and
/// (the on-screen clock) how it runs from there.
public struct ClockReading: Sendable, Equatable {
  public var source: ClockSource
  /// The wall time of the file's first frame.
  public var start: WallTime
  /// The wall time the source gives for the recording's end, when it gives one.
  public var end: WallTime?
  /// How the source was read, for the report: `file name ch02_2022…: Hikvision export`.
  public var how: String
  /// Seconds of the clock per second of the file: 1 but for the on-screen clock, whose fit
  /// measures it.
  public var rate: Double
  /// The clock's steps in file order (the on-screen clock's jumps); none for other sources.
  public var steps: [ClockStep]

  public init(source: ClockSource, start: WallTime, end: WallTime? = nil, how: String, rate: Double = 1, steps: [ClockStep] = []) {
    self.source = source
    self.start = start
    self.end = end
    self.how = how
    self.rate = rate
    self.steps = steps
  }

  /// The clock at `seconds` into the file: the start, the rate, and every step at or
  /// before it (piecewise: each stretch between steps is its own line).
  public func wall(atSeconds seconds: Double) -> WallTime {
    var s = seconds * rate
    for step in steps where seconds >= step.atSeconds { s += step.seconds }
    return start.adding(seconds: s)
  }
}

/// The DVR clock's error, as measured on scene: `offset` seconds (the DVR's clock minus true
/// time: +452 means the DVR was 7 min 32 s fast) at the file's first frame, changing by
/// `drift` seconds per day of DVR time from there.
public struct ClockCorrection: Sendable, Hashable {
  public var offset: Double
  public var drift: Double
  public init(offset: Double = 0, drift: Double = 0) {
    self.offset = offset
    self.drift = drift
  }
  public var isIdentity: Bool { offset == 0 && drift == 0 }

  /// True time for a DVR time `seconds` after the reference (the first frame).
  public func corrected(_ dvr: WallTime, secondsFromReference seconds: Double) -> WallTime {
    dvr.adding(seconds: -(offset + drift * seconds / 86_400))
  }

  /// Parses a signed duration: `+7m32s`, `-1h2m3.5s`, `452`, `+452s`, `-00:07:32`.
  public static func seconds(parsingOffset text: String) -> Double? {
    var s = Substring(text.trimmingWhitespace())
    var sign = 1.0
    if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = -1; s = s.dropFirst() }
    guard let first = s.first, first.isASCIIDigit else { return nil }
    if s.contains(":") || s.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
      guard case .seconds(let v)? = TimeSpec(parsing: String(s)) else { return nil }
      return sign * v
    }
    var total = 0.0, number = "", seen = Set<Character>()
    for c in s {
      if c.isASCIIDigit || c == "." { number.append(c); continue }
      let unit: Double
      switch c {
      case "d": unit = 86_400
      case "h": unit = 3600
      case "m": unit = 60
      case "s": unit = 1
      default: return nil
      }
      guard let v = Double(number), !seen.contains(c) else { return nil }
      seen.insert(c)
      total += v * unit
      number = ""
    }
    return number.isEmpty ? sign * total : nil
  }
}

/// `--clock-at`: a frame or time of the file, and what the clock showed then.
public struct ClockAt: Sendable, Hashable {
  public var point: TimeSpec
  public var time: WallTime
  public init(point: TimeSpec, time: WallTime) {
    self.point = point
    self.time = time
  }

  /// Parses `#1250=2026-11-20 07:31:55` or `83.5=2026-11-20 07:31:55`.
  public init?(parsing text: String) {
    guard let eq = text.firstIndex(of: "="), let point = TimeSpec(parsing: String(text[..<eq])),
          let time = WallTime(parsing: String(text[text.index(after: eq)...])) else { return nil }
    self.init(point: point, time: time)
  }
}

/// What the user asked of the clock on the command line (every command's `--clock…`
/// options; part of `OpenOptions`, so every engine resolves it the same way).
public struct ClockRequest: Sendable, Hashable {
  /// `--clock SOURCE`: only that source (nil: the first available in precedence order).
  public var source: ClockSource?
  /// `--clock-start`: the wall time of the file's first frame.
  public var start: WallTime?
  /// `--clock-at`.
  public var at: ClockAt?
  public var correction = ClockCorrection()
  /// `--timezone`: the zone text shows zoned times in (`UTC`, `+01:00`, `Europe/London`);
  /// nil: as their source states them. JSON keeps each time as read.
  public var display: String?
  public init() {}
}

/// A file's wall clock: the reading used (nil: no source), every reading found, the
/// correction applied, and the warnings (sources that disagree, an epoch creation_time).
public struct FileClock: Sendable, Equatable {
  public var used: ClockReading?
  public var readings: [ClockReading]
  public var correction: ClockCorrection
  public var warnings: [String]
  /// The zone text shows zoned times in (`ClockRequest.display`).
  public var display: String?

  /// The DVR's wall time of a point `seconds` into the file (the reading's line, with its
  /// steps: `ClockReading.wall`), and the corrected time (equal to it when no correction
  /// applies); nil without a source.
  public func wall(atSeconds seconds: Double) -> (dvr: WallTime, corrected: WallTime)? {
    guard let used else { return nil }
    let dvr = used.wall(atSeconds: seconds)
    return (dvr, correction.corrected(dvr, secondsFromReference: seconds))
  }

  /// Every reading the file's own facts give, in precedence order: the export name, the
  /// container, a name stamp (the user's, the OSD's and the DVR's are added by the caller).
  public static func readings(path: String, tags: [String: String], duration: Double?, warnings: inout [String]) -> [ClockReading] {
    var out: [ClockReading] = []
    if let r = ExportName.hikvision(path) ?? ExportName.dahua(path) { out.append(r) }
    if let r = containerReading(tags, warnings: &warnings) { out.append(r) }
    if out.first?.source != .exportName, let r = ExportName.stamp(path) { out.append(r) }
    if let d = duration, let r = out.first(where: { $0.end != nil }), let end = r.end, let span = end.seconds(since: r.start),
       abs(span - d) > 1 {
      warnings.append("\(r.how): the name's start and end are \(seconds(span)) apart, the file lasts \(seconds(d))")
    }
    return out
  }

  /// Chooses the reading: the user's (`request`), else the source asked for, else the first
  /// reading in precedence order; warns when available sources disagree by more than 1 s.
  /// `secondsOfFrame` turns `--clock-at #N` into seconds into the file.
  public static func resolve(request: ClockRequest, found: [ClockReading], secondsOfFrame: (Int) -> Double,
                             warnings: [String] = []) -> FileClock {
    var warnings = warnings, readings = found
    if let start = request.start {
      readings.insert(ClockReading(source: .user, start: start, how: "--clock-start \(start)"), at: 0)
    } else if let at = request.at {
      let s: Double
      switch at.point {
      case .frame(let n): s = secondsOfFrame(n)
      case .seconds(let v): s = v
      }
      readings.insert(ClockReading(source: .user, start: at.time.adding(seconds: -s), how: "--clock-at \(at.point)=\(at.time)"), at: 0)
    }
    let order = ClockSource.allCases
    readings.sort { order.firstIndex(of: $0.source)! < order.firstIndex(of: $1.source)! }
    let used: ClockReading?
    if request.source == ClockSource.none { used = nil }
    else if let want = request.source, want != .user { used = readings.first { $0.source == want } }
    else { used = readings.first }
    if let u = used { warnings += disagreements(used: u, readings) }
    else if !request.correction.isIdentity && request.source != ClockSource.none {
      warnings.append("no wall-clock source for this file: --clock-offset/--clock-drift not applied")
    }
    return FileClock(used: used, readings: readings, correction: used == nil ? ClockCorrection() : request.correction,
                     warnings: warnings, display: request.display)
  }

  /// One warning per other reading more than a second from the one used.
  static func disagreements(used: ClockReading, _ readings: [ClockReading]) -> [String] {
    readings.compactMap { r in
      guard r != used else { return nil }
      // Zones are compared as written: a DVR's clock states none, creation_time is UTC.
      let d = Double(r.start.milliseconds - used.start.milliseconds) / 1000
      guard abs(d) > 1 else { return nil }
      let zones = (r.start.zoneMinutes == nil) == (used.start.zoneMinutes == nil) ? ""
        : " (compared as written: one states a zone, the other does not)"
      let why = r.source == .container && d > 0 ? ": probably the export time" : ""
      return "\(r.source.rawValue) (\(r.how)) is \(span(abs(d))) \(d > 0 ? "after" : "before") \(used.source.rawValue)\(zones)\(why); using \(used.source.rawValue)"
    }
  }

  /// MP4/MOV `creation_time`, Matroska `DATE_UTC`; 1970-01-01 and 1904-01-01 (container
  /// epochs written by tools that had no time) are absent, with a warning.
  static func containerReading(_ tags: [String: String], warnings: inout [String]) -> ClockReading? {
    for key in ["creation_time", "DATE_UTC", "date_utc"] {
      guard let text = tags[key], var t = WallTime(parsing: text) ?? WallTime(parsing: text + "Z") else { continue }
      if key != "creation_time" && t.zoneMinutes == nil { t.zoneMinutes = 0 }
      let (y, mo, d, _, _, _, _) = t.fields
      if (y == 1970 || y == 1904) && mo == 1 && d == 1 {
        warnings.append("\(key) \(text) is the container's epoch, not a time: ignored")
        return nil
      }
      return ClockReading(source: .container, start: t, how: "container \(key) \(text)")
    }
    return nil
  }

  static func seconds(_ v: Double) -> String { "\(Double((v * 1000).rounded()) / 1000) s" }

  /// `3 h 12 min`, `7 min 32 s`, `4.5 s`.
  static func span(_ v: Double) -> String {
    let s = Int(v.rounded())
    if s >= 3600 { return "\(s / 3600) h \(s / 60 % 60) min" }
    if s >= 60 { return "\(s / 60) min \(s % 60) s" }
    return seconds(v)
  }
}

/// Wall times in the names DVRs give their exports.
enum ExportName {
  /// The last path component, and the folder names above it.
  static func parts(_ path: String) -> (name: String, folders: [String]) {
    let comps = path.split(separator: "/").map(String.init)
    return (comps.last ?? path, comps.dropLast().reversed())
  }

  /// Hikvision: `ch02_20220619111254080_20220619112811160.mp4` (channel, start, end, each
  /// YYYYMMDDhhmmss and optional milliseconds).
  static func hikvision(_ path: String) -> ClockReading? {
    let name = parts(path).name
    let fields = name.split(separator: ".").first.map { $0.split(separator: "_").map(String.init) } ?? []
    guard fields.count >= 3, let channel = channel(fields[0]), let start = compact(fields[1]), let end = compact(fields[2]) else { return nil }
    return ClockReading(source: .exportName, start: start, end: end, how: "file name \(name): Hikvision export, channel \(channel)")
  }

  /// The digits of a Hikvision channel field, `ch02` → `02` (possibly none); nil for any
  /// other field.
  static func channel(_ field: String) -> String? {
    guard field.lowercased().hasPrefix("ch"), field.dropFirst(2).allSatisfy(\.isASCIIDigit) else { return nil }
    return String(field.dropFirst(2))
  }

  /// Dahua: `19.53.47-19.54.00[M][0@0][0].dav` in a folder named for the day, `2022-06-19`.
  static func dahua(_ path: String) -> ClockReading? {
    let (name, folders) = parts(path)
    let b = Array(name.utf8)
    guard b.count >= 17, let day = folders.lazy.compactMap(date(folder:)).first else { return nil }
    var p = Cursor(b)
    guard let h0 = p.digits(2), p.take("."), let m0 = p.digits(2), p.take("."), let s0 = p.digits(2), p.take("-"),
          let h1 = p.digits(2), p.take("."), let m1 = p.digits(2), p.take("."), let s1 = p.digits(2),
          let start = WallTime(year: day.0, month: day.1, day: day.2, hour: h0, minute: m0, second: s0),
          var end = WallTime(year: day.0, month: day.1, day: day.2, hour: h1, minute: m1, second: s1) else { return nil }
    if end < start { end.milliseconds += 86_400_000 }    // past midnight
    return ClockReading(source: .exportName, start: start, end: end, how: "file name \(name) in folder \(day.3): Dahua export")
  }

  /// A folder named `YYYY-MM-DD`.
  static func date(folder: String) -> (Int, Int, Int, String)? {
    var p = Cursor(Array(folder.utf8))
    guard let y = p.digits(4), p.take("-"), let m = p.digits(2), p.take("-"), let d = p.digits(2), p.atEnd,
          WallTime(year: y, month: m, day: d) != nil else { return nil }
    return (y, m, d, folder)
  }

  /// `YYYYMMDDhhmmss` with optional milliseconds (17 digits).
  static func compact(_ s: String) -> WallTime? {
    guard s.count == 14 || s.count == 17, s.allSatisfy(\.isASCIIDigit) else { return nil }
    var p = Cursor(Array(s.utf8))
    guard let y = p.digits(4), let mo = p.digits(2), let d = p.digits(2), let h = p.digits(2), let mi = p.digits(2),
          let se = p.digits(2) else { return nil }
    return WallTime(year: y, month: mo, day: d, hour: h, minute: mi, second: se, millisecond: p.digits(3) ?? 0)
  }

  /// A generic stamp anywhere in the file name: `YYYYMMDD_HHMMSS`, `YYYY-MM-DD_HH-MM-SS`
  /// (`_`, `-`, `T` or a space between date and time), `YYYYMMDDHHMMSS`.
  static func stamp(_ path: String) -> ClockReading? {
    let name = parts(path).name
    let b = Array(name.utf8)
    for i in b.indices where b[i] >= 48 && b[i] <= 57 && (i == 0 || !(b[i - 1] >= 48 && b[i - 1] <= 57)) {
      if let t = stamp(b, from: i) {
        return ClockReading(source: .nameStamp, start: t, how: "file name \(name): date-time stamp")
      }
    }
    return nil
  }

  static func stamp(_ b: [UInt8], from i: Int) -> WallTime? {
    for dashed in [false, true] {
      var p = Cursor(b)
      p.i = i
      func sep() -> Bool { dashed ? p.take("-") : true }
      guard let y = p.digits(4), sep(), let mo = p.digits(2), sep(), let d = p.digits(2) else { continue }
      _ = p.take("_") || p.take("-") || p.take("T") || p.take(" ")
      func tsep() -> Bool { dashed ? (p.take("-") || p.take(".") || p.take(":")) : true }
      guard let h = p.digits(2), tsep(), let mi = p.digits(2), tsep(), let s = p.digits(2) else { continue }
      if p.i < b.count, b[p.i] >= 48, b[p.i] <= 57, !dashed { continue }   // part of a longer number
      if let t = WallTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s), (1990...2100).contains(y) { return t }
    }
    return nil
  }
}
