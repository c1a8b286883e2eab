import FrameScoutCore
import FrameScoutMedia

/// What `ObjectFinder.run` found.
public struct FindResult: Sendable {
  public var matches: [Match] = []
  public var framesSampled = 0
  public var framesRefined = 0
  /// Seconds of footage searched (all files).
  public var duration = 0.0
  public var warnings: [(file: String, message: String)] = []
}

/// Finds every time range in which a target picture is visible: samples frames sparsely
/// (keyframes, or every N-th frame); where the target matches, the place is followed through
/// every later sample, its look without the object (its background) taken from those samples;
/// each run of samples that show the object is then decoded frame by frame between the last
/// sample without it and the first with it (and the last with it and the next without it) to
/// place the range's start and end on a decoded frame that shows it.
public final class ObjectFinder {
  public let settings: FindSettings
  let timeline: Timeline
  let target: GrayImage
  let region: Region?
  public private(set) var analysisWidth = 320
  var searchers: [String: TargetSearch] = [:]
  var result = FindResult()
  /// The current file's places, its searcher, the frames sampled and the recent samples' images.
  var places: [FindPlace] = []
  var current: TargetSearch?
  var sampleFrames: [Int] = []
  var recent = RecentSamples()
  /// Per scale, the best score away from each sample's best hit (`TargetSearch.chanceScore`),
  /// and scratch for their median.
  var chance: [[Double]] = []
  var chanceScratch: [Double] = []

  /// At most this many places are followed in one file (the first found).
  static let maximumPlaces = 16

  public convenience init(paths: [String], target: GrayImage, settings: FindSettings) throws {
    try self.init(timeline: Timeline(paths: paths, options: settings.open), target: target, settings: settings)
  }

  /// Searches the files of an opened timeline. A region outside the first file's frame, or
  /// a target larger than that frame, is a `SettingError` (`roi`, `target`).
  public init(timeline: Timeline, target: GrayImage, settings: FindSettings) throws {
    self.settings = settings
    self.target = target
    self.timeline = timeline
    let first = timeline.entries[0].info
    if let spec = settings.region {
      region = try spec.resolve(frameWidth: first.width, frameHeight: first.height, minimum: 0, setting: "roi")
    } else { region = nil }
    if target.width > first.width || target.height > first.height {
      throw SettingError("target", "picture (\(target.width)x\(target.height)) is larger than the \(first.width)x\(first.height) frame")
    }
    analysisWidth = settings.analysisWidth
      ?? TargetSearch.analysisWidth(target: target, sourceWidth: first.width, scales: settings.scales)
  }

  public var entries: [Timeline.Entry] { timeline.entries }

  func searcher(for gray: GrayView, source: GrayView) -> TargetSearch {
    let key = "\(source.width)x\(source.height)"
    if let s = searchers[key] { return s }
    let s = TargetSearch(target: target, settings: settings, sourceWidth: source.width, sourceHeight: source.height,
                         width: gray.width, height: gray.height, region: region)
    searchers[key] = s
    return s
  }

  public func run() throws -> FindResult {
    for file in timeline.entries.indices { try search(file: file) }
    for e in timeline.entries { result.duration += e.duration ?? 0 }
    return result
  }

  func decoder(_ file: Int, sparse: Bool) throws -> VideoDecoder {
    let keyframes = sparse && settings.every == nil
    return try VideoDecoder(path: timeline.entries[file].path, options: DecodeOptions(
      open: settings.open, threads: settings.threads, keyframesOnly: keyframes, analysisWidth: analysisWidth,
      keyframeSpacing: keyframes ? settings.keyframeSpacing : nil))
  }

  /// Sparse samples of one file, then each place's runs of samples that show the object,
  /// refined at both ends into matches (in order of their start).
  func search(file: Int) throws {
    (places, current, sampleFrames, chance) = ([], nil, [], [])
    recent.removeAll()
    let frameCount = try sample(file: file)
    guard let s = current else { return }
    try lookBack(file: file, search: s)
    var found: [[Match]] = []
    for p in places.indices { found.append(try matches(place: p, file: file, search: s, frameCount: frameCount)) }
    // A place superseded by a better-fitting window is one object with its successor.
    for p in places.indices {   // in order: a successor's successor comes later
      guard let q = places[p].successor else { continue }
      found[q] = merged(found[p] + found[q], file: file, prefer: found[q])
      found[p] = []
    }
    // Two places whose ranges meet in time with one box mostly inside the other are one
    // object too: a part-sized window found beside the place of the whole (TestVideos
    // bag_left with --every 5: the right half of the bag, first hit at #315 while the left
    // half's place followed it, 0.27 IoU apart). The range with the best score gives the box.
    for p in places.indices where !found[p].isEmpty {
      guard let q = (p + 1..<places.count).first(where: { oneObject(found[p], found[$0], file: file) }) else { continue }
      let prefer = (found[p].map(\.score).max() ?? -2) > (found[q].map(\.score).max() ?? -2) ? found[p] : found[q]
      found[q] = merged(found[p] + found[q], file: file, prefer: prefer)
      found[p] = []
    }
    result.matches += found.joined().sorted { ($0.start.frame, $0.box.y, $0.box.x) < ($1.start.frame, $1.box.y, $1.box.x) }
  }

  /// Some range of `a` and some range of `b` overlap in time (or are less than `gapFrames`
  /// apart) and the smaller of their boxes lies at least half inside the larger.
  func oneObject(_ a: [Match], _ b: [Match], file: Int) -> Bool {
    let gap = gapFrames(file)
    return a.contains { m in
      b.contains { n in
        m.start.frame <= n.end.frame + gap && n.start.frame <= m.end.frame + gap && TargetSearch.containment(m.box, n.box) >= 0.5
      }
    }
  }

  /// Ranges that overlap or are less than `gapFrames` apart joined; the box and score of
  /// `prefer`'s range where one takes part (the better-fitting window), else the best.
  func merged(_ ms: [Match], file: Int, prefer: [Match]) -> [Match] {
    var out: [Match] = []
    for m in ms.sorted(by: { $0.start.frame < $1.start.frame }) {
      guard let last = out.last, m.start.frame - last.end.frame <= gapFrames(file) else { out.append(m); continue }
      let keep = prefer.contains { $0.start == m.start && $0.end == m.end } ? m : last
      var j = keep
      (j.start, j.end, j.timelineStart) = (last.start, (m.end.frame > last.end.frame ? m.end : last.end), last.timelineStart)
      out[out.count - 1] = j
    }
    return out
  }

  /// 1. Sparse samples: every known place looked at, then the whole frame searched; a hit
  /// away from the known places starts a new place. Returns the frames in the file (the
  /// last frame seen + 1, or the packets read if more).
  func sample(file: Int) throws -> Int {
    let d = try decoder(file, sparse: true)
    var lastFrame = 0
    try d.forEachFrame { frame in
      lastFrame = frame.index
      if let n = settings.every, frame.index % n != 0 { return .next }
      guard let gray = frame.gray else { return .next }
      let s = searcher(for: gray, source: frame.luma)
      current = s
      s.prepare(gray, colour: frame.chroma)
      result.framesSampled += 1
      for p in places.indices where places[p].successor == nil { observe(p, s, gray, frame: frame.index, time: frame.time) }
      // The chance level is a median over the samples: the first 8 and every 4th after.
      let chanceDue = sampleFrames.count < 8 || sampleFrames.count % 4 == 0
      let best = s.bestMatchPrepared(in: gray, runnersUp: chanceDue)
      if let m = best, chanceDue { noteChance(s, awayFrom: m) }
      if let m = best, isHit(m, s, gray) {
        if let p = knownPlace(of: m, s) {
          places[p].looks[places[p].looks.count - 1].global = m
          if supersedes(m, p, s) && places.count < Self.maximumPlaces {
            places[p].successor = places.count
            addPlace(m, s, gray, chroma: frame.chroma, file: file, frame: frame.index, time: frame.time)
          }
        } else if places.count < Self.maximumPlaces {
          addPlace(m, s, gray, chroma: frame.chroma, file: file, frame: frame.index, time: frame.time)
        }
      }
      sampleFrames.append(frame.index)
      recent.add(gray, frame: frame.index, time: frame.time)
      return .next
    }
    noteDamage(d, file: file)
    return max(lastFrame + 1, d.packetsRead)
  }

  /// How far from its place the object is looked for (analysis pixels): camera shake,
  /// compression and the box's rounding, not a move.
  func radius(_ p: FindPlace) -> Int { max(2, min(p.width, p.height) / 8) }

  /// Appends place `p`'s look in the prepared frame.
  func observe(_ p: Int, _ s: TargetSearch, _ gray: GrayView, frame: Int, time: Double) {
    let (l, patch) = look(p, s, gray, frame: frame, time: time)
    places[p].looks.append(l)
    places[p].patches.append(patch)
  }

  /// Place `p`'s look in the prepared frame and its window there.
  func look(_ p: Int, _ s: TargetSearch, _ gray: GrayView, frame: Int, time: Double) -> (FindPlace.Look, GrayImage) {
    let pl = places[p]
    let r = s.local(scale: pl.scale, x: pl.x, y: pl.y, radius: radius(pl), image: gray)
    return (FindPlace.Look(frame: frame, time: time, x: r.x, y: r.y, score: r.score, colour: r.colour),
            GrayImage(copying: gray.cropped(to: pl.rect)))
  }

  /// 1b. A place whose first look (the oldest of the recent samples when it was first hit)
  /// already shows the object by `FindPlace.bridged` — the object was there under other light
  /// before — is looked at in the file's samples before that look too, decoded again from the
  /// start: the street light off over a box for the first 20 s of night_box_removed, first hit
  /// when it came on. The bridge then runs on back as far as the object stays the same.
  func lookBack(file: Int, search s: TargetSearch) throws {
    guard let first = sampleFrames.first else { return }
    let due = places.indices.filter { p in
      guard let l = places[p].looks.first, l.frame > first, places[p].skipped(0) else { return false }
      return shownLooks(place: p, search: s).shown[0]
    }
    guard let until = due.map({ places[$0].looks[0].frame }).max() else { return }
    var earlier = [[(FindPlace.Look, GrayImage)]](repeating: [], count: places.count)
    let d = try decoder(file, sparse: true)
    try d.forEachFrame { frame in
      if frame.index >= until { return .stop }
      if let n = settings.every, frame.index % n != 0 { return .next }
      guard let gray = frame.gray, gray.width == s.width, gray.height == s.height else { return .next }
      s.prepare(gray, colour: frame.chroma, coarse: false)
      for p in due where frame.index < places[p].looks[0].frame { earlier[p].append(look(p, s, gray, frame: frame.index, time: frame.time)) }
      return .next
    }
    for p in due {
      places[p].looks.insert(contentsOf: earlier[p].map(\.0), at: 0)
      places[p].patches.insert(contentsOf: earlier[p].map(\.1), at: 0)
    }
  }

  /// The known place a hit lies at (the one still followed it overlaps most, by at least 0.3 IoU).
  func knownPlace(of m: TargetMatch, _ s: TargetSearch) -> Int? {
    let a = s.analysisRect(of: m)
    let best = places.indices.filter { places[$0].successor == nil }
      .max { TargetSearch.overlap(a, places[$0].rect) < TargetSearch.overlap(a, places[$1].rect) }
    return best.flatMap { TargetSearch.overlap(a, places[$0].rect) >= 0.3 ? $0 : nil }
  }

  /// The whole frame's hit fits the object at place `p` clearly better than the place's own
  /// window (by 0.02) at another position or a larger size (IoU under 0.7): the place was
  /// found while the object was partly hidden, at a size that fitted part of it, or the object
  /// was pushed aside. The place is followed on in the hit's window from then on. A smaller
  /// window never takes over (a part fits best while a person hides the rest).
  func supersedes(_ m: TargetMatch, _ p: Int, _ s: TargetSearch) -> Bool {
    let own = places[p].looks[places[p].looks.count - 1].score, a = s.analysisRect(of: m)
    return m.score > own + 0.02 && TargetSearch.overlap(a, places[p].rect) < 0.7
      && a.width * a.height >= places[p].width * places[p].height
  }

  /// A new place where `m` matched: its looks in the recent samples before this one (the
  /// place as it was; without their colour planes, not counted as showing a coloured target)
  /// and in this one.
  func addPlace(_ m: TargetMatch, _ s: TargetSearch, _ gray: GrayView, chroma: ChromaPlanes?, file: Int, frame: Int, time: Double) {
    let a = s.analysisRect(of: m)
    places.append(FindPlace(scale: m.scale, x: a.x, y: a.y, width: a.width, height: a.height))
    let p = places.count - 1
    var before = false
    for e in recent.entries where e.frame < frame && e.image.width == gray.width && e.image.height == gray.height {
      e.image.withView { v in
        s.prepare(v, colour: nil, coarse: false)
        observe(p, s, v, frame: e.frame, time: e.time)
      }
      if settings.targetColour != nil { places[p].looks[places[p].looks.count - 1].colour = false }
      before = true
    }
    if before { s.prepare(gray, colour: chroma, coarse: false) }
    observe(p, s, gray, frame: frame, time: time)
  }

  /// The score a match needs: `minimumScore` plus half the score's standard error,
  /// 0.5/√(template pixels in the analysis image) — a 10×10 template needs 0.05 more than a
  /// 50×50 one needs (0.01), since small templates correlate with chance texture. In grain,
  /// `minimumScore` times the correlation two copies of the window are expected to have
  /// through it (`expected`, 1 without grain; `PatchNoise`). Never within
  /// `PatchNoise.chanceMargin` of the level the target reaches by chance in this footage at
  /// that size (`chanceLevel`), and never lowered where that level is not known.
  func threshold(_ s: TargetSearch, scale: Int, expected: Double = 1) -> Double {
    let t = s.matchers[scale]
    return PatchNoise.threshold(minimumScore: settings.minimumScore, margin: 0.5 / Double(t.width * t.height).squareRoot(),
                                expected: expected, chanceLevel: chanceLevel(scale: scale))
  }

  /// Adds the current sample's chance scores (per scale, away from its best hit `m`).
  func noteChance(_ s: TargetSearch, awayFrom m: TargetMatch) {
    if chance.count != s.matchers.count { chance = Array(repeating: [], count: s.matchers.count) }
    for k in s.matchers.indices { if let c = s.chanceScore(scale: k, awayFrom: m) { chance[k].append(c) } }
  }

  /// The median chance score at scale `scale` over the samples so far (nil: none).
  func chanceLevel(scale: Int) -> Double? {
    guard scale < chance.count, !chance[scale].isEmpty else { return nil }
    chanceScratch.removeAll(keepingCapacity: true)
    chanceScratch.append(contentsOf: chance[scale])
    return chanceScratch.withUnsafeMutableBufferPointer { quickselect($0, rank: ($0.count - 1) / 2) }
  }

  /// The whole frame's best hit counts: its score reaches the threshold, lowered for the grain
  /// that the hit's window shows between the recent samples and this one.
  func isHit(_ m: TargetMatch, _ s: TargetSearch, _ gray: GrayView) -> Bool {
    guard m.score >= s.colourFloor else { return false }
    let a = s.analysisRect(of: m)
    let window = gray.cropped(to: a)
    // Each recent sample with the one after it (the last with this frame).
    var noise: Double? = nil
    let e = recent.entries
    for i in e.indices where e[i].image.width == gray.width && e[i].image.height == gray.height {
      let v = e[i].image.withView { older in
        guard i + 1 < e.count else { return PatchNoise.pairVariance(older.cropped(to: a), window) }
        return e[i + 1].image.withView { $0.width == gray.width && $0.height == gray.height
          ? PatchNoise.pairVariance(older.cropped(to: a), $0.cropped(to: a)) : .infinity }
      }
      if v.isFinite { noise = min(noise ?? v, v) }
    }
    let expected = s.expectedCorrelation(scale: m.scale, variance: s.integral.statistics(in: a).variance, noise: noise)
    return m.score >= threshold(s, scale: m.scale, expected: expected)
  }

  /// How a look of a place is judged: the score it needs and how much of the target, the look
  /// and the background is picture rather than grain.
  typealias Judgement = (threshold: Double, share: FindPlace.SignalShare)

  /// Per look of place `p`: the threshold lowered for the grain of the place's spot (the least
  /// noise variance between two consecutive looks within two looks of it: a passer-by or the
  /// object set down between two looks reads as more noise, and the least leaves them out)
  /// and the look's own variance; and the shares of picture the background check corrects by.
  func judgements(place p: Int, search s: TargetSearch) -> [Judgement] {
    let pl = places[p]
    let pairs = pl.patches.indices.dropLast().map { k in
      pl.patches[k].withView { a in pl.patches[k + 1].withView { PatchNoise.pairVariance(a, $0) } }
    }
    let noise = pl.looks.indices.map { k in pairs.indices.filter { $0 >= k - 2 && $0 <= k + 1 }.map { pairs[$0] }.min() }
    let variance = pl.patches.map { $0.withView { RegionStatistics.measure($0).variance } }
    let t = s.matchers[pl.scale].statistics.variance
    let targetShare = PatchNoise.signalShare(variance: t, noise: s.templateNoise[pl.scale])
    let backgroundShare = pl.backgroundLook.map { PatchNoise.signalShare(variance: variance[$0], noise: noise[$0] ?? 0) } ?? 1
    return pl.looks.indices.map { k in
      let expected = s.expectedCorrelation(scale: pl.scale, variance: variance[k], noise: noise[k])
      return (threshold(s, scale: pl.scale, expected: expected),
              FindPlace.SignalShare(target: targetShare, look: PatchNoise.signalShare(variance: variance[k], noise: noise[k] ?? 0),
                                    background: backgroundShare))
    }
  }

  /// 2. Place `p`'s runs of sampled looks that show the object, each refined at both ends;
  /// runs less than `gapFrames` apart after refinement are one match.
  func matches(place p: Int, file: Int, search s: TargetSearch, frameCount: Int) throws -> [Match] {
    let (shown, judged) = shownLooks(place: p, search: s)
    var out: [Match] = []
    var k = 0
    while k < shown.count {
      guard shown[k] else { k += 1; continue }
      var j = k
      while j + 1 < shown.count && shown[j + 1] { j += 1 }
      let m = try match(place: p, file: file, search: s, run: k...j, judged: (judged[k], judged[j]), frameCount: frameCount)
      if let last = out.last, m.start.frame - last.end.frame <= gapFrames(file) {
        out[out.count - 1] = joined(last, m)
      } else { out.append(m) }
      k = j + 1
    }
    return out
  }

  /// Which looks of place `p` show the object (`FindPlace.shows`, then `bridged`), and how each
  /// was judged, after choosing its background. A background that a bridge shows to be the
  /// object under other light is chosen again from the other looks.
  func shownLooks(place p: Int, search s: TargetSearch) -> (shown: [Bool], judged: [Judgement]) {
    var excluded: [Bool]? = nil
    while true {
      places[p].chooseBackground(target: s.matchers[places[p].scale], excluded: excluded)
      let pl = places[p], judged = judgements(place: p, search: s)
      let shown = pl.bridged(pl.looks.indices.map {
        pl.shows(score: pl.looks[$0].score, colour: pl.looks[$0].colour, backgroundScore: pl.backgroundScore(ofPatch: $0),
                 threshold: judged[$0].threshold, share: judged[$0].share)
      })
      guard let b = pl.backgroundLook, shown[b], excluded == nil else { return (shown, judged) }
      excluded = shown
    }
  }

  /// Frames without the object that end a range: a tenth of a second, at least 2 (one
  /// frame's grain or a keyframe's pulse is no end).
  func gapFrames(_ file: Int) -> Int { max(2, Int((timeline.entries[file].clock.rate * 0.1).rounded())) }

  func joined(_ a: Match, _ b: Match) -> Match {
    var m = b.score > a.score ? b : a
    (m.start, m.end, m.timelineStart) = (a.start, b.end, a.timelineStart)
    return m
  }

  typealias Best = (look: FindPlace.Look, score: Double)

  /// One run `looks[run]` of place `p`, its start and end placed on decoded frames (judged
  /// as the run's first and last look are).
  func match(place p: Int, file: Int, search s: TargetSearch, run: ClosedRange<Int>, judged: (Judgement, Judgement),
             frameCount: Int) throws -> Match {
    let pl = places[p], looks = pl.looks
    let (k, j) = (run.lowerBound, run.upperBound)
    var best: Best = (looks[k], looks[k].score)
    for i in run where looks[i].score > best.score { best = (looks[i], looks[i].score) }
    var reported = best
    for i in run { if let g = looks[i].global, g.score > reported.score { reported = (looks[i], g.score) } }
    let before = k > 0 ? looks[k - 1].frame : (sampleFrames.last { $0 < looks[k].frame } ?? -1)
    // After the last sample the range may run to the file's last frame, however many the
    // keyframe pass counted (an MPEG-TS read keyframes only reports fewer).
    let after = j + 1 < looks.count ? looks[j + 1].frame : (sampleFrames.first { $0 > looks[j].frame } ?? max(frameCount, Int.max / 2))
    let start = try refineStart(place: p, file: file, search: s, from: before + 1, to: looks[k].frame - 1, judged: judged.0,
                                best: &best)
      ?? TimePoint(frame: looks[k].frame, time: looks[k].time)
    let end = try refineEnd(place: p, file: file, search: s, from: looks[j].frame + 1, to: after - 1, judged: judged.1,
                            best: &best)
      ?? TimePoint(frame: looks[j].frame, time: looks[j].time)
    if best.score > reported.score { reported = best }
    let entry = timeline.entries[file]
    // The place's own window, or the whole frame's best hit at the place where it scores higher.
    let g = reported.look.global.flatMap { $0.score == reported.score ? $0 : nil }
    let box = g?.box ?? s.sourceBox(x: reported.look.x, y: reported.look.y, w: pl.width, h: pl.height)
    return Match(file: entry.path, start: start, end: end, bestFrame: reported.look.frame, bestTime: reported.look.time, box: box,
                 score: reported.score, scale: s.scaleFactors[g?.scale ?? pl.scale], timelineStart: entry.offset + start.time,
                 region: region?.bounds)
  }

  /// The first frame of `from…to` after which every frame up to `to` shows the object
  /// (nil: `to` itself does not, or the interval is empty).
  func refineStart(place p: Int, file: Int, search s: TargetSearch, from: Int, to: Int, judged: Judgement,
                   best: inout Best) throws -> TimePoint? {
    var start: TimePoint? = nil
    try decodeLooks(place: p, file: file, search: s, from: from, to: to, judged: judged, best: &best) { look, shows in
      start = shows ? (start ?? TimePoint(frame: look.frame, time: look.time)) : nil
      return true
    }
    return start
  }

  /// The last frame of `from…to` that shows the object before `gapFrames` consecutive frames
  /// that do not (nil: none of the first does).
  func refineEnd(place p: Int, file: Int, search s: TargetSearch, from: Int, to: Int, judged: Judgement,
                 best: inout Best) throws -> TimePoint? {
    var end: TimePoint? = nil, misses = 0
    let gap = gapFrames(file)
    try decodeLooks(place: p, file: file, search: s, from: from, to: to, judged: judged, best: &best) { look, shows in
      if shows { end = TimePoint(frame: look.frame, time: look.time); misses = 0 } else { misses += 1 }
      return misses < gap
    }
    return end
  }

  /// Decodes frames `from…to` and hands each one's look at place `p` (and whether it shows
  /// the object, judged as `judged` says) to `body`, until `body` returns false; updates `best`.
  /// A seek that delivers no frame, or first a frame after `from`, is tried again from 2, 4, 8…
  /// seconds earlier (down to the start): MPEG-TS seeks by bisection and may land on a frame
  /// the decoder cannot start from, which after the last keyframe left nothing to decode
  /// (TestVideos passerby.ts: the range ended at the last keyframe, #350 of #374).
  func decodeLooks(place p: Int, file: Int, search s: TargetSearch, from: Int, to: Int, judged: Judgement, best: inout Best,
                   _ body: (FindPlace.Look, Bool) -> Bool) throws {
    guard from <= to else { return }
    let d = try decoder(file, sparse: false)
    let time = timeline.entries[file].clock.seconds(ofFrame: from)
    let pl = places[p]
    var found = best, back = 0.0
    while true {
      let start = time - back
      if from > 0 && start > 0 { try d.seek(toKeyframeAtOrBefore: start) } else if back > 0 { try d.rewind() }
      var delivered = false, overshot = false
      try d.forEachFrame { frame in
        if !delivered {
          delivered = true
          if frame.index > from { overshot = true; return .stop }
        }
        if frame.index < from { return .next }
        if frame.index > to { return .stop }
        guard let gray = frame.gray else { return .next }
        result.framesRefined += 1
        s.prepare(gray, colour: frame.chroma, coarse: false)
        let r = s.local(scale: pl.scale, x: pl.x, y: pl.y, radius: radius(pl), image: gray)
        let look = FindPlace.Look(frame: frame.index, time: frame.time, x: r.x, y: r.y, score: r.score, colour: r.colour)
        let fb = pl.background.map { $0.correlation(in: gray, integral: s.integral, x: r.x, y: r.y) }
        let shows = r.score > -2 && pl.shows(score: r.score, colour: r.colour, backgroundScore: fb, threshold: judged.threshold,
                                                  share: judged.share)
        if shows && r.score > found.score { found = (look, r.score) }
        return body(look, shows) ? .next : .stop
      }
      if (delivered && !overshot) || from == 0 || start <= 0 { break }
      back = back == 0 ? 2 : back * 2
    }
    best = found
  }

  func noteDamage(_ d: VideoDecoder, file: Int) {
    let path = timeline.entries[file].path
    for w in d.warnings { result.warnings.append((path, w)) }
    if !d.damage.isEmpty { result.warnings.append((path, "damaged data: \(d.damage.summary)")) }
  }
}
