/// Which way the on-screen clock's text differs from what is behind it.
public enum TextPolarity: String, Sendable, CaseIterable {
  /// Light text (white, usually with a dark outline or box).
  case bright
  /// Dark text.
  case dark
}

/// One glyph of a text line: the columns of a run of inked columns (`x`, `width` in the
/// box), with its ink as bits (row r of the box, bit c = column x + c), at most 64 wide.
public struct Glyph: Sendable, Equatable {
  public var x: Int
  public var width: Int
  public var rows: [UInt64]
  public var ink: Int
  public init(x: Int, width: Int, rows: [UInt64]) {
    self.x = x
    self.width = width
    self.rows = rows
    ink = rows.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  /// First and last rows with ink (nil: no ink).
  public var inkRows: ClosedRange<Int>? {
    guard let a = rows.firstIndex(where: { $0 != 0 }), let b = rows.lastIndex(where: { $0 != 0 }) else { return nil }
    return a...b
  }

  /// How different two glyphs are: the inked pixels one has and the other has not, over the
  /// ink of both, at the best of 3×3 one-pixel shifts (0 same, 1 nothing in common). Glyphs
  /// differing in width by more than 2 columns are 1.
  public func distance(to other: Glyph) -> Double {
    Glyph.distance(width: width, height: rows.count, ink: ink, to: other) { rows[$0] }
  }

  /// The distance of a glyph given by its rows (`row(y)`) to `template`.
  static func distance(width: Int, height: Int, ink: Int, to template: Glyph, row: (Int) -> UInt64) -> Double {
    guard abs(width - template.width) <= 2, template.rows.count == height, ink + template.ink > 0 else { return 1 }
    var best = Int.max
    for dy in -1...1 {
      for dx in -1...1 {
        var diff = 0
        for y in 0..<height {
          let s = y + dy
          var b: UInt64 = s >= 0 && s < height ? template.rows[s] : 0
          b = dx >= 0 ? b << UInt64(dx) : b >> UInt64(-dx)
          diff += (row(y) ^ b).nonzeroBitCount
        }
        best = min(best, diff)
      }
    }
    return Double(best) / Double(ink + template.ink)
  }
}

/// Splits the OSD box of a frame into glyphs: binarises the box (a threshold per tile of
/// about the text's height, half way between the tile's background and the text's level)
/// and cuts it at columns without ink. The caller owns the line and reuses it: reading a
/// frame allocates nothing once the buffers have grown to the box.
public struct InkLine: Sendable {
  public private(set) var width = 0
  public private(set) var height = 0
  /// Ink bits, row-major, `words` words a row.
  var bits: [UInt64] = []
  var words = 0
  /// The glyph runs found: (x, width) in the box.
  public private(set) var runs: [(x: Int, width: Int)] = []
  var columnInk: [Int] = []
  var histogram = [Int](repeating: 0, count: 256)

  public init() {}

  /// Binarises `view` (the box) for text of `polarity` whose level is `textLevel`, and
  /// finds the runs. Runs with fewer than `minInk` pixels are dropped (specks).
  public mutating func read(_ view: GrayView, polarity: TextPolarity, textLevel: Int, minInk: Int = 3) {
    width = view.width
    height = view.height
    words = (width + 63) / 64
    if bits.count < words * height { bits = [UInt64](repeating: 0, count: words * height) }
    for i in 0..<(words * height) { bits[i] = 0 }
    if columnInk.count < width { columnInk = [Int](repeating: 0, count: width) }
    for i in 0..<width { columnInk[i] = 0 }
    let tile = max(8, height)
    var x0 = 0
    while x0 < width {
      let x1 = min(width, x0 + tile)
      let threshold = tileThreshold(view, x0, x1, polarity, textLevel)
      binarise(view, x0, x1, polarity, threshold)
      x0 = x1
    }
    findRuns(minInk: minInk)
  }

  /// Half way between the tile's background (its 30th percentile for bright text, 70th for
  /// dark: text covers less than a third of a tile) and the text's level, but within 80
  /// levels of the text's: an outlined glyph then keeps its width whatever is behind it
  /// (a light switched on behind the clock moved the middle from 125 to 205 and thinned
  /// the glyphs past recognition, WenQuanYi 20 px).
  mutating func tileThreshold(_ view: GrayView, _ x0: Int, _ x1: Int, _ polarity: TextPolarity, _ textLevel: Int) -> Int {
    for i in 0..<256 { histogram[i] = 0 }
    for y in 0..<view.height {
      let row = view.base + y * view.stride
      for x in x0..<x1 { histogram[Int(row[x])] += 1 }
    }
    let count = (x1 - x0) * view.height
    let target = polarity == .bright ? count * 3 / 10 : count * 7 / 10
    var seen = 0, level = 0
    while level < 255 {
      seen += histogram[level]
      if seen > target { break }
      level += 1
    }
    let middle = (level + textLevel + 1) / 2
    return polarity == .bright ? max(middle, textLevel - 80) : min(middle, textLevel + 80)
  }

  mutating func binarise(_ view: GrayView, _ x0: Int, _ x1: Int, _ polarity: TextPolarity, _ threshold: Int) {
    let t = UInt8(clamping: threshold)
    for y in 0..<view.height {
      let row = view.base + y * view.stride
      for x in x0..<x1 {
        let v = row[x]
        if polarity == .bright ? v >= t : v <= t {
          bits[y * words + x >> 6] |= 1 << UInt64(x & 63)
          columnInk[x] += 1
        }
      }
    }
  }

  mutating func findRuns(minInk: Int) {
    runs.removeAll(keepingCapacity: true)
    var x = 0
    while x < width {
      guard columnInk[x] > 0 else { x += 1; continue }
      var end = x, ink = 0
      while end < width && columnInk[end] > 0 { ink += columnInk[end]; end += 1 }
      if ink >= minInk { runs.append((x, end - x)) }
      x = end
    }
  }

  /// The column of least ink in `from..<to` (the first of equals); `from` when empty.
  func leastInkColumn(from: Int, to: Int) -> Int {
    var best = from
    for x in from..<max(from, min(to, width)) where columnInk[x] < columnInk[best] { best = x }
    return best
  }

  /// Cuts run `i` in two at column `c` (which neither part keeps): `[x, c)` and `(c, end)`;
  /// false (nothing cut) when `c` is not inside the run.
  mutating func split(run i: Int, at c: Int) -> Bool {
    let r = runs[i]
    guard c > r.x, c < r.x + r.width - 1 else { return false }
    runs[i] = (r.x, c - r.x)
    runs.insert((c + 1, r.x + r.width - c - 1), at: i + 1)
    return true
  }

  /// Joins run `i` and the next into one run (undoes `split`).
  mutating func join(run i: Int) {
    guard i + 1 < runs.count else { return }
    runs[i] = (runs[i].x, runs[i + 1].x + runs[i + 1].width - runs[i].x)
    runs.remove(at: i + 1)
  }

  /// The ink bits of row `y` from column `x`, `count` (≤ 64) columns, bit 0 = column x.
  public func bits(row y: Int, from x: Int, count: Int) -> UInt64 {
    let w = x >> 6, s = UInt64(x & 63)
    var v = bits[y * words + w] >> s
    if s > 0 && w + 1 < words { v |= bits[y * words + w + 1] << (64 - s) }
    return count >= 64 ? v : v & ((1 << UInt64(count)) - 1)
  }

  /// Run `i` as a glyph (allocates: for learning and tests; reading compares in place).
  public func glyph(_ i: Int) -> Glyph {
    let r = runs[i]
    return Glyph(x: r.x, width: r.width, rows: (0..<height).map { bits(row: $0, from: r.x, count: min(64, r.width)) })
  }

  /// `Glyph.distance` of run `i` to `template`, without copying the run.
  public func distance(run i: Int, to template: Glyph) -> Double {
    let r = runs[i], n = min(64, r.width)
    var ink = 0
    for y in 0..<height { ink += bits(row: y, from: r.x, count: n).nonzeroBitCount }
    return Glyph.distance(width: r.width, height: height, ink: ink, to: template) { bits(row: $0, from: r.x, count: n) }
  }
}
