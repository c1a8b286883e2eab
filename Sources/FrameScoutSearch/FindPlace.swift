import FrameScoutCore

/// One place where the target matched: the window (at one scale) in which it was first
/// found, followed through every later sample of the file. The place's own look in the
/// samples tells what it looks like without the object — its *background* — so that a
/// match is judged on what differs between the object and the spot it rests on, not on
/// structure both share (a kerb line crossing a parcel's crop where its tape was).
struct FindPlace {
  /// What the place showed at one sample (or refined frame).
  struct Look {
    var frame: Int
    var time: Double
    /// Best window near the place (analysis pixels) and its NCC with the target.
    var x: Int, y: Int
    var score: Double
    /// The window has the target's colour (always true without colour planes or target colour).
    var colour: Bool
    /// The whole frame's best hit, when it lies at this place (any scale): what a range
    /// reports as its box and score when it beats the place's own window.
    var global: TargetMatch? = nil
  }

  let scale: Int
  /// The window in analysis pixels where the place was first found.
  let x: Int, y: Int, width: Int, height: Int
  var looks: [Look] = []
  /// The place's window at each look, as it was there (not at the best nearby window).
  var patches: [GrayImage] = []
  /// The place without the object, when the samples show it (nil: every sample looked alike).
  var background: TemplateMatcher?
  /// NCC of the target with the background, and which look the background is.
  var targetToBackground = 0.0
  var backgroundLook: Int?
  /// The place that follows this one's object in a better-fitting window, once found
  /// (this one is then no longer looked at).
  var successor: Int?

  init(scale: Int, x: Int, y: Int, width: Int, height: Int) {
    (self.scale, self.x, self.y, self.width, self.height) = (scale, x, y, width, height)
  }

  var rect: PixelRect { PixelRect(x: x, y: y, width: width, height: height) }

  /// A difference correlation of at least this says the frame departs from the background
  /// the way the object does (cos 60°: half of the departure's energy or more along it).
  static let minimumDifference = 0.5

  /// The correlation of (frame − background) with (target − background), all three
  /// lighting-normalised (zero mean, unit variance), from the three NCCs between them:
  /// ⟨f−b, t−b⟩ = n(ncc(f,t) − ncc(f,b) − ncc(b,t) + 1), |t−b|² = 2n(1 − ncc(t,b)).
  /// 1: the frame differs from the background exactly as the object does; about 0: the
  /// frame is the background (with its grain).
  static func differenceCorrelation(frameToTarget ft: Double, frameToBackground fb: Double, targetToBackground tb: Double) -> Double {
    let d = 2 * ((1 - tb) * (1 - fb)).squareRoot()
    guard d > 1e-9 else { return fb >= 1 - 1e-9 ? 0 : 1 }
    return (ft - fb - tb + 1) / d
  }

  /// How much of each patch's variance is picture rather than grain (`PatchNoise.signalShare`;
  /// 1 without grain): the target's, the look's and the background's.
  struct SignalShare {
    var target = 1.0, look = 1.0, background = 1.0
    static let clean = SignalShare()
  }

  /// Whether a look shows the object: its score reaches `threshold`, it has the target's
  /// colour and, when the place's background is known, it departs from the background as the
  /// object does and is closer to the target than to the background. Those two are asked of
  /// the three NCCs corrected for the grain of each side (NCC / √(share·share), at most 1):
  /// through grain a clean target correlates with the bare spot more than a grainy look of
  /// the spot (the background) does, though the spot is the background; corrected, the spot
  /// is the background again (and its difference correlation near 0, not near 0.5).
  func shows(score: Double, colour: Bool, backgroundScore: Double?, threshold: Double, share: SignalShare = .clean) -> Bool {
    guard score >= threshold, colour else { return false }
    guard background != nil, let fb = backgroundScore else { return true }
    func corrected(_ r: Double, _ a: Double, _ b: Double) -> Double { min(1, r / (a * b).squareRoot()) }
    let ft = corrected(score, share.target, share.look), fb1 = corrected(fb, share.background, share.look)
    let tb = corrected(targetToBackground, share.target, share.background)
    return ft > fb1 && Self.differenceCorrelation(frameToTarget: ft, frameToBackground: fb1, targetToBackground: tb)
      >= Self.minimumDifference
  }

  /// NCC of a stored patch with the background (nil without one).
  func backgroundScore(ofPatch k: Int) -> Double? {
    guard let b = background else { return nil }
    return patches[k].withView { b.correlation(in: $0, x: 0, y: 0) }
  }

  /// Chooses the background from the place's looks: the least target-like look that lasted
  /// (alike, by NCC, to the look a second before or after it as much as the place's looks a
  /// second apart typically are — a passer-by's leg is not a look of the place), kept only
  /// when it differs from the place's most target-like look clearly beyond what grain and
  /// compression make two looks of the same thing differ (three times the typical
  /// dissimilarity of looks a second apart, at least 0.005): a target cut from other footage
  /// differs from every look of the object by more than its looks differ from each other; and
  /// most of the difference must come at one step between two consecutive looks. A look between
  /// two alike looks that show the object better is not chosen (`between`).
  /// Looks in `excluded` (taken to show the object) are not chosen.
  mutating func chooseBackground(target: TemplateMatcher, excluded: [Bool]? = nil) {
    (background, backgroundLook) = (nil, nil)
    guard patches.count >= 2 else { return }
    var consecutive: [Double] = []
    for k in 1..<patches.count { consecutive.append(ncc(k - 1, k)) }
    // Each look with the nearest a second or more after it: sampled more densely than the
    // keyframes (--every), consecutive looks share a GOP and its frozen grain, and two GOPs of
    // a static parcel differ more than that (TestVideos static.mkv with --every 10: looks in
    // two GOPs 0.011 apart, consecutive looks 0.0002, looks a second apart 0.007; by
    // consecutive looks a look of the parcel in another GOP was taken for its background and
    // the parcel lost for 5.6 of its 10 s).
    let later = patches.indices.map { k in looks[(k + 1)...].firstIndex { $0.time - looks[k].time >= 1 } }
    let apartASecond = patches.indices.compactMap { k in later[k].map { ncc(k, $0) } }
    let pairs = apartASecond.isEmpty ? consecutive : apartASecond
    let typical = pairs.sorted()[pairs.count / 2]
    var pick: Int? = nil
    let top = looks.indices.max { looks[$0].score < looks[$1].score }!
    for k in patches.indices {
      // Lasted: alike to the nearest look a second or more before or after it.
      let before = looks[..<k].lastIndex { looks[k].time - $0.time >= 1 }.map { ncc($0, k) } ?? -1
      let after = later[k].map { ncc(k, $0) } ?? -1
      guard max(before, after) >= min(typical, 0.98) - 0.02, excluded?[k] != true else { continue }
      guard pick == nil || looks[k].score < looks[pick!].score else { continue }
      if !between(k, top: top, alike: min(typical, 0.98) - 0.02) { pick = k }
    }
    guard let k = pick else { return }
    let apart = 1 - ncc(k, top)
    guard apart >= max(0.005, 3 * (1 - typical)) else { return }
    // A step, not a drift: one change between two looks makes at least half of the
    // difference (light fading or grain growing over the clip changes a look gradually).
    let steps = consecutive[min(k, top)..<max(k, top)].map { 1 - $0 }
    guard (steps.max() ?? 0) >= apart / 2 else { return }
    let b = patches[k].withView { TemplateMatcher(template: $0) }
    let tb = target.template.withView { b.correlation(in: $0, x: 0, y: 0) }
    background = b
    backgroundLook = k
    targetToBackground = tb
  }

  /// Two consecutive looks show the same thing when their NCC keeps at least this share of
  /// the NCC each reaches with another look beside it. Measured at the truth boxes of the
  /// realistic corpus's find cases, looks a second apart: an object taken away or set down
  /// keeps 0.07-0.39 (a person passing 0.2-0.8), the street light switched on over a box
  /// 0.73 (night_box_removed), looks of an unchanged spot 0.77-1.0 (in the dark too).
  static let minimumContinuity = 0.6

  /// A look at which the appearance gate skipped every window near the place (score −2):
  /// far brighter or darker, flatter or busier than the target.
  func skipped(_ k: Int) -> Bool { looks[k].score <= -2 }

  /// `shown` with the skipped looks that show the same thing as a shown look beside them
  /// (`sameThing`, step by step) shown too: the object under other light than the target's —
  /// the street light off before it was cut, a floodlight switched on — which NCC alone would
  /// match but the appearance gate does not let it. A look the gate let through is judged by
  /// its score alone: a change seen in steps too small to tell (a thin bicycle wheeled in)
  /// is no reason to call it the object.
  func bridged(_ shown: [Bool]) -> [Bool] {
    var out = shown
    for k in shown.indices where shown[k] {
      var j = k - 1
      while j >= 0 && !out[j] && skipped(j) && sameThing(j) { out[j] = true; j -= 1 }
      j = k + 1
      while j < out.count && !out[j] && skipped(j) && sameThing(j - 1) { out[j] = true; j += 1 }
    }
    return out
  }

  /// Looks `k` and `k + 1` show the same thing: their NCC is at least `minimumContinuity` of
  /// what two looks of one thing reach there — the geometric mean of the best NCC each has
  /// with another look within two on its own side (grain and the light lower all of them
  /// alike; a passer-by beside one of them lowers only one of its pairs).
  func sameThing(_ k: Int) -> Bool {
    let left = [k - 1, k - 2].filter { $0 >= 0 }.map { ncc($0, k) }.max()
    let right = [k + 2, k + 3].filter { $0 < patches.count }.map { ncc(k + 1, $0) }.max()
    let expected: Double
    switch (left, right) {
    case let (a?, b?): expected = (max(0, a) * max(0, b)).squareRoot()
    case let (a?, nil), let (nil, a?): expected = a
    case (nil, nil): return false
    }
    return expected > 0 && ncc(k, k + 1) >= Self.minimumContinuity * expected
  }

  /// Look `k` lies between two looks that show the object better — scores at least halfway
  /// from `k`'s to the best look's (`top`): the last such before `k` and the first after — and
  /// those two are `alike` (as two looks of one thing a second apart are): the object was
  /// there before and after as it was, so `k` is the object under a shadow or behind
  /// something, not the spot without it. beside_taken's bin: person A's cast shadow over it
  /// for 24 s (0.85 against the target, 0.99-1.00 before and after, those two 0.99 alike)
  /// was taken for its background and the bin lost all that time. An object taken away and
  /// put back to the pixel is not told apart from one that stayed.
  func between(_ k: Int, top: Int, alike: Double) -> Bool {
    let better = (looks[k].score + looks[top].score) / 2
    guard looks[top].score > looks[k].score, let i = looks[..<k].lastIndex(where: { $0.score >= better }),
          let j = looks[(k + 1)...].firstIndex(where: { $0.score >= better }) else { return false }
    return ncc(i, j) >= alike
  }

  func ncc(_ a: Int, _ b: Int) -> Double {
    let m = patches[a].withView { TemplateMatcher(template: $0) }
    return patches[b].withView { m.correlation(in: $0, x: 0, y: 0) }
  }
}

/// The latest sample of a file and up to `capacity` earlier ones at least `spacing` seconds
/// apart, as analysis images in buffers reused round the ring (no allocation once full). A
/// place first hit now is looked at in them as it was before: the spot before a person set
/// the object down or while they hid it, so its background can be a look from before the
/// first hit (a place had none, and took a later look of its own for one — a part-sized
/// window found while a person still hid the rest of a bag changed its look when they left).
struct RecentSamples {
  struct Entry {
    var frame: Int
    var time: Double
    var image: GrayImage
  }
  /// Oldest first; the last is the latest sample.
  private(set) var entries: [Entry] = []
  let capacity: Int, spacing: Double

  /// 8 earlier samples a second apart reach back over 7 s: past a person who stands 5 s over
  /// the spot (TestVideos bag_left: hidden #106-#223, first hit #219) to a look that lasted.
  /// Memory: 9 analysis images (2 MB at 1280×720).
  init(capacity: Int = 8, spacing: Double = 1) {
    (self.capacity, self.spacing) = (capacity, spacing)
    entries.reserveCapacity(capacity + 1)
  }

  mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

  /// Keeps `gray` as the latest sample. The previous latest stays as an earlier sample when
  /// it is `spacing` or more after the one before it; otherwise its buffer takes the new one.
  mutating func add(_ gray: GrayView, frame: Int, time: Double) {
    let n = entries.count
    var slot: Entry
    if n >= 2 && entries[n - 1].time - entries[n - 2].time < spacing {
      slot = entries.removeLast()
    } else if n == capacity + 1 {
      slot = entries.removeFirst()
    } else {
      slot = Entry(frame: frame, time: time, image: GrayImage(width: gray.width, height: gray.height))
    }
    if slot.image.width != gray.width || slot.image.height != gray.height { slot.image = GrayImage(width: gray.width, height: gray.height) }
    (slot.frame, slot.time) = (frame, time)
    slot.image.withMutableView { gray.copy(to: $0.base, destinationStride: $0.stride) }
    entries.append(slot)
  }
}

extension TargetSearch {
  /// A match's window in analysis pixels (its scale's template size).
  func analysisRect(of m: TargetMatch) -> PixelRect {
    let sx = Double(width) / Double(sourceWidth), sy = Double(height) / Double(sourceHeight)
    let t = matchers[m.scale]
    return PixelRect(x: min(width - t.width, max(0, Int((Double(m.box.x) * sx).rounded()))),
                     y: min(height - t.height, max(0, Int((Double(m.box.y) * sy).rounded()))), width: t.width, height: t.height)
  }

  /// The share of the smaller rectangle's area that lies inside the larger one.
  static func containment(_ a: PixelRect, _ b: PixelRect) -> Double {
    let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x), h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    guard w > 0, h > 0 else { return 0 }
    return Double(w * h) / Double(min(a.width * a.height, b.width * b.height))
  }

  /// Intersection over union of two rectangles.
  static func overlap(_ a: PixelRect, _ b: PixelRect) -> Double {
    let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x), h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    guard w > 0, h > 0 else { return 0 }
    let i = Double(w * h)
    return i / (Double(a.width * a.height + b.width * b.height) - i)
  }
}
