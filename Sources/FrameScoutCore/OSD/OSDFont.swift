/// The DVR's own digits, learnt from the clip: the seconds digit shows 0–9 in turn, one a
/// second, so the order in which its shapes follow one another labels them, and the tens
/// digit changing beside it marks the 0. Other positions are then matched to these shapes.
public struct OSDFont: Sendable {
  /// Shapes of each digit 0…9 (a few instances each, as seen).
  public var digits: [[Glyph]]
  /// Distance from one digit to the nearest other (the font's margin), for the report.
  public var margin: Double
  /// Share of the seconds' changes that went d → d+1 under these labels (1: all).
  public var consistency: Double

  /// A glyph is taken for a digit when its nearest learnt shape is within this distance
  /// (the spread of one digit's shapes while learning, at least 0.6 of the font's margin,
  /// at most 0.35) and the nearest other digit is farther by a fifth of the margin.
  public var accept: Double

  /// Two glyphs are taken for one state of the seconds (not a change) below this distance:
  /// the same digit in two frames is 0.00–0.10 apart on the test clips; two digits of a
  /// font 0.15 (3 and 8 at 13 px) and more.
  public static let sameState = 0.12
  /// The digit run `i` of `line` shows; nil when no learnt digit is near enough, or two are
  /// nearly as near.
  public func digit(run i: Int, of line: InkLine) -> Int? {
    var best = (d: 9.0, digit: -1), second = 9.0
    for (digit, shapes) in digits.enumerated() {
      var d = 9.0
      for s in shapes { d = min(d, line.distance(run: i, to: s)) }
      if d < best.d { second = best.d; best = (d, digit) } else if d < second { second = d }
    }
    return best.d <= accept && second - best.d > 0.2 * margin ? best.digit : nil
  }

  /// The digit run `i` most resembles, looser than `digit`: its nearest learnt shape within
  /// 1.6 × `accept` (at most 0.5) and nearer than any other digit's by a tenth of the margin.
  /// A guess: the track believes it only where it continues the readings around it at the
  /// clock's rate (`OSDTrack.readings`).
  public func guess(run i: Int, of line: InkLine) -> Int? {
    var best = (d: 9.0, digit: -1), second = 9.0
    for (digit, shapes) in digits.enumerated() {
      var d = 9.0
      for s in shapes { d = min(d, line.distance(run: i, to: s)) }
      if d < best.d { second = best.d; best = (d, digit) } else if d < second { second = d }
    }
    return best.d <= min(0.5, 1.6 * accept) && second - best.d > 0.1 * margin ? best.digit : nil
  }

  /// Learns the digits from the seconds glyph of consecutive frames (`seconds[k]` at frame
  /// `frames[k]`, nil where the position had no glyph) and the glyph left of it (`tens[k]`),
  /// at `fps` frames a second. The seconds' states (a shape that holds) are numbered by the
  /// second they begin in, counted from the first at the clock's tick phase; state n is
  /// digit (n + c) mod 10, where c makes the states at which the tens change 0. Nil with
  /// fewer than 10 seconds seen, no tens change, or shapes that do not repeat every 10 s.
  /// `failure` says why when it returns nil (for the report's note).
  public static func learn(seconds: [Glyph?], tens: [Glyph?], frames: [Int], fps: Double, failure: inout String) -> OSDFont? {
    let all = states(seconds, tens, frames)
    guard all.count >= 11, fps > 0 else { failure = "states \(all.count)"; return nil }
    // The tick phase: the median of the states' start frames modulo a second.
    let phases = all.map { Double($0.frame).truncatingRemainder(dividingBy: fps) }.sorted()
    let phase = phases[phases.count / 2]
    var bySecond: [Int: (glyph: Glyph, tensChanged: Bool)] = [:]
    for st in all {
      let n = ((Double(st.frame) - phase) / fps).rounded()
      // A state that does not begin at a tick (±2 frames) is a passer-by, not the clock.
      guard abs(Double(st.frame) - phase - n * fps) <= 2, bySecond[Int(n)] == nil else { continue }
      // The shape half a second in: the frame of the change is the encoder's worst.
      let middle = min(seconds.count - 1, st.index + Int(fps / 2))
      let glyph = seconds[middle].flatMap { $0.distance(to: st.glyph) < 2 * sameState ? $0 : nil } ?? st.glyph
      bySecond[Int(n)] = (glyph, st.tensChanged)
    }
    var zeroVotes = [Int](repeating: 0, count: 10)
    for (n, st) in bySecond where st.tensChanged { zeroVotes[((-n) % 10 + 10) % 10] += 1 }
    guard let c = zeroVotes.indices.max(by: { zeroVotes[$0] < zeroVotes[$1] }), zeroVotes[c] > 0 else {
      failure = "no tens change in \(bySecond.count) seconds"; return nil
    }
    var digits = [[Glyph]](repeating: [], count: 10)
    for n in bySecond.keys.sorted() {
      let d = ((n + c) % 10 + 10) % 10
      if digits[d].count < 4 { digits[d].append(bySecond[n]!.glyph) }
    }
    guard digits.allSatisfy({ !$0.isEmpty }) else { failure = "digits seen \(digits.map(\.count))"; return nil }
    return judged(digits, failure: &failure)
  }

  /// The learnt shapes with their margin, spread and consistency (the share of shapes
  /// nearer their own digit's first than any other's); nil below 0.7.
  static func judged(_ digits: [[Glyph]], failure: inout String) -> OSDFont? {
    var margin = 1.0, spread = 0.0, good = 0, all = 0
    for a in 0..<10 {
      for b in (a + 1)..<10 { margin = min(margin, digits[a][0].distance(to: digits[b][0])) }
      for g in digits[a].dropFirst() {
        let own = g.distance(to: digits[a][0])
        spread = max(spread, own)
        let other = (0..<10).filter { $0 != a }.map { g.distance(to: digits[$0][0]) }.min() ?? 1
        all += 1
        if own < other { good += 1 }
      }
    }
    let consistency = all == 0 ? 1 : Double(good) / Double(all)
    guard consistency >= 0.7 else { failure = "margin \(margin) spread \(spread) consistency \(consistency)"; return nil }
    let accept = min(0.35, max(spread, 0.6 * margin))
    return OSDFont(digits: digits, margin: margin, consistency: consistency, accept: accept)
  }

  /// The stable shapes the seconds position shows, in order, with the frame each begins at:
  /// a new state when the glyph differs from the current one and the next frame agrees with
  /// it (a one-frame change is noise); whether the tens glyph changed with it.
  static func states(_ seconds: [Glyph?], _ tens: [Glyph?], _ frames: [Int])
    -> [(glyph: Glyph, frame: Int, index: Int, tensChanged: Bool)] {
    var out: [(glyph: Glyph, frame: Int, index: Int, tensChanged: Bool)] = []
    var current: Glyph? = nil, currentTens: Glyph? = nil
    for k in 0..<seconds.count {
      guard let g = seconds[k] else { continue }
      if let c = current, c.distance(to: g) < sameState { continue }
      guard k + 1 < seconds.count, let n = seconds[k + 1], n.distance(to: g) < sameState else { continue }
      var tensChanged = false
      if let t = tens[k], let ct = currentTens, current != nil { tensChanged = t.distance(to: ct) >= sameState }
      out.append((g, frames[k], k, tensChanged))
      current = g
      if let t = tens[k] { currentTens = t }
    }
    return out
  }
}
