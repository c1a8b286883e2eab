import FrameScoutCore
import FrameScoutMedia

/// Reads a file's burned-in clock (issue 18). First the clip's first seconds are decoded
/// frame by frame: the seconds digit is found where it ticks (`OSDFinder`, or inside
/// `--box`), the box grown along the text line, and the DVR's digits learnt from the seconds
/// as they count (`OSDClockReader.learn`, for light and for dark text: the polarity whose
/// digits form a 10-cycle best wins). Then `everyTick` reads every frame; the default reads
/// keyframes and decodes frame by frame only 2 s at the end (for the rate) and where a
/// keyframe departs from the fit (a jump, located to its frame).
public final class OnScreenClock {
  public let path: String
  public let settings: OSDSettings
  let decoder: VideoDecoder
  var result: OSDResult
  var reader: OSDClockReader?
  /// Why the digits could not be learnt.
  var failure = ""
  var learnFrames: Int { max(1, Int(settings.learnSeconds * decoder.clock.rate)) }

  public init(path: String, settings: OSDSettings) throws {
    self.path = path
    self.settings = settings
    decoder = try VideoDecoder(path: path, options: DecodeOptions(open: settings.open, threads: settings.threads, analysisWidth: nil))
    result = OSDResult(path: path, clock: decoder.clock, info: decoder.info)
    let info = decoder.info
    if let box = settings.box, box.x < 0 || box.y < 0 || box.x + box.width > info.width || box.y + box.height > info.height {
      throw MediaError(file: path, kind: .outOfRange, reason: "--box \(box) is outside the \(info.width)x\(info.height) picture")
    }
  }

  /// Reads the clock: `result.box` nil when no on-screen clock was found.
  public func run() throws -> OSDResult {
    guard let candidates = try find() else {
      result.notes.append("no on-screen clock found")
      return finish()
    }
    var values: [(frame: Int, seconds: Int64?, guess: Int64?)] = []
    try learn(candidates, values: &values)
    guard var reader else {
      result.notes.append("no on-screen clock found (a digit ticks at \(candidates[0].seconds), but its digits could not be learnt: \(failure))")
      return finish()
    }
    result.box = reader.box
    result.polarity = reader.polarity
    result.format = reader.layout.format
    if reader.layout.dayMonthAmbiguous {
      result.notes.append("day and month are both 12 or less throughout: read as month first (give --format DD/MM/YYYY… for day first)")
    }
    if settings.everyTick {
      try decoder.forEachFrame(from: values.count, through: nil) { frame in
        result.framesDecoded += 1
        let r = reader.reading(frame.luma)
        values.append((frame.index, r.seconds, r.guess))
        return .next
      }
      result.frameValues = values.map { ($0.frame, $0.seconds) }
      let (readings, unreadable) = OSDTrack.readings(values, framesPerSecond: decoder.clock.rate)
      result.readings = readings
      result.unreadableFrames = unreadable
      result.fit = OSDTrack.fit(readings, secondsPerFrame: decoder.clock.frameDuration)
    } else {
      try sample(start: values, reader: &reader)
    }
    return finish()
  }

  func finish() -> OSDResult {
    if !decoder.damage.isEmpty { result.notes.append("damaged data: \(decoder.damage.summary)") }
    result.notes += decoder.warnings
    return result
  }

  typealias Candidate = (box: PixelRect, seconds: PixelRect, polarity: TextPolarity, level: Int)

  /// Decodes the first seconds for the ticking digit; returns a box for each polarity.
  func find() throws -> [Candidate]? {
    let info = decoder.info
    var finder = OSDFinder(frameWidth: info.width, frameHeight: info.height, fps: decoder.clock.rate, box: settings.box)
    var last: GrayImage? = nil
    try decoder.forEachFrame(from: 0, through: learnFrames - 1) { frame in
      result.framesDecoded += 1
      finder.add(frame.luma)
      if frame.index >= learnFrames - 1 || last == nil { last = GrayImage(copying: frame.luma) }
      return .next
    }
    guard let seconds = finder.secondsDigit(), let last else { return nil }
    let found = TextPolarity.allCases.compactMap { p in candidate(p, seconds: seconds, frame: last) }
    return found.isEmpty ? nil : found
  }

  /// The box of the text line through the seconds digit for text of polarity `p`: the
  /// glyph runs reached from the seconds with gaps of at most 1.2 digit heights, in a band
  /// of twice the digit's height (the cells see only part of it), then cut to the band of
  /// rows through the digit where that text has ink (and 2 more each side for an outline).
  func candidate(_ p: TextPolarity, seconds s: PixelRect, frame: GrayImage) -> Candidate? {
    frame.withView { view in
      var values = [UInt8]()
      for y in s.y..<(s.y + s.height) { values += view.row(y)[s.x..<(s.x + s.width)] }
      values.sort()
      let level = Int(p == .bright ? values[values.count * 98 / 100] : values[values.count * 2 / 100])
      if let box = settings.box { return (box, s, p, level) }
      let height = max(s.height, s.width * 3 / 2) + 4, cy = s.y + s.height / 2
      let y0 = max(0, cy - height), y1 = min(view.height, cy + height)
      var line = InkLine()
      line.read(view.cropped(to: PixelRect(x: 0, y: y0, width: view.width, height: y1 - y0)), polarity: p, textLevel: level)
      guard let (x0, x1) = Self.chain(line.runs, through: s.x + s.width / 2, gap: Int(1.2 * Double(height - 4))) else { return nil }
      // The rows with ink across the chain.
      var rows = [Int](repeating: 0, count: line.height)
      for y in 0..<line.height {
        var x = x0
        while x < x1 { rows[y] += line.bits(row: y, from: x, count: min(64, x1 - x)).nonzeroBitCount; x += 64 }
      }
      // The band of inked rows through the seconds digit: a row without ink ends it (the
      // border of a box, then the scene, whose dark pixels count as ink for dark text:
      // FreeSans Bold black on a white box got a box 50 rows high, its glyphs joined by the
      // scene, and nothing learnt).
      let peak = rows.max() ?? 0, inked = { (y: Int) in rows[y] * 8 >= peak }
      let mid = min(line.height - 1, max(0, s.y + s.height / 2 - y0))
      guard peak > 0, let centre = ([mid] + (1..<line.height).flatMap { [mid - $0, mid + $0] })
        .first(where: { $0 >= 0 && $0 < line.height && inked($0) }), abs(centre - mid) <= s.height / 2 else { return nil }
      var top = centre, bottom = centre
      while top > 0 && inked(top - 1) { top -= 1 }
      while bottom + 1 < line.height && inked(bottom + 1) { bottom += 1 }
      let by0 = max(0, y0 + top - 2), by1 = min(view.height, y0 + bottom + 3)
      let bx0 = max(0, x0 - 3), bx1 = min(view.width, x1 + 3)
      return (PixelRect(x: bx0, y: by0, width: bx1 - bx0, height: by1 - by0), s, p, level)
    }
  }

  /// The columns of the runs reached from the run at column `x` with gaps of at most `gap`.
  static func chain(_ runs: [(x: Int, width: Int)], through x: Int, gap: Int) -> (Int, Int)? {
    // The run at x, else the nearest within 4 columns.
    func distance(_ r: (x: Int, width: Int)) -> Int { x < r.x ? r.x - x : x >= r.x + r.width ? x - r.x - r.width + 1 : 0 }
    guard var a = runs.indices.min(by: { distance(runs[$0]) < distance(runs[$1]) }), distance(runs[a]) <= 4 else { return nil }
    var b = a
    while a > 0 && runs[a].x - runs[a - 1].x - runs[a - 1].width <= gap { a -= 1 }
    while b + 1 < runs.count && runs[b + 1].x - runs[b].x - runs[b].width <= gap { b += 1 }
    return (runs[a].x, runs[b].x + runs[b].width)
  }
}
