import FrameScoutCore

/// The decision rule, the same in both modes: the region has a *state* (the signature it
/// settled on). A frame whose signature is more than `threshold` from the state starts a
/// *candidate*; later frames within `threshold` of the candidate's first frame keep it; a
/// frame that matches the state again drops it, a frame that matches neither starts a new
/// candidate. A candidate that lasts `hold` seconds becomes the state: the change happened
/// at the candidate's first frame.
struct StateRule {
  let threshold: Double
  let hold: Double
  var state: Signature
  var stateStart: FramePosition
  var stateContrast: Double
  var candidate: Signature
  var candidateStart: FramePosition?
  var candidateContrast = 0.0
  /// The last position that matched the state (where a dense search must start).
  var lastMatch: FramePosition

  init(first: Signature, at position: FramePosition, contrast: Double, threshold: Double, hold: Double) {
    self.threshold = threshold
    self.hold = hold
    state = first
    candidate = first
    stateStart = position
    stateContrast = contrast
    lastMatch = position
  }

  struct Change {
    var from: FramePosition   // first frame of the old state
    var at: FramePosition     // first frame of the new state
    var lastMatch: FramePosition   // the last sample that still matched the old state
    var distance: Double
    var oldContrast: Double
    var newContrast: Double
  }

  /// Feeds one sample; `contrast` is computed only when asked (it costs a few region statistics).
  mutating func feed(_ sig: Signature, at position: FramePosition, contrast: () -> Double) -> Change? {
    if sig.distance(to: state) <= threshold {
      candidateStart = nil
      lastMatch = position
      return nil
    }
    if let start = candidateStart, sig.distance(to: candidate) <= threshold {
      guard position.timeline - start.timeline >= hold - 1e-9 else { return nil }
      let change = Change(from: stateStart, at: start, lastMatch: lastMatch, distance: candidate.distance(to: state),
                          oldContrast: stateContrast, newContrast: candidateContrast)
      copySignature(candidate, into: &state)
      stateStart = start
      stateContrast = candidateContrast
      candidateStart = nil
      lastMatch = position
      return change
    }
    copySignature(sig, into: &candidate)
    candidateStart = position
    candidateContrast = contrast()
    return nil
  }
}

/// Copies a signature without reallocating the destination's thumbnail.
func copySignature(_ src: Signature, into dst: inout Signature) {
  dst.hash = src.hash
  dst.statistics = src.statistics
  dst.thumbnailContrast = src.thumbnailContrast
  dst.thumbnail.withUnsafeMutableBufferPointer { d in
    src.thumbnail.withUnsafeBufferPointer { s in d.baseAddress!.update(from: s.baseAddress!, count: s.count) }
  }
}

/// The engine core of `watch`, fed one frame at a time (`process`, then `finish`): the
/// region's signature in each frame, judged by the exact `StateRule`; a confirmed change
/// becomes a `RegionChange`. Both decode drivers of `RegionWatcher` (coarse-to-fine and
/// exhaustive) feed it the frames they decode, so both report the same changes.
public struct RegionChangeDetector {
  public let region: Region
  /// Signature distance above which the region differs from its state (after the noise
  /// pre-pass: max(settings, 2.5 × the region's noise)).
  public internal(set) var threshold: Double
  public let hold: Double
  /// The path of each file of the timeline (a change names its file).
  let paths: [String]
  let maker: SignatureMaker
  /// The signature of the last frame signed (reused storage).
  var signature: Signature
  /// The exact rule, from the first frame processed on.
  var rule: StateRule?
  var changes: [RegionChange] = []

  public init(region: Region, threshold: Double, hold: Double, paths: [String]) {
    self.region = region
    self.threshold = threshold
    self.hold = hold
    self.paths = paths
    maker = SignatureMaker(regionWidth: region.bounds.width, regionHeight: region.bounds.height)
    signature = Signature(hash: Hash64(bits: 0), statistics: RegionStatistics(count: 0, sum: 0, sumOfSquares: 0),
                          thumbnail: [Int8](repeating: 0, count: 256), thumbnailContrast: 0)
  }

  /// Computes the region's signature in a frame (full-resolution luma, no copy) into
  /// `signature`; false when the frame does not hold the region.
  mutating func sign(_ luma: GrayView) -> Bool {
    let b = region.bounds
    guard luma.width >= b.x + b.width, luma.height >= b.y + b.height else { return false }
    maker.update(&signature, from: luma.cropped(to: b))
    return true
  }

  /// Feeds one frame to the exact rule: the first frame sets the state; a confirmed change
  /// is recorded. Returns the frame's signature distance to the state it was judged
  /// against (nil for the first frame, or a frame that does not hold the region).
  @discardableResult
  public mutating func process(_ luma: GrayView, at position: FramePosition) -> Double? {
    guard sign(luma) else { return nil }
    let bounds = region.bounds
    guard rule != nil else {
      rule = StateRule(first: signature, at: position, contrast: Self.contrast(of: bounds, in: luma), threshold: threshold, hold: hold)
      return nil
    }
    let distance = signature.distance(to: rule!.state)
    if let change = rule!.feed(signature, at: position, contrast: { Self.contrast(of: bounds, in: luma) }) { record(change) }
    return distance
  }

  /// The changes confirmed so far. A candidate still pending (it did not last `hold`
  /// before the footage ended) is no change.
  public func finish() -> [RegionChange] { changes }

  /// How much the region stands out from the scene around it in a frame (see below).
  func contrast(_ luma: GrayView) -> Double { Self.contrast(of: region.bounds, in: luma) }

  /// How much the region stands out from the scene around it: the mean absolute step in
  /// gray level across the region's border (2-pixel bands inside against 2-pixel bands
  /// outside, along the sides that have an outside). An object in a box drawn around it
  /// breaks the scene at the border (high); the empty scene continues across it (low).
  static func contrast(of b: PixelRect, in luma: GrayView) -> Double {
    var total = 0, count = 0
    func band(_ x: Int, _ y: Int, _ dx: Int, _ dy: Int) -> Int { Int(luma[x, y]) + Int(luma[x + dx, y + dy]) }
    if b.y >= 2 {
      for x in b.x..<(b.x + b.width) { total += abs(band(x, b.y, 0, 1) - band(x, b.y - 1, 0, -1)); count += 1 }
    }
    if b.y + b.height + 2 <= luma.height {
      let y = b.y + b.height
      for x in b.x..<(b.x + b.width) { total += abs(band(x, y - 1, 0, -1) - band(x, y, 0, 1)); count += 1 }
    }
    if b.x >= 2 {
      for y in b.y..<(b.y + b.height) { total += abs(band(b.x, y, 1, 0) - band(b.x - 1, y, -1, 0)); count += 1 }
    }
    if b.x + b.width + 2 <= luma.width {
      let x = b.x + b.width
      for y in b.y..<(b.y + b.height) { total += abs(band(x - 1, y, -1, 0) - band(x, y, 1, 0)); count += 1 }
    }
    return count > 0 ? Double(total) / Double(2 * count) : 0
  }

  mutating func record(_ c: StateRule.Change) {
    // Which state is the empty scene? The one that blends with its surroundings.
    let kind: EventKind
    if c.oldContrast > c.newContrast * 1.5 && c.oldContrast - c.newContrast > 3 { kind = .disappeared }
    else if c.newContrast > c.oldContrast * 1.5 && c.newContrast - c.oldContrast > 3 { kind = .appeared }
    else { kind = .changed }
    // The "before" picture is the last frame that still showed the old state: the frame
    // just before the change, or, when something hid the region meanwhile, the last frame
    // before it was hidden.
    changes.append(RegionChange(kind: kind, after: c.at, before: c.lastMatch, previousStateSince: c.from, score: c.distance,
                                region: region.bounds, contrastBefore: c.oldContrast, contrastAfter: c.newContrast,
                                file: paths[c.at.file]))
  }
}
