import FrameScoutCore

/// The decision rule, the same in both modes: the region has a *state*, a `RegionModel`
/// learned from frames of the state. A frame farther from the state than its noise
/// explains (by more than `threshold`) starts a *candidate*, a model of its own; later
/// frames that match the candidate feed it; a frame that matches the state again drops it,
/// a frame that matches neither starts a new candidate. A candidate that lasts `hold`
/// seconds is confirmed; when `decides`, it becomes a change only if its mean differs from
/// the state's beyond their noise (a noisier or slightly shifted look of the same scene
/// replaces the state silently), and, when the light around the region jumped by more than
/// `lightJump` between the last frame of the old state and the candidate's first, only if
/// no smooth relighting of the old look explains it (a light switched on or off). The
/// coarse pass, which sees keyframes only, does not decide: every candidate it confirms is
/// handed to the exact rule, frame by frame.
struct StateRule {
  let threshold: Double
  let hold: Double
  var state: RegionModel
  var stateStart: FramePosition
  var candidate = RegionModel()
  var candidateStart: FramePosition?
  /// The last position that matched the state (where a dense search must start), and the
  /// light around the region then (`Look.ring`).
  var lastMatch: FramePosition
  var lastMatchRing = 0.0
  /// The last frame that matched the state, as a one-frame model (its look and border
  /// contrast): the old look under the light of the moment of change, to tell which look
  /// is the empty scene (the state's own model may have been learned hours and a street
  /// light earlier).
  var lastSeen = RegionModel()
  /// A change of the light around the region, as a ratio, that makes a candidate a
  /// possible relighting (a light switched on or off, an auto-exposure step; a person
  /// walking past the band changes its mean by less).
  static let lightJump = 1.15

  init(state: RegionModel, since start: FramePosition, lastMatch: FramePosition, threshold: Double, hold: Double) {
    self.threshold = threshold
    self.hold = hold
    self.state = state
    stateStart = start
    self.lastMatch = lastMatch
  }

  struct Change {
    var from: FramePosition   // first frame of the old state
    var at: FramePosition     // first frame of the new state (the candidate's first frame)
    var lastMatch: FramePosition   // the last sample that still matched the old state
    var old: RegionModel
    var lastSeen: RegionModel
  }

  /// Whether the candidate is the old look under a light that changed when it began.
  func relit(_ candidate: RegionModel) -> Bool {
    let a = max(candidate.ring, 1), b = max(lastMatchRing, 1)
    return max(a / b, b / a) > Self.lightJump && candidate.isRelit(from: state, threshold: threshold)
  }

  /// Feeds one sample; `contrast` is computed only when a model learns from the frame.
  /// `detail` is the frame's `CellDetail`, read only when a model learns from the frame.
  mutating func feed(_ look: Look, detail: [Float], at position: FramePosition, decides: Bool, contrast: () -> Double) -> Change? {
    let thumbnail = look.thumbnail
    // The coarse pass, which sees keyframes only, counts a sample as the state only when it
    // is well inside the threshold (half of it): a look near the threshold — a light
    // switched off, which the exact rule may learn as the state — is handed to the exact
    // rule frame by frame, so both modes learn the same states.
    if state.matches(thumbnail, threshold: decides ? threshold : threshold / 2) {
      candidateStart = nil
      lastMatch = position
      lastMatchRing = look.ring
      if decides { lastSeen.reset(look, detail: detail, contrast: contrast(), noisePrior: state.noise) }
      return nil
    }
    if let start = candidateStart, candidate.matches(thumbnail, threshold: threshold) {
      if !candidate.isComplete { candidate.add(look, detail: detail, contrast: contrast()) }
      guard position.timeline - start.timeline >= hold - 1e-9 else { return nil }
      candidateStart = nil
      let matched = lastMatch
      lastMatch = position
      lastMatchRing = look.ring
      if decides && (!candidate.differs(from: state, threshold: threshold) || relit(candidate)) {
        swap(&state, &candidate)     // the same scene, a little shifted, noisier or relit: learn it
        return nil
      }
      let change = Change(from: stateStart, at: start, lastMatch: matched, old: state, lastSeen: lastSeen)
      swap(&state, &candidate)
      stateStart = start
      return change
    }
    candidate.reset(look, detail: detail, contrast: contrast(), noisePrior: state.noise(atScale: look.scale))
    candidateStart = position
    return nil
  }
}

/// The frames since the state was last matched (thumbnails and positions, oldest first),
/// so a confirmed change can be placed on the first frame that shows the new state: the
/// candidate that lasted may have started a few frames late (grain, an arm at the
/// region's edge). Bounded: the oldest frames are dropped past `capacity`.
struct RecentFrames {
  static let capacity = 1500
  var thumbnails: [Int8]
  var positions: [FramePosition] = []
  /// Each frame's look apart from its thumbnail (normalisation divisor, mean gray level,
  /// ring level) and border contrast.
  var looks: [(scale: Double, level: Double, ring: Double, contrast: Double)] = []
  /// Each frame's `CellDetail`.
  var details: [Float]
  /// Each frame's fine picture (`fineCount` pixels, `Look.fine`).
  var fines: [UInt8]
  let fineCount: Int
  var first = 0     // ring index of the oldest frame

  init(fineCount: Int = 0) {
    thumbnails = [Int8](repeating: 0, count: Self.capacity * RegionModel.cells)
    details = [Float](repeating: 0, count: Self.capacity * CellDetail.count)
    self.fineCount = fineCount
    fines = [UInt8](repeating: 0, count: Self.capacity * fineCount)
    positions.reserveCapacity(Self.capacity)
    looks.reserveCapacity(Self.capacity)
  }

  var count: Int { positions.count }
  mutating func removeAll() { positions.removeAll(keepingCapacity: true); looks.removeAll(keepingCapacity: true); first = 0 }

  mutating func append(_ look: Look, detail: [Float], contrast: Double, at position: FramePosition) {
    let slot: Int
    let rest = (look.scale, look.level, look.ring, contrast)
    if positions.count < Self.capacity { slot = positions.count; positions.append(position); looks.append(rest) }
    else { slot = first; positions[first] = position; looks[first] = rest; first = (first + 1) % Self.capacity }
    for k in 0..<CellDetail.count { details[slot * CellDetail.count + k] = detail[k] }
    if look.fine.count == fineCount { for p in 0..<fineCount { fines[slot * fineCount + p] = look.fine[p] } }
    thumbnails.withUnsafeMutableBufferPointer { t in
      look.thumbnail.withUnsafeBufferPointer { s in (t.baseAddress! + slot * RegionModel.cells).update(from: s.baseAddress!, count: RegionModel.cells) }
    }
  }

  func slot(_ i: Int) -> Int { (first + i) % positions.count }
  /// The i-th oldest frame.
  func position(_ i: Int) -> FramePosition { positions[(first + i) % max(positions.count, 1)] }
  func cell(_ i: Int, _ k: Int) -> Float {
    Float(thumbnails[slot(i) * RegionModel.cells + k]) / Float(Signature.thumbnailScale)
  }
  /// The texture of cell k of the i-th oldest frame.
  func texture(_ i: Int, _ k: Int) -> Double { Double(details[slot(i) * CellDetail.count + k]) }
  /// The colour of cell k of the i-th oldest frame (U − 128, V − 128).
  func colour(_ i: Int, _ k: Int) -> (u: Double, v: Double) {
    let base = slot(i) * CellDetail.count + k
    return (Double(details[base + RegionModel.cells]), Double(details[base + 2 * RegionModel.cells]))
  }
  /// Fine pixel p of the i-th oldest frame (gray level).
  func fine(_ i: Int, _ p: Int) -> Float { Float(fines[slot(i) * fineCount + p]) }
  /// Cell k of the i-th oldest frame in gray levels.
  func gray(_ i: Int, _ k: Int) -> Double {
    let s = looks[slot(i)]
    return Double(cell(i, k)) * s.scale + s.level
  }

  /// Teaches `model` the frames `range` (oldest first), from scratch.
  func teach(_ model: inout RegionModel, _ range: Range<Int>, noisePrior: Double) {
    var thumbnail = [Int8](repeating: 0, count: RegionModel.cells)
    var detail = [Float](repeating: 0, count: CellDetail.count)
    for i in range {
      let s = slot(i), l = looks[s]
      for k in 0..<RegionModel.cells { thumbnail[k] = thumbnails[s * RegionModel.cells + k] }
      for k in 0..<CellDetail.count { detail[k] = details[s * CellDetail.count + k] }
      let fine = Array(fines[(s * fineCount)..<((s + 1) * fineCount)])
      let look = Look(thumbnail: thumbnail, scale: l.scale, level: l.level, ring: l.ring, fine: fine)
      if i == range.lowerBound { model.reset(look, detail: detail, contrast: l.contrast, noisePrior: noisePrior) }
      else { model.add(look, detail: detail, contrast: l.contrast) }
    }
  }
}

/// The engine core of `watch`, fed one frame at a time (`process`, then `finish`): the
/// region's signature in each frame, judged by the exact `StateRule`; a confirmed change
/// becomes a `RegionChange`. Both decode drivers of `RegionWatcher` (coarse-to-fine and
/// exhaustive) feed it the frames they decode, so both report the same changes. The first
/// `RegionModel.frames` frames are the warm-up: they teach the first state (the frames
/// that agree with most of them; a passer-by's frames are left out).
public struct RegionChangeDetector {
  public let region: Region
  /// Signature distance, beyond the region's own noise, above which it differs from its state.
  public let threshold: Double
  public let hold: Double
  /// The path of each file of the timeline (a change names its file).
  let paths: [String]
  let maker: SignatureMaker
  /// The signature of the last frame signed (reused storage).
  var signature: Signature
  /// The exact rule, once the warm-up is over.
  var rule: StateRule?
  var warmUp: [(look: Look, detail: [Float], position: FramePosition, contrast: Double)] = []
  /// The `CellDetail` of the last frame signed, when asked (`measureDetail`).
  var detail = [Float](repeating: 0, count: CellDetail.count)
  var recent: RecentFrames
  /// The fine picture's grid and reduction (nil for a small region), and the last one measured.
  let fineGrid: FineGrid?
  let fineSampler: AreaDownsampler?
  var fine: [UInt8] = []
  /// The warm-up frames' distances to the state they taught, once it is learned (for
  /// `--stats`; taken by the driver).
  var learned: [(position: FramePosition, distance: Double)] = []
  var changes: [RegionChange] = []

  public init(region: Region, threshold: Double, hold: Double, paths: [String]) {
    self.region = region
    self.threshold = threshold
    self.hold = hold
    self.paths = paths
    maker = SignatureMaker(regionWidth: region.bounds.width, regionHeight: region.bounds.height)
    fineGrid = FineGrid(regionWidth: region.bounds.width, regionHeight: region.bounds.height)
    if let g = fineGrid {
      fineSampler = AreaDownsampler(sourceWidth: region.bounds.width, sourceHeight: region.bounds.height, width: g.width, height: g.height)
      fine = [UInt8](repeating: 0, count: g.count)
    } else { fineSampler = nil }
    recent = RecentFrames(fineCount: fineGrid?.count ?? 0)
    signature = Signature(hash: Hash64(bits: 0), statistics: RegionStatistics(count: 0, sum: 0, sumOfSquares: 0),
                          thumbnail: [Int8](repeating: 0, count: 256), thumbnailContrast: 0)
  }

  /// Computes the region's signature in a frame (full-resolution luma, no copy) into
  /// `signature`; false when the frame does not hold the region.
  mutating func sign(_ luma: GrayView) -> Bool {
    let b = region.bounds
    guard luma.width >= b.x + b.width, luma.height >= b.y + b.height else { return false }
    maker.update(&signature, from: luma.cropped(to: b))
    ring = Self.ringLevel(around: b, in: luma, inner: signature.statistics)
    return true
  }

  /// The last frame signed, as the models learn it.
  var look: Look {
    Look(thumbnail: signature.thumbnail, scale: max(signature.thumbnailContrast, maker.contrastFloor), level: signature.mean, ring: ring, fine: fine)
  }
  /// The mean gray level of the band around the region in the last frame signed.
  var ring = 0.0

  /// The noise of the first state (learned in the warm-up), for the report.
  public internal(set) var firstStateNoise = 0.0
  /// Whether the warm-up is over (the first state is known).
  public var isWarm: Bool { rule != nil }

  /// Feeds one frame to the exact rule: the warm-up's frames teach the first state; then a
  /// confirmed change is recorded. `chroma`, the frame's colour planes when it has them,
  /// lets the placement tell a shadow (the colour dimmed alike) from something over the
  /// region (its own colour); without them the region is judged in gray levels only. Returns the frame's signature distance to the state it
  /// was judged against (nil during the warm-up, or for a frame that does not hold the region).
  @discardableResult
  public mutating func process(_ luma: GrayView, chroma: ChromaPlanes? = nil, at position: FramePosition) -> Double? {
    guard sign(luma) else { return nil }
    let bounds = region.bounds
    guard rule != nil else {
      measureDetail(luma, chroma)
      warmUp.append((look, detail, position, Self.contrast(of: bounds, in: luma)))
      if warmUp.count == RegionModel.frames { learnFirstState() }
      return nil
    }
    let distance = rule!.state.distance(signature.thumbnail)
    // Frames that differ from the state may teach a model or be placed: their cells' texture
    // and colour, and their border contrast, count.
    var contrast: Double? = nil
    if !rule!.state.matches(signature.thumbnail, threshold: threshold) {
      measureDetail(luma, chroma)
      contrast = Self.contrast(of: bounds, in: luma)
    }
    let change = rule!.feed(look, detail: detail, at: position, decides: true) { contrast ?? Self.contrast(of: bounds, in: luma) }
    if let change { record(change) }
    if rule!.lastMatch == position { recent.removeAll() }
    else { recent.append(look, detail: detail, contrast: contrast ?? Self.contrast(of: bounds, in: luma), at: position) }
    return distance
  }

  /// The first state, from the warm-up frames that agree with the cell-wise median of all of
  /// them (within 3× the median frame's spread): a passer-by in the first second is left out.
  mutating func learnFirstState() {
    let n = warmUp.count
    var median = [Float](repeating: 0, count: RegionModel.cells)
    var column = [Int8](repeating: 0, count: n)
    for k in 0..<RegionModel.cells {
      for i in 0..<n { column[i] = warmUp[i].look.thumbnail[k] }
      column.sort()
      median[k] = Float(column[n / 2]) / Float(Signature.thumbnailScale)
    }
    let spread = warmUp.map { w in
      (0..<RegionModel.cells).reduce(Float(0)) { s, k in
        let d = Float(w.look.thumbnail[k]) / Float(Signature.thumbnailScale) - median[k]
        return s + d * d
      }
    }
    let limit = 3 * spread.sorted()[n / 2] + 1e-6
    var model = RegionModel()
    for (i, w) in warmUp.enumerated() where spread[i] <= limit { model.add(w.look, detail: w.detail, contrast: w.contrast) }
    firstStateNoise = model.noise.squareRoot() / 2
    learned = warmUp.map { ($0.position, model.distance($0.look.thumbnail)) }
    rule = StateRule(state: model, since: warmUp[0].position, lastMatch: warmUp[n - 1].position, threshold: threshold, hold: hold)
    rule!.lastMatchRing = warmUp[n - 1].look.ring
    rule!.lastSeen.reset(warmUp[n - 1].look, detail: warmUp[n - 1].detail, contrast: warmUp[n - 1].contrast, noisePrior: model.noise)
    warmUp = []
  }

  /// The changes confirmed so far. A candidate still pending (it did not last `hold`
  /// before the footage ended) is no change.
  public func finish() -> [RegionChange] { changes }

  /// How much the region stands out from the scene around it: the mean absolute step in
  /// gray level across the region's border, between 2-pixel bands inside and outside,
  /// each side cut into 8-pixel segments whose bands are averaged before the step is taken
  /// (so sensor grain, which has no step, averages out instead of adding to it). An object
  /// the box was drawn tight around breaks the scene at the border (high); the empty scene
  /// continues across it (low).
  static func contrast(of b: PixelRect, in luma: GrayView) -> Double {
    var total = 0, count = 0
    /// One side: `n` pixels along (x, y) + t·(ax, ay); inside is (dx, dy) from the border.
    func side(_ x: Int, _ y: Int, _ ax: Int, _ ay: Int, _ n: Int, _ dx: Int, _ dy: Int) {
      var t = 0
      while t < n {
        let len = min(8, n - t)
        var inside = 0, outside = 0
        for u in t..<(t + len) {
          let px = x + u * ax, py = y + u * ay
          inside += Int(luma[px, py]) + Int(luma[px + dx, py + dy])
          outside += Int(luma[px - dx, py - dy]) + Int(luma[px - 2 * dx, py - 2 * dy])
        }
        total += abs(inside - outside) * 8 / len
        count += 1
        t += len
      }
    }
    if b.y >= 2 { side(b.x, b.y, 1, 0, b.width, 0, 1) }
    if b.y + b.height + 2 <= luma.height { side(b.x, b.y + b.height - 1, 1, 0, b.width, 0, -1) }
    if b.x >= 2 { side(b.x, b.y, 0, 1, b.height, 1, 0) }
    if b.x + b.width + 2 <= luma.width { side(b.x + b.width - 1, b.y, 0, 1, b.height, -1, 0) }
    return count > 0 ? Double(total) / Double(16 * count) : 0
  }

  /// Fills `detail` with the region's `CellDetail` in a frame.
  mutating func measureDetail(_ luma: GrayView, _ chroma: ChromaPlanes?) {
    let side = Signature.thumbnailSide
    RegionStatistics.cellDeviations(luma.cropped(to: region.bounds), side: side, into: &detail, at: 0)
    if let sampler = fineSampler, let g = fineGrid {
      fine.withUnsafeMutableBufferPointer { f in
        sampler.downsample(luma.cropped(to: region.bounds), into: MutableGrayView(base: f.baseAddress!, width: g.width, height: g.height, stride: g.width))
      }
    }
    if chroma?.cellColours(in: region.bounds, side: side, into: &detail, at: RegionModel.cells) != true {
      for k in RegionModel.cells..<CellDetail.count { detail[k] = 0 }
    }
  }

  /// The mean gray level of a band around `b` (a quarter of its smaller side wide, at least
  /// 4 pixels, clipped to the frame); `inner` is the region's own statistics.
  static func ringLevel(around b: PixelRect, in luma: GrayView, inner: RegionStatistics) -> Double {
    let r = max(4, min(b.width, b.height) / 4)
    let x0 = max(0, b.x - r), y0 = max(0, b.y - r)
    let outer = PixelRect(x: x0, y: y0, width: min(luma.width, b.x + b.width + r) - x0, height: min(luma.height, b.y + b.height + r) - y0)
    let all = RegionStatistics.measure(luma.cropped(to: outer))
    guard all.count > inner.count else { return inner.mean }
    return Double(all.sum - inner.sum) / Double(all.count - inner.count)
  }

  /// How much the part of the region that changed stands out, in each of the two looks,
  /// from the part around it that did not; the look with the object shows a step, the
  /// empty scene continues across. Two measures, both in gray levels:
  /// - `outline` (with a fine picture of the region, `FineGrid`; else nil): edge by edge,
  ///   across each edge between a changed cell and an unchanged one, the fine pixels on its
  ///   two sides, less what the same look shows across edges between two unchanged cells (its
  ///   texture and grain, taken off in quadrature: `FineGrid.outlineStep`). Pair by pair at
  ///   the object's outline: a bicycle left against a wall has the wall's dark foot above
  ///   its tyres and bright pavement below them.
  /// - `pooled`: the step in mean plus the step in spread between the changed cells and
  ///   their unchanged neighbours, pooled. Stronger where the object fills its cells; fooled
  ///   where the neighbours are of two kinds — their pooled mean can match dark tyres better
  ///   than the bright pavement the tyres hide.
  /// nil when too few cells stayed unchanged to compare with (a box drawn tight around the
  /// object: the border contrast decides then).
  static func standOut(old: RegionModel, new: RegionModel, grid: FineGrid?) -> (outline: (old: Double, new: Double)?, pooled: (old: Double, new: Double))? {
    let n = RegionModel.cells, side = Signature.thumbnailSide
    // The two looks in gray levels, the old under the new one's light (the median ratio of
    // their cells): a gain between them (dusk, auto-exposure) takes more gray levels from
    // bright cells than from dark ones, and the brightest cells would pass for the changed part.
    let gain = (0..<n).map { new.gray($0) / max(old.gray($0), 1) }.sorted()[n / 2]
    let before = (0..<n).map { gain * old.gray($0) }, after = (0..<n).map { new.gray($0) }
    var diff = [Double](repeating: 0, count: n)
    for k in 0..<n { diff[k] = after[k] - before[k] }
    let offset = diff.sorted()[n / 2]
    let size = diff.map { abs($0 - offset) }
    let strong = size.sorted()[n * 95 / 100]
    guard strong > 0 else { return nil }
    let changed = size.map { $0 >= strong / 2 }
    var neighbour = [Bool](repeating: false, count: n)
    for k in 0..<n where !changed[k] {
      let x = k % side, y = k / side
      for dy in -1...1 { for dx in -1...1 {
        let nx = x + dx, ny = y + dy
        if nx >= 0, ny >= 0, nx < side, ny < side, changed[ny * side + nx] { neighbour[k] = true }
      } }
    }
    guard neighbour.filter({ $0 }).count >= n / 16 else { return nil }
    var outline: (Double, Double)?
    if let g = grid, old.fineSum.count == g.count, new.fineSum.count == g.count {
      outline = (g.outlineStep(changed: changed) { gain * Double(old.fine($0)) },
                 g.outlineStep(changed: changed) { Double(new.fine($0)) })
    }
    func step(_ look: [Double]) -> Double {
      var a = (0.0, 0.0, 0), b = (0.0, 0.0, 0)
      for k in 0..<n {
        let v = look[k]
        if changed[k] { a = (a.0 + v, a.1 + v * v, a.2 + 1) } else if neighbour[k] { b = (b.0 + v, b.1 + v * v, b.2 + 1) }
      }
      let (ma, mb) = (a.0 / Double(a.2), b.0 / Double(b.2))
      let (sa, sb) = ((max(0, a.1 / Double(a.2) - ma * ma)).squareRoot(), (max(0, b.1 / Double(b.2) - mb * mb)).squareRoot())
      return abs(ma - mb) + abs(sa - sb)
    }
    return (outline, (step(before), step(after)))
  }

  /// The first frame that shows the new state: from the candidate's first frame, back over
  /// the frames since the old state was last seen while they show the new look, then
  /// forward past frames that do not (see `NewLookTest`). The candidate that lasted may
  /// have begun late — in heavy grain a frame of the new look can fail to match the
  /// candidate's first, single noisy frame; the shadow of someone walking away can lie
  /// across the region — or early: a leg still over a corner of the region hides in grain
  /// when the whole region is compared, not when its cells are.
  mutating func placeChange(_ c: StateRule.Change, new: RegionModel) -> FramePosition {
    guard let end = (0..<recent.count).firstIndex(where: { recent.position($0) == c.at }) else { return c.at }
    var test = NewLookTest(old: c.old, new: new, threshold: threshold, grid: recent.fineCount > 0 ? fineGrid : nil)
    var i = end
    while i > 0 && test.shows(recent, i - 1) { i -= 1 }
    var j = i
    while j < recent.count && !test.shows(recent, j) { j += 1 }
    return recent.position(j < recent.count ? j : i)
  }

  /// The new state as it settled: a model of the last `RegionModel.frames` frames of the
  /// hold, when the hold lasted at least twice as many frames; else the candidate's first
  /// frames, as learned. The first frames of a new look often still hold whoever made the
  /// change, walking away or leaning out of the region; by the end of the hold they have
  /// gone (the look lasted `hold` seconds). Every frame of the hold matched the candidate;
  /// when its first frame has left the bounded buffer, every frame the buffer holds is of
  /// the hold.
  func settled(_ c: StateRule.Change, candidate: RegionModel) -> RegionModel {
    let start = (0..<recent.count).firstIndex { recent.position($0) == c.at } ?? 0
    guard recent.count - start >= 2 * RegionModel.frames else { return candidate }
    var model = RegionModel()
    recent.teach(&model, (recent.count - RegionModel.frames)..<recent.count, noisePrior: candidate.noise)
    return model
  }

  mutating func record(_ c: StateRule.Change) {
    let new = settled(c, candidate: rule!.state)
    rule!.state = new
    let at = placeChange(c, new: new)
    // Which state is the empty scene? The one that blends with its surroundings: at the
    // region's border (a box drawn tight around the object), else, where both looks
    // continue across the border (a box drawn with a margin), around the changed part:
    // first at its outline, pair by pair, then pooled (`standOut`). The old state as it
    // was learned, over many frames: the last frame that matched it can already hold
    // someone arriving at the region's edge (the change test leaves out what reaches in
    // from the edge), and one frame's grain is not taken off as a model's is.
    func decided(_ a: Double, _ b: Double) -> EventKind? {
      if a > b * 1.5 && a - b > 3 { return .disappeared }
      if b > a * 1.5 && b - a > 3 { return .appeared }
      return nil
    }
    var (old, now) = (c.lastSeen.contrast, new.contrast)
    var kind = decided(old, now)
    if kind == nil, let inside = Self.standOut(old: c.old, new: new, grid: fineGrid) {
      for (a, b) in [inside.outline, inside.pooled].compactMap({ $0 }) where kind == nil {
        (old, now) = (a, b)
        kind = decided(a, b)
      }
    }
    // The "before" picture is the last frame that still showed the old state: the frame
    // just before the change, or, when something hid the region meanwhile, the last frame
    // before it was hidden.
    changes.append(RegionChange(kind: kind ?? .changed, after: at, before: c.lastMatch, previousStateSince: c.from,
                                score: new.distance(to: c.old), region: region.bounds, contrastBefore: old, contrastAfter: now,
                                file: paths[at.file]))
  }
}

/// Whether a recent frame shows the new look of a change, perhaps partly in shade:
/// - it lies closer to the new look than to the old along the change;
/// - no three touching cells differ from the new look by more than 3.5 times their own
///   noise and half a standard deviation in gray level, or by more than 3.5 times their
///   colour noise and `colourMargin` in colour (a foreground figure, or a limb or a hand
///   of one, over part of the region: clothing and skin bring their own colour);
/// - the rest matches the new look within its noise and the threshold, once the cells in
///   shade and the 1/16 of the region that differs most are left out, as long as the cells
///   in shade are at most three quarters of the region.
/// Cells are compared in gray levels under the frame's overall gain (auto-exposure moves
/// every cell alike; normalised cells would all shift when a shadow changes the region's
/// mean and spread), measured on the cells out of shade. A cell is in shade when it is
/// darker than the new look by a factor of 0.3 to 0.97 and is the new look's surface so
/// dimmed: a cast shadow takes light away and leaves the surface, an occluder replaces it.
/// Either of two signs tells the surface:
/// - its texture: the cell keeps at least half of its texture dimmed alike (someone's coat
///   over it smooths the texture away), where texture can be told from grain: the cell's
///   mean moves by at most a tenth of the region's standard deviation from frame to frame
///   (in grainy night footage a coat's grain looks like dimmed texture);
/// - its colour: U − 128 and V − 128 dimmed by the same factor as the gray level (a smooth
///   coloured bag in the shadow of a leg), where the dimmed colour is strong enough to
///   tell (`colourFloor`; grey paving and IR footage never qualify);
/// - where neither can tell (grain as strong as the texture, grey paving), its fine
///   pattern: the new look's pattern inside the cells (paving joints) runs on under the
///   shadow (`acceptPatternedShade`).
struct NewLookTest {
  let old: RegionModel
  let new: RegionModel
  let threshold: Double
  var difference = [Double](repeating: 0, count: RegionModel.cells)
  var darkened = [Bool](repeating: false, count: RegionModel.cells)
  var outlier = [Bool](repeating: false, count: RegionModel.cells)
  var squares = [Double](repeating: 0, count: RegionModel.cells)
  /// The cells dimmed like a shadow that neither texture nor colour could tell (`markShade`).
  var untold = [Bool](repeating: false, count: RegionModel.cells)
  /// The region's fine grid, when both looks have fine pictures (else texture and colour
  /// decide alone), and each cell's fine pixels.
  let grid: FineGrid?
  let cellPixels: [[Int]]

  init(old: RegionModel, new: RegionModel, threshold: Double, grid: FineGrid? = nil) {
    self.old = old
    self.new = new
    self.threshold = threshold
    self.grid = grid.flatMap { new.fineSum.count == $0.count ? $0 : nil }
    cellPixels = self.grid.map { g in (0..<RegionModel.cells).map { g.pixels(ofCell: $0) } } ?? []
  }

  static let side = Signature.thumbnailSide
  /// The least strength (chroma levels) of a shaded cell's expected colour for colour to
  /// tell shade: grey paving in the corpus has 4-5 (a faint tint), a coloured bag 15-40.
  static let colourFloor = 6.0
  /// How far (a fraction of the expected colour's strength) a shaded cell's colour may
  /// miss the new look's dimmed alike: a shadow's edge across a cell, and compression,
  /// miss by up to a quarter on the corpus's holdall; 0.2 refuses those cells, 0.3 and 0.4
  /// accept them (measured 2026-12).
  static let colourSlack = 0.3
  /// The colour difference (chroma levels) a cell may show beyond its colour noise and
  /// still show the new look: the still frames of a settled look differ from its model by
  /// up to 6 (chroma requantised at each keyframe; the model's own frames barely vary), a
  /// hand over paving by 10-23. 6 refuses still frames of the corpus, 8 and 10 do not.
  static let colourMargin = 8.0

  mutating func shows(_ recent: RecentFrames, _ i: Int) -> Bool {
    let n = RegionModel.cells
    guard isAlongChange(recent, i) else { return false }
    let (gain, shaded) = markShadeAndGain(recent, i)
    guard shaded <= n * 3 / 4 else { return false }
    let kept = markOutliers(recent, i, gain: gain)
    guard !hasCluster() else { return false }
    let residual = squares.withUnsafeMutableBufferPointer { meanOfSmallest(UnsafeMutableBufferPointer(rebasing: $0[0..<kept]), dropping: n / 16) }
    return residual <= new.expectedNoise + 4 * threshold * threshold
  }

  /// Whether the frame lies closer to the new look than to the old along the change.
  func isAlongChange(_ recent: RecentFrames, _ i: Int) -> Bool {
    var along = 0.0, energy = 0.0
    for k in 0..<RegionModel.cells {
      let change = Double(new.mean[k] - old.mean[k])
      along += Double(recent.cell(i, k) - old.mean[k]) * change
      energy += change * change
    }
    return energy > 0 && along / energy > 0.5
  }

  /// Marks the cells in shade (`darkened`, `difference`) under the frame's gain, and
  /// returns the gain and how many cells are in shade. A shadow over much of the region
  /// pulls the median ratio down, so the lit cells would look too bright: when some cells
  /// are in shade, the gain is measured again on the cells out of shade.
  mutating func markShadeAndGain(_ recent: RecentFrames, _ i: Int) -> (gain: Double, shaded: Int) {
    for k in 0..<RegionModel.cells { darkened[k] = false }
    var gain = overallGain(recent, i)
    var shaded = markShade(recent, i, gain: gain)
    if shaded > 0 && shaded <= RegionModel.cells * 3 / 4 {
      gain = overallGain(recent, i)
      shaded = markShade(recent, i, gain: gain)
    }
    return (gain, shaded)
  }

  /// Marks the cells out of shade that differ from the new look far beyond their noise, in
  /// gray level or in colour (`outlier`), and puts the squared differences of all cells out
  /// of shade first in `squares`; returns how many those are.
  mutating func markOutliers(_ recent: RecentFrames, _ i: Int, gain: Double) -> Int {
    let inflation = 1 + 1 / Double(max(new.count, 1))
    var kept = 0
    for k in 0..<RegionModel.cells {
      outlier[k] = false
      if darkened[k] { continue }
      let d = difference[k]
      outlier[k] = d * d > 12.25 * new.cellNoise(k) * inflation + 0.25 || colourDiffers(recent, i, k, gain: gain, inflation: inflation)
      squares[kept] = d * d
      kept += 1
    }
    return kept
  }

  /// The frame's gain against the new look: the median ratio of their cells' gray levels,
  /// over the cells not marked as in shade (`darkened`).
  mutating func overallGain(_ recent: RecentFrames, _ i: Int) -> Double {
    var lit = 0
    for k in 0..<RegionModel.cells where !darkened[k] { squares[lit] = recent.gray(i, k) / max(new.gray(k), 1); lit += 1 }
    return squares.withUnsafeMutableBufferPointer { s in
      var part = UnsafeMutableBufferPointer(rebasing: s[0..<lit])
      part.sort()
      return part[lit / 2]
    }
  }

  /// Fills `difference` (gray levels under `gain`, in the new look's standard deviations)
  /// and `darkened` (the cells in shade, see above); returns how many are in shade.
  mutating func markShade(_ recent: RecentFrames, _ i: Int, gain: Double) -> Int {
    var count = 0
    for k in 0..<RegionModel.cells {
      let x = recent.gray(i, k), m = gain * new.gray(k)
      difference[k] = (x - m) / (gain * new.scale)
      let shade = x / max(m, 1), t = gain * new.texture(k), seen = recent.texture(i, k)
      let dimmed = shade < 0.97 && shade > 0.3 && difference[k] * difference[k] > new.expectedNoise
      let keepsTexture = new.cellNoise(k) <= 0.01 && t >= 2 && seen >= 0.5 * shade * t && seen >= 1
      darkened[k] = dimmed && (keepsTexture || keepsColour(recent, i, k))
      untold[k] = dimmed && !darkened[k]
      if darkened[k] { count += 1 }
    }
    return count + acceptPatternedShade(recent, i, gain: gain)
  }

  /// The least correlation (`patternCorrelation`) of the new look's fine pattern in shade,
  /// as a fraction of what the frame's plainly seen cells would reach at that shade (a
  /// shadow dims the pattern, not the grain). On the corpus's floodlit paving the leg
  /// shadow reaches 0.39-0.60 where the lit cells reach 0.61-0.73, and a leg or coat over
  /// the region 0.0-0.2. On the synthetic test street (grain σ 9) the shadow's cells reach
  /// 0.24-0.49 against an expected 0.72-0.78 only where its edge crosses them.
  static let shadePattern = 0.5

  /// Marks as in shade the `untold` cells under which the new look's fine pattern runs on
  /// (paving joints seen through a shadow). Each such cell is pooled with the untold cells
  /// within two cells of it. The pool must correlate with the new look's pattern
  /// (`patternCorrelation`) at least `shadePattern` times as well as the cells out of shade
  /// would at the pool's shade. It must also beat chance: 3/√n for n fine pixels. Returns
  /// how many cells it marked. Taking a few cells of a coat for shade is harmless: the coat's
  /// other cells are still outliers, and three touching ones refuse the frame. Refusing a
  /// shadow's cells is not harmless: they would refuse the frame. So each cell is judged with
  /// its neighbours, not alone.
  mutating func acceptPatternedShade(_ recent: RecentFrames, _ i: Int, gain: Double) -> Int {
    guard grid != nil, untold.contains(true) else { return 0 }
    let n = RegionModel.cells, side = Self.side
    let plain = (0..<n).filter { !darkened[$0] && !untold[$0] }
    guard plain.count >= n / 16 else { return 0 }
    let reference = patternCorrelation(recent, i, plain).r
    guard reference > 0 else { return 0 }
    var accepted: [Int] = []
    for k in 0..<n where untold[k] {
      var pool = [k]
      let x = k % side, y = k / side
      for dy in -2...2 { for dx in -2...2 where dx != 0 || dy != 0 {
        let nx = x + dx, ny = y + dy
        if nx >= 0, ny >= 0, nx < side, ny < side, untold[ny * side + nx] { pool.append(ny * side + nx) }
      } }
      let (r, pixels) = patternCorrelation(recent, i, pool)
      // The shadow dims the pattern, not the grain: what is left of the reference's
      // correlation at the pool's shade.
      let shade = pool.reduce(0.0) { $0 + recent.gray(i, $1) / max(gain * new.gray($1), 1) } / Double(pool.count)
      let expected = shade * reference / (shade * shade * reference * reference + 1 - reference * reference).squareRoot()
      if r >= Self.shadePattern * expected && r >= 3 / Double(max(pixels, 1)).squareRoot() { accepted.append(k) }
    }
    for k in accepted { darkened[k] = true; untold[k] = false }
    return accepted.count
  }

  /// The correlation, over the fine pixels of `cells` pooled, between the frame's pattern and
  /// the new look's: each cell's pixels about that cell's own mean (so a shadow's dimming
  /// and a cell's level do not count, only the pattern inside the cells); and how many
  /// pixels it counted.
  func patternCorrelation(_ recent: RecentFrames, _ i: Int, _ cells: [Int]) -> (r: Double, pixels: Int) {
    FineGrid.patternCorrelation(cells, cellPixels, { recent.fine(i, $0) }, { new.fine($0) })
  }

  /// Whether cell k of a recent frame has the new look's colour dimmed as much as its gray
  /// level: a shadow takes light away, U − 128 and V − 128 with it, and leaves the hue;
  /// clothing brings its own colour. Only where the dimmed colour is strong enough to tell
  /// (grey paving, IR footage and frames without colour planes never qualify).
  func keepsColour(_ recent: RecentFrames, _ i: Int, _ k: Int) -> Bool {
    let ratio = recent.gray(i, k) / max(new.gray(k), 1)
    let c = new.colour(k), seen = recent.colour(i, k)
    let eu = ratio * c.u, ev = ratio * c.v
    let strength = (eu * eu + ev * ev).squareRoot()
    let miss = ((seen.u - eu) * (seen.u - eu) + (seen.v - ev) * (seen.v - ev)).squareRoot()
    return strength >= NewLookTest.colourFloor && miss <= NewLookTest.colourSlack * strength
  }
  /// Whether cell k of a recent frame has another colour than the new look's under the
  /// frame's gain: farther from it than 3.5 times the cell's colour noise and
  /// `colourMargin` (a hand or a sleeve as bright as the paving it is over differs in colour).
  func colourDiffers(_ recent: RecentFrames, _ i: Int, _ k: Int, gain: Double, inflation: Double) -> Bool {
    let c = new.colour(k), seen = recent.colour(i, k)
    let du = seen.u - gain * c.u, dv = seen.v - gain * c.v
    let margin = NewLookTest.colourMargin
    return du * du + dv * dv > 12.25 * new.colourNoise(k) * inflation + margin * margin
  }

  /// Whether three touching cells (one with two neighbours) are outliers.
  func hasCluster() -> Bool {
    let side = Self.side
    for k in 0..<RegionModel.cells where outlier[k] {
      var touching = 0
      let x = k % side, y = k / side
      for dy in -1...1 {
        for dx in -1...1 where dx != 0 || dy != 0 {
          let nx = x + dx, ny = y + dy
          if nx >= 0, ny >= 0, nx < side, ny < side, outlier[ny * side + nx] { touching += 1 }
        }
      }
      if touching >= 2 { return true }
    }
    return false
  }
}
