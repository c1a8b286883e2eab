import FrameScoutCore
import FrameScoutMedia

/// Step 1 of `FootageComparison`, alignment: the offset (in A's frames) that puts B's
/// frame 0 on A's timeline, found on B's moving frames, and whether it is a guess. Frames
/// are aligned by time, so 25 and 30 fps copies align.
struct ComparisonAlignment {
  let a: FingerprintStream
  let b: FingerprintStream
  let settings: CompareSettings
  /// A's frame interval (its clock's).
  let interval: Double
  let t0B: Double
  /// B's moving frames place it on A; without any, all frames are used and the result is ambiguous.
  let moving: [Int]
  let ambiguousScene: Bool
  /// The offsets tried: B ending where A starts to B starting where A ends.
  let lo: Int, hi: Int
  /// Aligned moving frames an offset needs to count.
  let needed: Int

  /// An offset and how well B fits A there: mean grid distance over `frames` aligned frames.
  struct Fit { var offset: Int; var distance: Double; var frames: Int }

  init(_ a: FingerprintStream, _ b: FingerprintStream, settings: CompareSettings) {
    self.a = a
    self.b = b
    self.settings = settings
    interval = a.clock.frameDuration
    t0B = b.time[0]
    var moving = (1..<b.count).filter { b.gridDistance($0, $0 - 1) >= settings.minimumMotion }
    ambiguousScene = moving.count < 3
    if ambiguousScene { moving = Array(0..<b.count) }
    self.moving = moving
    let durA = (a.time.last ?? 0) - a.time[0], durB = (b.time.last ?? 0) - t0B
    lo = -Int((durB * a.frameRate).rounded())
    hi = Int((durA * a.frameRate).rounded())
    needed = max(3, moving.count * 3 / 10)
  }

  /// The A frame nearest to time `t` (A's times ascending), or nil outside A.
  func nearest(_ t: Double, _ half: Double) -> Int? {
    let times = a.time
    guard let first = times.first, let last = times.last, t >= first - half, t <= last + half else { return nil }
    var lo = 0, hi = times.count - 1
    while lo < hi { let mid = (lo + hi) / 2; if times[mid] < t { lo = mid + 1 } else { hi = mid } }
    if lo > 0 && abs(times[lo - 1] - t) <= abs(times[lo] - t) { lo -= 1 }
    return abs(times[lo] - t) <= half ? lo : nil
  }

  /// The A frame paired with time `t`: the nearest within 0.75 of A's frame interval.
  func counterpart(_ t: Double) -> Int? { nearest(t, 0.75 * interval) }

  /// Distance of B frame j to A around time t: the best of the A frames within one A
  /// frame interval (frame-rate conversions pick either neighbour).
  func distance(_ j: Int, _ t: Double) -> (Int, Float)? {
    guard let i = counterpart(t) else { return nil }
    var best = a.gridDistance(i, b, j), at = i
    for k in [i - 1, i + 1] where k >= 0 && k < a.count && abs(a.time[k] - t) < interval {
      let d = a.gridDistance(k, b, j)
      if d < best { best = d; at = k }
    }
    return (at, best)
  }

  /// What to add to a B frame's time to get its time on A at offset `o`.
  func delta(_ o: Int) -> Double { a.time[0] + Double(o) * interval - t0B }

  /// Mean distance of `frames` of B to A at offset `o`, when at least `need` of them align.
  func score(_ o: Int, _ frames: [Int], need: Int) -> (Double, Int)? {
    let delta = delta(o)
    var sum: Double = 0, n = 0
    for j in frames { if let (_, d) = distance(j, b.time[j] + delta) { sum += Double(d); n += 1 } }
    return n >= need ? (sum / Double(n), n) : nil
  }

  /// The best offset and whether it is a guess: another offset more than 2 frames away
  /// fits almost as well, or B barely moves.
  func align() -> (fit: Fit, ambiguous: Bool)? {
    let coarse = coarseRanking()
    guard let found = fineFit(coarse) else { return nil }
    let runnerUp = coarse.first { abs($0.offset - found.offset) > 2 }.map { $0.distance }
    let ambiguous = ambiguousScene || (runnerUp.map { $0 < found.distance * 1.15 + 0.002 } ?? false)
      || coarse.first.map { abs($0.offset) <= 2 ? false : found.offset == 0 && $0.distance < found.distance } ?? false
    return (found, ambiguous)
  }

  /// Coarse: every offset on a sample of B's moving frames, best first (nearer 0 on ties).
  func coarseRanking() -> [(offset: Int, distance: Double)] {
    let coarseFrames = sample(moving, 48)
    let coarseNeed = max(2, coarseFrames.count * needed / max(1, moving.count))
    var coarse: [(offset: Int, distance: Double)] = []
    for o in lo...hi { if let (s, _) = score(o, coarseFrames, need: coarseNeed) { coarse.append((o, s)) } }
    coarse.sort { ($0.distance, abs($0.offset)) < ($1.distance, abs($1.offset)) }
    return coarse
  }

  /// Fine: the best few coarse offsets (±2) on all of B's moving frames.
  func fineFit(_ coarse: [(offset: Int, distance: Double)]) -> Fit? {
    let fineFrames = sample(moving, 3000)
    var best: Fit? = nil
    var tried = Set<Int>()
    for (o, _) in coarse.prefix(6) {
      for c in (o - 2)...(o + 2) where !tried.contains(c) {
        tried.insert(c)
        if let (s, n) = score(c, fineFrames, need: needed),
           best == nil || s < best!.distance - 1e-9 || (abs(s - best!.distance) <= 1e-9 && abs(c) < abs(best!.offset)) {
          best = Fit(offset: c, distance: s, frames: n)
        }
      }
    }
    // When the footage cannot tell (static scene, or other offsets fit about as well),
    // prefer "they start together" if that fits within the same margin.
    if let b0 = best, b0.offset != 0, 0 >= lo, 0 <= hi {
      let runner = coarse.first { abs($0.offset - b0.offset) > 2 }.map { $0.distance }
      if ambiguousScene || (runner.map { $0 < b0.distance * 1.15 + 0.002 } ?? false),
         let (s0, n0) = score(0, fineFrames, need: needed), s0 <= b0.distance * 1.15 + 0.002 {
        best = Fit(offset: 0, distance: s0, frames: n0)
      }
    }
    return best
  }

  /// Step 3 (part): regions of B that differ at the main offset but match A at another
  /// one: frames out of place (removed or added before them). Differing runs closer than 6
  /// frames are merged, and a region is re-aligned on its own moving frames (at least 3).
  /// Replaces the differing runs of each re-aligned region with one shifted run; returns
  /// the moving frames that matched that way.
  func realign(_ runs: inout [DifferenceRun], at offset: Int, threshold: Float) -> [Int] {
    var regions: [ClosedRange<Int>] = []
    var realigned: [Int] = []
    for d in runs where d.a != nil && d.b != nil {
      if let last = regions.last, d.b!.lowerBound - last.upperBound <= 6 { regions[regions.count - 1] = last.lowerBound...d.b!.upperBound }
      else { regions.append(d.b!) }
    }
    // (At most 20 regions, each on at most 200 of its moving frames: bounded work on long files.)
    for region in regions.filter({ $0.count >= 3 }).prefix(20) {
      let frames = sample(moving.filter { region.contains($0) }, 200)
      guard frames.count >= 3 else { continue }
      var local: (o: Int, s: Double)? = nil
      for o in lo...hi where o != offset {
        if let (sc, _) = score(o, frames, need: frames.count * 8 / 10), local == nil || sc < local!.s { local = (o, sc) }
      }
      guard let moved = local, Float(moved.s) <= threshold / 2 else { continue }
      let d = delta(moved.o)
      let mapped = region.compactMap { counterpart(b.time[$0] + d) }
      guard let lo2 = mapped.min(), let hi2 = mapped.max() else { continue }
      runs.removeAll { $0.a != nil && $0.b != nil && $0.b!.overlaps(region) }
      realigned.append(contentsOf: frames)
      runs.append(DifferenceRun(kind: .shifted(shift: moved.o - offset, offset: moved.o), a: lo2...hi2, b: region, distance: moved.s))
    }
    return realigned
  }
}

/// Step 2 of `FootageComparison`, overlap: each B frame's A counterpart at the offset (the
/// A frame nearest in time) and how far apart their pictures are (the best of its
/// neighbours); then the runs where they differ, and the verdict.
struct ComparisonPairing {
  var pairedA: [Int?]
  var differs: [Bool]
  var distance: [Float]
  let countA: Int

  init(_ alignment: ComparisonAlignment, offset: Int, threshold: Float) {
    let b = alignment.b
    pairedA = Array(repeating: nil, count: b.count)
    differs = [Bool](repeating: false, count: b.count)
    distance = [Float](repeating: 0, count: b.count)
    countA = alignment.a.count
    let delta = alignment.delta(offset)
    for j in 0..<b.count {
      let t = b.time[j] + delta
      if let (_, d) = alignment.distance(j, t), let i = alignment.counterpart(t) {
        pairedA[j] = i; distance[j] = d; differs[j] = d > threshold
      }
    }
  }

  /// First...last paired B frame, and their A counterparts.
  var overlapB: ClosedRange<Int>? {
    guard let first = pairedA.firstIndex(where: { $0 != nil }), let last = pairedA.lastIndex(where: { $0 != nil }) else { return nil }
    return first...last
  }
  var overlapA: ClosedRange<Int>? { overlapB.map { pairedA[$0.lowerBound]!...pairedA[$0.upperBound]! } }

  /// Step 3: runs of B frames inside the overlap whose pictures differ, or with no A frame.
  func differingRuns(in overlap: ClosedRange<Int>) -> [DifferenceRun] {
    var runs: [DifferenceRun] = []
    var j = overlap.lowerBound
    while j <= overlap.upperBound {
      guard pairedA[j] == nil || differs[j] else { j += 1; continue }
      let missing = pairedA[j] == nil
      var e = j
      while e + 1 <= overlap.upperBound && (pairedA[e + 1] == nil) == missing && (missing || differs[e + 1]) { e += 1 }
      let aRange: ClosedRange<Int>? = missing ? nil : min(pairedA[j]!, pairedA[e]!)...max(pairedA[j]!, pairedA[e]!)
      let worst = missing ? 0 : (j...e).map { distance[$0] }.max() ?? 0
      runs.append(DifferenceRun(kind: missing ? .noFrameOfA : .picturesDiffer, a: aRange, b: j...e, distance: Double(worst)))
      j = e + 1
    }
    return runs
  }

  /// Step 3: A frames inside the overlap that no B frame corresponds to (frames missing in B).
  func unmatchedA(in overlap: ClosedRange<Int>, _ alignment: ComparisonAlignment) -> [DifferenceRun] {
    let a = alignment.a, interval = alignment.interval
    let bInterval = alignment.b.medianInterval ?? interval
    var used = [Bool](repeating: false, count: countA)
    for i in pairedA.compactMap({ $0 }) { used[i] = true }
    var runs: [DifferenceRun] = []
    var i = overlap.lowerBound
    while i <= overlap.upperBound {
      guard !used[i] else { i += 1; continue }
      var e = i
      while e + 1 <= overlap.upperBound && !used[e + 1] { e += 1 }
      // With a lower frame rate in B, single unused A frames are expected: only report
      // runs longer than B's own frame interval.
      if a.time[e] - a.time[i] + interval > 2 * bInterval + interval {
        runs.append(DifferenceRun(kind: .noFrameOfB, a: i...e, b: nil, distance: 0))
      }
      i = e + 1
    }
    return runs
  }

  /// Step 4: different when fewer than half of B's paired moving frames match A (at the
  /// offset or re-aligned); else the same content when each covers the other with no
  /// difference, an overlap otherwise.
  func verdict(moving: [Int], realigned: Int, overlapA: ClosedRange<Int>, overlapB: ClosedRange<Int>, differences: Int) -> CompareVerdict {
    let movingPaired = moving.filter { pairedA[$0] != nil }
    let movingMatched = movingPaired.filter { !differs[$0] }.count + realigned
    if movingPaired.isEmpty || Double(movingMatched) < 0.5 * Double(movingPaired.count) { return .different }
    let coversA = overlapA.lowerBound <= 1 && overlapA.upperBound >= countA - 2
    let coversB = overlapB.lowerBound <= 1 && overlapB.upperBound >= pairedA.count - 2
    return coversA && coversB && differences == 0 ? .sameContent : .overlap
  }
}
