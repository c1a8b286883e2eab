import FrameScoutCore
import FrameScoutMedia

/// Thresholds of `FootageComparison`.
public struct CompareSettings: Sendable {
  /// Grid change to the previous frame that makes a frame informative for alignment (a
  /// static frame matches any other static frame of the scene, so it cannot place B on A).
  public var minimumMotion: Float = 0.012
  /// Normalised-grid distance above which two aligned frames are different pictures; when
  /// fewer than half of B's moving frames match A (at the offset or re-aligned), the
  /// footage is different.
  public var differenceMinimum: Float = 0.04
  public init() {}
}

public enum CompareVerdict: String, Sendable {
  case identicalStream = "identical-stream", sameContent = "same-content", overlap, different
}

/// The answer to "is B the same footage as A?".
public struct Comparison: Sendable {
  public var verdict: CompareVerdict
  /// B's frame 0 on A's timeline, in A's frames and in seconds.
  public var offsetFrames: Int
  public var offsetSeconds: Double
  /// No motion to align on (or several offsets fit as well): the offset is a guess.
  public var ambiguous: Bool
  /// Frames of A and of B that correspond (first...last), nil when nothing aligns.
  public var overlapA: ClosedRange<Int>?
  public var overlapB: ClosedRange<Int>?
  /// Runs of B frames (with the A frames at the same time) whose pictures differ, or that
  /// have no counterpart in the other file within the overlap.
  public var differences: [Difference]
  /// Mean grid distance of aligned moving frames, and how many there were.
  public var alignmentDistance: Double
  public var alignedMovingFrames: Int
  public var threshold: Double

  public struct Difference: Sendable {
    public var a: ClosedRange<Int>?
    public var b: ClosedRange<Int>?
    public var what: String
    public var distance: Double
  }
}

/// Compares two fingerprint streams: identical decoded frames, or the time offset that
/// aligns them (to the frame, by time so 25 and 30 fps copies align), what overlaps, and
/// which aligned frames differ.
public struct FootageComparison {
  public let settings: CompareSettings
  public init(settings: CompareSettings = CompareSettings()) { self.settings = settings }

  /// The A frame nearest to time `t` (A's times ascending), or nil outside A.
  func nearest(_ a: FingerprintStream, _ t: Double, _ half: Double) -> Int? {
    let times = a.time
    guard let first = times.first, let last = times.last, t >= first - half, t <= last + half else { return nil }
    var lo = 0, hi = times.count - 1
    while lo < hi { let mid = (lo + hi) / 2; if times[mid] < t { lo = mid + 1 } else { hi = mid } }
    if lo > 0 && abs(times[lo - 1] - t) <= abs(times[lo] - t) { lo -= 1 }
    return abs(times[lo] - t) <= half ? lo : nil
  }

  /// Distance of B frame j to A around time t: the best of the A frames within one A
  /// frame interval (frame-rate conversions pick either neighbour).
  func distance(_ a: FingerprintStream, _ b: FingerprintStream, _ j: Int, _ t: Double, _ interval: Double) -> (Int, Float)? {
    guard let i = nearest(a, t, 0.75 * interval) else { return nil }
    var best = a.gridDistance(i, b, j), at = i
    for k in [i - 1, i + 1] where k >= 0 && k < a.count && abs(a.time[k] - t) < interval {
      let d = a.gridDistance(k, b, j)
      if d < best { best = d; at = k }
    }
    return (at, best)
  }

  public func compare(_ a: FingerprintStream, _ b: FingerprintStream) -> Comparison {
    if a.count == b.count && a.count > 0 && a.contentHash == b.contentHash {
      return Comparison(verdict: .identicalStream, offsetFrames: 0, offsetSeconds: 0, ambiguous: false,
                        overlapA: 0...(a.count - 1), overlapB: 0...(b.count - 1), differences: [],
                        alignmentDistance: 0, alignedMovingFrames: a.count, threshold: 0)
    }
    guard a.count > 0, b.count > 0 else {
      return Comparison(verdict: .different, offsetFrames: 0, offsetSeconds: 0, ambiguous: true, overlapA: nil, overlapB: nil,
                        differences: [], alignmentDistance: 0, alignedMovingFrames: 0, threshold: 0)
    }
    let fpsA = a.frameRate
    let interval = 1 / fpsA
    let t0B = b.time[0]
    // B's moving frames place it on A; without any, all frames are used and the result is ambiguous.
    var moving = (1..<b.count).filter { b.gridDistance($0, $0 - 1) >= settings.minimumMotion }
    let ambiguousScene = moving.count < 3
    if ambiguousScene { moving = Array(0..<b.count) }
    func sample(_ v: [Int], _ m: Int) -> [Int] { v.count <= m ? v : (0..<m).map { v[$0 * v.count / m] } }
    let durA = (a.time.last ?? 0) - a.time[0], durB = (b.time.last ?? 0) - t0B
    let lo = -Int((durB * fpsA).rounded()), hi = Int((durA * fpsA).rounded())
    let needed = max(3, moving.count * 3 / 10)
    func score(_ o: Int, _ frames: [Int], need: Int) -> (Double, Int)? {
      let delta = a.time[0] + Double(o) * interval - t0B
      var sum: Double = 0, n = 0
      for j in frames { if let (_, d) = distance(a, b, j, b.time[j] + delta, interval) { sum += Double(d); n += 1 } }
      return n >= need ? (sum / Double(n), n) : nil
    }
    // Coarse: every offset on a sample of B's moving frames; fine: the best few on all of them.
    let coarseFrames = sample(moving, 48)
    let coarseNeed = max(2, coarseFrames.count * needed / max(1, moving.count))
    var coarse: [(Int, Double)] = []
    for o in lo...hi { if let (s, _) = score(o, coarseFrames, need: coarseNeed) { coarse.append((o, s)) } }
    coarse.sort { ($0.1, abs($0.0)) < ($1.1, abs($1.0)) }
    let fineFrames = sample(moving, 3000)
    var best: (o: Int, s: Double, n: Int)? = nil
    var tried = Set<Int>()
    for (o, _) in coarse.prefix(6) {
      for c in (o - 2)...(o + 2) where !tried.contains(c) {
        tried.insert(c)
        if let (s, n) = score(c, fineFrames, need: needed), best == nil || s < best!.s - 1e-9 || (abs(s - best!.s) <= 1e-9 && abs(c) < abs(best!.o)) {
          best = (c, s, n)
        }
      }
    }
    // When the footage cannot tell (static scene, or other offsets fit about as well),
    // prefer "they start together" if that fits within the same margin.
    if let b0 = best, b0.o != 0, 0 >= lo, 0 <= hi {
      let runner = coarse.first { abs($0.0 - b0.o) > 2 }.map { $0.1 }
      if ambiguousScene || (runner.map { $0 < b0.s * 1.15 + 0.002 } ?? false),
         let (s0, n0) = score(0, fineFrames, need: needed), s0 <= b0.s * 1.15 + 0.002 {
        best = (0, s0, n0)
      }
    }
    guard let found = best else {
      return Comparison(verdict: .different, offsetFrames: 0, offsetSeconds: 0, ambiguous: true, overlapA: nil, overlapB: nil,
                        differences: [], alignmentDistance: 0, alignedMovingFrames: 0, threshold: 0)
    }
    // Ambiguity: another offset more than 2 frames away fits almost as well.
    let runnerUp = coarse.first { abs($0.0 - found.o) > 2 }.map { $0.1 }
    let ambiguous = ambiguousScene || (runnerUp.map { $0 < found.s * 1.15 + 0.002 } ?? false)
      || coarse.first.map { abs($0.0) <= 2 ? false : found.o == 0 && $0.1 < found.s } ?? false
    let delta = a.time[0] + Double(found.o) * interval - t0B
    // Same frames after re-encoding, resizing or a frame-rate change sit 0.005–0.009 apart
    // on TestVideos; a walking person one frame on, 0.02–0.035; unrelated footage, 0.12.
    let threshold = settings.differenceMinimum

    // Per B frame: its A counterpart and distance.
    var pairedA: [Int?] = Array(repeating: nil, count: b.count)
    var differs = [Bool](repeating: false, count: b.count)
    var dist = [Float](repeating: 0, count: b.count)
    for j in 0..<b.count {
      // Paired with the A frame nearest in time; the distance is the best of its neighbours.
      let t = b.time[j] + delta
      if let (_, d) = distance(a, b, j, t, interval), let i = nearest(a, t, 0.75 * interval) {
        pairedA[j] = i; dist[j] = d; differs[j] = d > threshold
      }
    }
    let pairedB = (0..<b.count).filter { pairedA[$0] != nil }
    guard let firstB = pairedB.first, let lastB = pairedB.last else {
      return Comparison(verdict: .different, offsetFrames: found.o, offsetSeconds: Double(found.o) * interval, ambiguous: true,
                        overlapA: nil, overlapB: nil, differences: [], alignmentDistance: found.s, alignedMovingFrames: 0,
                        threshold: Double(threshold))
    }
    let firstA = pairedA[firstB]!, lastA = pairedA[lastB]!
    var differences: [Comparison.Difference] = []
    var j = firstB
    while j <= lastB {
      guard pairedA[j] == nil || differs[j] else { j += 1; continue }
      let missing = pairedA[j] == nil
      var e = j
      while e + 1 <= lastB && (pairedA[e + 1] == nil) == missing && (missing || differs[e + 1]) { e += 1 }
      let aRange: ClosedRange<Int>? = missing ? nil : min(pairedA[j]!, pairedA[e]!)...max(pairedA[j]!, pairedA[e]!)
      let worst = missing ? 0 : (j...e).map { dist[$0] }.max() ?? 0
      differences.append(.init(a: aRange, b: j...e, what: missing ? "no frame of A at this time" : "pictures differ", distance: Double(worst)))
      j = e + 1
    }
    // A frames inside the overlap that no B frame corresponds to (frames missing in B).
    var used = [Bool](repeating: false, count: a.count)
    for i in pairedA.compactMap({ $0 }) { used[i] = true }
    let bInterval = b.medianInterval ?? interval
    var i = firstA
    while i <= lastA {
      guard !used[i] else { i += 1; continue }
      var e = i
      while e + 1 <= lastA && !used[e + 1] { e += 1 }
      // With a lower frame rate in B, single unused A frames are expected: only report
      // runs longer than B's own frame interval.
      if a.time[e] - a.time[i] + interval > 2 * bInterval + interval {
        differences.append(.init(a: i...e, b: nil, what: "no frame of B at this time", distance: 0))
      }
      i = e + 1
    }
    // Regions of B that differ at the main offset but match A at another one: frames out of
    // place (removed or added before them). Differing runs closer than 6 frames are merged,
    // and a region is re-aligned on its own moving frames (at least 3).
    var regions: [ClosedRange<Int>] = []
    var realigned: [Int] = []
    for d in differences where d.a != nil && d.b != nil {
      if let last = regions.last, d.b!.lowerBound - last.upperBound <= 6 { regions[regions.count - 1] = last.lowerBound...d.b!.upperBound }
      else { regions.append(d.b!) }
    }
    // (At most 20 regions, each on at most 200 of its moving frames: bounded work on long files.)
    for region in regions.filter({ $0.count >= 3 }).prefix(20) {
      let frames = sample(moving.filter { region.contains($0) }, 200)
      guard frames.count >= 3 else { continue }
      var local: (o: Int, s: Double)? = nil
      for o in lo...hi where o != found.o {
        if let (sc, _) = score(o, frames, need: frames.count * 8 / 10), local == nil || sc < local!.s { local = (o, sc) }
      }
      guard let moved = local, Float(moved.s) <= threshold / 2 else { continue }
      let shift = moved.o - found.o
      let d = a.time[0] + Double(moved.o) * interval - t0B
      let mapped = region.compactMap { nearest(a, b.time[$0] + d, 0.75 * interval) }
      guard let lo2 = mapped.min(), let hi2 = mapped.max() else { continue }
      differences.removeAll { $0.a != nil && $0.b != nil && $0.b!.overlaps(region) }
      realigned.append(contentsOf: frames)
      differences.append(.init(a: lo2...hi2, b: region, what: "matches A \(abs(shift)) frame\(abs(shift) == 1 ? "" : "s") \(shift > 0 ? "later" : "earlier") than the rest of B (offset \(moved.o))",
                               distance: moved.s))
    }
    differences.sort { ($0.a?.lowerBound ?? pairedA[$0.b!.lowerBound] ?? 0) < ($1.a?.lowerBound ?? pairedA[$1.b!.lowerBound] ?? 0) }
    let movingPaired = moving.filter { pairedA[$0] != nil }
    let movingMatched = movingPaired.filter { !differs[$0] }.count + realigned.count
    let verdict: CompareVerdict
    if movingPaired.isEmpty || Double(movingMatched) < 0.5 * Double(movingPaired.count) {
      verdict = .different
    } else {
      let coversA = firstA <= 1 && lastA >= a.count - 2
      let coversB = firstB <= 1 && lastB >= b.count - 2
      verdict = coversA && coversB && differences.isEmpty ? .sameContent : .overlap
    }
    return Comparison(verdict: verdict, offsetFrames: found.o, offsetSeconds: Double(found.o) * interval, ambiguous: ambiguous,
                      overlapA: firstA...lastA, overlapB: firstB...lastB, differences: verdict == .different ? [] : differences,
                      alignmentDistance: found.s, alignedMovingFrames: found.n, threshold: Double(threshold))
  }
}
