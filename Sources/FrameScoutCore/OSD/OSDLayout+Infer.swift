extension OSDLayout {
  /// Infers the layout from lines of tokens (read with the learnt digits), knowing where the
  /// seconds are: the groups' most common pattern; the two groups before the seconds are
  /// hours and minutes; of the other three the 4-digit one is the year, first (Y M D) or
  /// last (then day first only if a first value above 12 says so, month first if a second
  /// one does; else ambiguous: month first, `--format`'s default order). A 12-hour clock:
  /// an A/P glyph just after the seconds on most lines, and hours 1–12.
  public static func infer(lines: [[OSDToken]], secondsX: Int, pitch: Double) -> OSDLayout? {
    var patterns: [[Int]: [[OSDToken]]] = [:]
    var secondsIndex: [[Int]: Int] = [:]
    for tokens in lines {
      let gs = groups(tokens, pitch: pitch)
      guard let s = gs.firstIndex(where: { g in
        tokens[g.start..<(g.start + g.count)].contains { $0.x <= secondsX && secondsX < $0.x + $0.width } }) else { continue }
      let key = gs.map(\.count) + [s]
      patterns[key, default: []].append(tokens)
      secondsIndex[key] = s
    }
    guard let (key, best) = patterns.max(by: { $0.value.count < $1.value.count || ($0.value.count == $1.value.count && $0.key.lexicographicallyPrecedes($1.key)) }),
          let s = secondsIndex[key] else { return nil }
    let counts = Array(key.dropLast())
    guard counts.count == 6, s >= 2, counts[(s - 2)...s] == [2, 2, 2] else { return nil }
    let others = (0..<6).filter { $0 < s - 2 || $0 > s }
    guard others.count == 3, others.map({ counts[$0] }).sorted() == [2, 2, 4] else { return nil }
    var fields = [Field](repeating: .hour, count: 6)
    fields[s - 1] = .minute
    fields[s] = .second
    var ambiguous = false
    if counts[others[0]] == 4 {
      (fields[others[0]], fields[others[1]], fields[others[2]]) = (.year, .month, .day)
    } else if counts[others[2]] == 4 {
      let values = best.map { t in let g = groups(t, pitch: pitch); return (value(t, g[others[0]]), value(t, g[others[1]])) }
      let dayFirst = values.contains { $0.0 > 12 } && !values.contains { $0.1 > 12 }
      ambiguous = !values.contains { $0.0 > 12 || $0.1 > 12 }
      (fields[others[0]], fields[others[1]], fields[others[2]]) = dayFirst ? (.day, .month, .year) : (.month, .day, .year)
    } else {
      return nil
    }
    let twelve = isTwelveHour(best, secondsGroup: s, hourGroup: s - 2, pitch: pitch)
    var layout = OSDLayout(fields: fields, twelveHour: twelve, format: "")
    layout.dayMonthAmbiguous = ambiguous
    // The format most of these lines show (one line can carry a GOP's artefacts: DejaVu
    // 20 px's middle line was described `YYYYdddMM:DD hhddd:mm:ss A`).
    var described: [String: Int] = [:]
    for t in best { described[layout.describe(t, pitch: pitch), default: 0] += 1 }
    layout.format = described.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? ""
    return layout
  }

  /// Most lines have an A or P glyph within 3 pitches after the seconds, and every hour read is 1–12.
  static func isTwelveHour(_ lines: [[OSDToken]], secondsGroup s: Int, hourGroup h: Int, pitch: Double) -> Bool {
    var marked = 0
    for t in lines {
      let gs = groups(t, pitch: pitch)
      guard (1...12).contains(value(t, gs[h])) else { return false }
      let after = gs[s].start + gs[s].count
      if after < t.count, "AP".contains(t[after].shape), t[after].center - t[after - 1].center <= 3 * pitch { marked += 1 }
    }
    return marked * 2 > lines.count
  }

  /// The format as text, from one line: each group's code, each separator's shape (`-`,
  /// `/`, `.`, `:`), a space for a gap, `年月日` for other glyphs right after the year,
  /// month and day groups (a Chinese date), `ddd` (or `星期X` beside a Chinese date) for a
  /// word between date and time, and ` A` after a 12-hour time.
  func describe(_ tokens: [OSDToken], pitch: Double) -> String {
    let gs = Self.groups(tokens, pitch: pitch)
    let chinese = fields.firstIndex(of: .year).map { y in
      let end = gs[y].start + gs[y].count
      return end < tokens.count && tokens[end].digit < 0 && !"-/.:".contains(tokens[end].shape) && Double(tokens[end].width) > 0.8 * pitch
    } ?? false
    var out = "", k = 0, inWord = false, separated = false, worded = false
    let codes: [Field: String] = [.year: "YYYY", .month: "MM", .day: "DD", .hour: twelveHour ? "hh" : "HH", .minute: "mm", .second: "ss"]
    func isSeparator(_ i: Int) -> Bool {
      guard i >= 0, i < tokens.count, tokens[i].digit < 0, "-/.:".contains(tokens[i].shape) else { return false }
      return (i > 0 && tokens[i - 1].digit >= 0) || (i + 1 < tokens.count && tokens[i + 1].digit >= 0)
    }
    var i = 0
    while i < tokens.count {
      // A speck (a compression artefact narrower than a third of a digit, no shape) says nothing.
      if tokens[i].digit < 0 && tokens[i].shape == "?" && Double(tokens[i].width) < 0.35 * pitch { i += 1; continue }
      let gap = i > 0 ? Double(tokens[i].x - tokens[i - 1].x - tokens[i - 1].width) : 0
      if gap > 0.45 * pitch && !isSeparator(i) && !isSeparator(i - 1) && !"年月 ".contains(out.last ?? " ") {
        out += " "
        inWord = false
        separated = true
      }
      if k < gs.count && gs[k].start == i {
        out += codes[fields[k]]!
        i += gs[k].count
        k += 1
        separated = false
        worded = false
        continue
      }
      let previous = k > 0 ? fields[k - 1] : nil
      if "-/.:".contains(tokens[i].shape) && "-/.:".contains(out.last ?? " ") {
        // another piece of the separator just written (a colon cut in pieces)
      } else if isSeparator(i) { out.append(tokens[i].shape); separated = true }
      else if chinese && !separated && [.year, .month, .day].contains(previous) {
        out += previous == .year ? "年" : previous == .month ? "月" : "日"
        separated = true
      } else if chinese && !inWord && separated && out.last != " " {
        // another piece of the same wide glyph
      } else if !inWord && !worded {
        worded = true
        out += twelveHour && previous == .second ? "A" : chinese ? "星期X" : "ddd"
        inWord = true
      }
      i += 1
    }
    return out
  }
}
