/// Reads one DVR's on-screen clock, frame after frame: the box, the text's polarity and
/// level, the digits learnt from the clip (`OSDFont`) and the layout (`OSDLayout`). `read`
/// allocates nothing once its buffers have grown to the box.
public struct OSDClockReader: Sendable {
  public let box: PixelRect
  public let polarity: TextPolarity
  public let textLevel: Int
  public let font: OSDFont
  public var layout: OSDLayout
  /// Distance between the centres of two neighbouring digits (pixels).
  public let pitch: Double
  /// Rows of the box a digit's ink spans (from the learnt 0).
  public let digitRows: ClosedRange<Int>
  var line = InkLine()
  public private(set) var tokens: [OSDToken] = []

  public init(box: PixelRect, polarity: TextPolarity, textLevel: Int, font: OSDFont, layout: OSDLayout, pitch: Double) {
    self.box = box
    self.polarity = polarity
    self.textLevel = textLevel
    self.font = font
    self.layout = layout
    self.pitch = pitch
    let rows = font.digits.compactMap { $0.first?.inkRows }
    digitRows = (rows.map(\.lowerBound).min() ?? 0)...(rows.map(\.upperBound).max() ?? 0)
  }

  /// The time the frame's clock shows (seconds since 1970-01-01 of the DVR's clock), or nil
  /// when it cannot be read.
  public mutating func read(_ luma: GrayView) -> Int64? { read(box: luma.cropped(to: box)) }

  /// The time a view of the box alone shows.
  public mutating func read(box view: GrayView) -> Int64? { reading(box: view).seconds }

  /// The time the frame's clock shows, and when that cannot be read, the time it shows with
  /// its unsure glyphs taken for the digit each most resembles (`OSDFont.guess`): a guess,
  /// for the track to check against the readings around it.
  public mutating func reading(_ luma: GrayView) -> (seconds: Int64?, guess: Int64?) { reading(box: luma.cropped(to: box)) }

  public mutating func reading(box view: GrayView) -> (seconds: Int64?, guess: Int64?) {
    tokenise(view)
    if let s = layout.seconds(tokens, pitch: pitch) { return (s, nil) }
    var guessed = false
    for i in tokens.indices where tokens[i].digit < 0 {
      if let g = font.guess(run: i, of: line) { tokens[i].digit = g; guessed = true }
    }
    return (nil, guessed ? layout.seconds(tokens, pitch: pitch) : nil)
  }

  /// Binarises the box and classes each glyph: a digit of the font, or a shape.
  public mutating func tokenise(_ view: GrayView) {
    line.read(view, polarity: polarity, textLevel: textLevel)
    splitJoinedDigits()
    tokens.removeAll(keepingCapacity: true)
    for (i, r) in line.runs.enumerated() {
      let d = font.digit(run: i, of: line) ?? -1
      tokens.append(OSDToken(digit: d, x: r.x, width: r.width, shape: d >= 0 ? "?" : shape(run: i)))
    }
  }

  /// Cuts runs that are two digits joined: compression can fill the column between two
  /// digits with a little ink, for all the frames of a group of pictures (DejaVu 20 px at
  /// CRF 26: the day's `10` one run 19 px wide at a pitch of 12, in every other GOP; 463
  /// frames unreadable). A run 1.4–2.4 pitches wide that is no digit is cut at its column
  /// of least ink in its middle third, and kept cut only when both parts are digits (a
  /// wide glyph that is not two digits, 年 or a weekday's, stays whole).
  mutating func splitJoinedDigits() {
    var i = 0
    while i < line.runs.count {
      let r = line.runs[i], w = Double(r.width)
      if w >= 1.4 * pitch && w <= 2.4 * pitch && font.digit(run: i, of: line) == nil {
        let cut = line.leastInkColumn(from: r.x + r.width / 3, to: r.x + r.width - r.width / 3)
        if line.split(run: i, at: cut) {
          if font.digit(run: i, of: line) != nil && font.digit(run: i + 1, of: line) != nil { i += 2; continue }
          line.join(run: i)
        }
      }
      i += 1
    }
  }

  /// What a non-digit glyph looks like, measured against the digits' rows: `.` (low and
  /// small), `-` (a short bar at mid height), `:` (two dots), `/` (tall, leaning right),
  /// `A` or `P` (tall; A's apex stands away from its left edge, P's stem is at it), `?`.
  func shape(run i: Int) -> Character {
    let r = line.runs[i], n = min(64, r.width)
    var top = -1, bottom = -1, emptyInside = false
    for y in 0..<line.height where line.bits(row: y, from: r.x, count: n) != 0 {
      if top < 0 { top = y } else if y > bottom + 1 { emptyInside = true }
      bottom = y
    }
    guard top >= 0 else { return "?" }
    let h = Double(digitRows.count), inkH = Double(bottom - top + 1), w = Double(r.width)
    let dt = Double(digitRows.lowerBound)
    if Double(top) >= dt + 0.6 * h && w <= 0.6 * pitch { return "." }
    if emptyInside && w <= 0.6 * pitch && inkH >= 0.4 * h { return ":" }
    if inkH <= 0.3 * h && w >= 1.2 * inkH && Double(top) > dt + 0.2 * h { return "-" }
    guard inkH >= 0.7 * h else { return "?" }
    func firstInk(_ y: Int) -> Int { line.bits(row: y, from: r.x, count: n).trailingZeroBitCount }
    func lastInk(_ y: Int) -> Int { 63 - line.bits(row: y, from: r.x, count: n).leadingZeroBitCount }
    // A slash leans: its bottom row ends left of where its top row ends (an A's bottom row,
    // its two feet, reaches past its apex: DejaVu 20 px's A was read as `/`).
    if w <= 1.0 * pitch && Double(lastInk(top)) - Double(firstInk(bottom)) >= 0.5 * w
        && firstInk(top) > firstInk(bottom) + 1 && lastInk(bottom) < lastInk(top) { return "/" }
    let topRows = top...(top + max(0, Int(inkH * 0.2)))
    let apex = topRows.map(firstInk).min() ?? 0
    return Double(apex) >= 0.25 * pitch ? "A" : "P"
  }
}

extension OSDClockReader {
  /// Learns a clock from consecutive frames' boxes (`crops`, at least 11 s of them):
  /// the digits from the seconds position (`secondsX`, a column of the box inside the
  /// seconds digit), then the layout (or `format` when given). Nil when the digits cannot be
  /// learnt (no ten shapes in a 10-cycle) or the layout is not a date and time.
  /// `failure` says why when it returns nil.
  public static func learn(crops: [GrayView], frames: [Int], fps: Double, box: PixelRect, secondsX: Int, polarity: TextPolarity,
                           textLevel: Int, format: OSDLayout? = nil, failure: inout String) -> OSDClockReader? {
    var line = InkLine()
    var seconds: [Glyph?] = [], tens: [Glyph?] = [], pitches: [Double] = []
    for crop in crops {
      line.read(crop, polarity: polarity, textLevel: textLevel)
      let runs = line.runs
      guard let s = runs.firstIndex(where: { $0.x <= secondsX && secondsX < $0.x + $0.width }) else {
        seconds.append(nil); tens.append(nil); continue
      }
      seconds.append(line.glyph(s))
      tens.append(s > 0 ? line.glyph(s - 1) : nil)
      if s > 0 {
        pitches.append(Double(runs[s].x * 2 + runs[s].width - runs[s - 1].x * 2 - runs[s - 1].width) / 2)
      }
    }
    guard let font = OSDFont.learn(seconds: seconds, tens: tens, frames: frames, fps: fps, failure: &failure), !pitches.isEmpty else {
      return nil
    }
    let pitch = pitches.sorted()[pitches.count / 2]
    let placeholder = OSDLayout(fields: [], twelveHour: false, format: "")
    var reader = OSDClockReader(box: box, polarity: polarity, textLevel: textLevel, font: font, layout: placeholder, pitch: pitch)
    var lines: [[OSDToken]] = []
    for k in stride(from: 0, to: crops.count, by: max(1, crops.count / 64)) {
      reader.tokenise(crops[k])
      lines.append(reader.tokens)
    }
    guard let layout = format ?? OSDLayout.infer(lines: lines, secondsX: secondsX, pitch: pitch) else {
      failure = "no date and time layout in \(lines.count) lines"
      return nil
    }
    reader.layout = layout
    return reader
  }
}
