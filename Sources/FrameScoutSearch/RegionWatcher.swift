import FrameScoutCore
import FrameScoutMedia

/// Settings of `framescout watch`: one table feeding `--help` and the JSON `parameters`.
public struct WatchSettings: Sendable {
  /// The watched region, in source pixels (rectangle or polygon; its bounding box is used).
  public var region: RegionSpec
  /// Seconds a new state must last to count (a passer-by, or someone who stops in front
  /// of the region for a few seconds, is no event). 0.2…600, default 5.
  public var hold: Double = 5
  /// Signature distance (0…1) above which the region differs from its state. Default 0.2:
  /// noise, compression and lighting stay under ~0.1 on the test clips, an object added
  /// or removed scores 0.3–1.
  public var threshold: Double = 0.2
  /// Coarse mode: seconds between sampled keyframes (nil: `hold`, so a state that lasts
  /// `hold` is seen at least once). Keyframes closer than this are skipped unread.
  public var step: Double?
  /// Decode every frame instead of coarse-to-fine (same decision rule, same events).
  public var exhaustive = false
  /// Part of the timeline to search, seconds from the start of the first file.
  public var from: Double?
  public var to: Double?
  /// Decoder threads (0: all cores).
  public var threads = 0
  public var open = OpenOptions()

  public init(region: RegionSpec) { self.region = region }

  public var effectiveStep: Double { step ?? hold }
}

/// A position in the searched footage: file, frame number and time in that file, and
/// the time on the timeline of all files.
public struct FramePosition: Hashable, Sendable {
  public var file: Int
  public var frame: Int
  public var time: Double
  public var timeline: Double
}

/// What `RegionWatcher.run` found, and what it cost.
public struct WatchResult: Sendable {
  public var events: [Event]
  /// For each event, the last frame that showed the old state.
  public var before: [FramePosition]
  public var after: [FramePosition]
  public var framesDecoded = 0
  /// Median signature distance of the first frames to the very first one (the region's
  /// noise: sensor grain and compression, as the rule will see it), and the threshold
  /// used: max(--threshold, 2.5 × that noise).
  public var noiseDistance = 0.0
  public var effectiveThreshold = 0.0
  public var keyframesSampled = 0
  /// Coarse mode: the longest time between two consecutive keyframe samples (seconds).
  public var longestSampleGap = 0.0
  public var denseRuns = 0
  public var duration = 0.0
  public var warnings: [(file: String, message: String)] = []
  public var mode: String
  /// The sampling guarantee in plain words.
  public var guarantee: String
}

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

/// Finds the exact frames where the look of a region changes for good (an object taken
/// away, left behind, or replaced), coarse-to-fine: signatures at sparse keyframes find
/// where the stable state changed, then only that interval is decoded frame by frame.
/// `exhaustive` decodes every frame with the same rule.
public final class RegionWatcher {
  public let settings: WatchSettings
  let timeline: Timeline
  let region: Region
  let maker: SignatureMaker
  var signature: Signature
  var result: WatchResult
  var rule: StateRule?
  /// Called for every sample the rules see: position, signature distance to the current
  /// state, and whether it was a coarse (keyframe) sample. For `--stats`.
  public var onSample: ((FramePosition, Double, Bool) -> Void)?

  public init(paths: [String], settings: WatchSettings) throws {
    self.settings = settings
    timeline = try Timeline(paths: paths, options: settings.open)
    let first = timeline.entries[0].info
    do { region = try settings.region.resolve(frameWidth: first.width, frameHeight: first.height) }
    catch { throw MediaError(file: paths[0], kind: .outOfRange, reason: "\(error)") }
    for e in timeline.entries.dropFirst() where e.info.width != first.width || e.info.height != first.height {
      throw MediaError(file: e.path, kind: .outOfRange, reason: "frame size \(e.info.width)x\(e.info.height) differs from \(first.width)x\(first.height) of \(paths[0]): one camera's files must share a size")
    }
    let b = region.bounds
    maker = SignatureMaker(regionWidth: b.width, regionHeight: b.height)
    signature = Signature(hash: Hash64(bits: 0), statistics: RegionStatistics(count: 0, sum: 0, sumOfSquares: 0),
                          thumbnail: [Int8](repeating: 0, count: 256), thumbnailContrast: 0)
    result = WatchResult(events: [], before: [], after: [], mode: settings.exhaustive ? "exhaustive" : "coarse", guarantee: "")
  }

  public var paths: [String] { timeline.entries.map(\.path) }
  /// The threshold in use (after the noise pre-pass of `run`).
  public var threshold: Double { result.effectiveThreshold }
  public var resolvedRegion: Region { region }
  public var entries: [Timeline.Entry] { timeline.entries }

  /// How much the region stands out from the scene around it: the mean absolute step in
  /// gray level across the region's border (2-pixel bands inside against 2-pixel bands
  /// outside, along the sides that have an outside). An object in a box drawn around it
  /// breaks the scene at the border (high); the empty scene continues across it (low).
  func contrastToSurroundings(_ luma: GrayView) -> Double {
    let b = region.bounds
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

  /// Signature of the region in a frame (full-resolution luma, no copy).
  func sample(_ frame: borrowing VideoFrame, file: Int) -> (FramePosition, GrayView)? {
    let luma = frame.luma
    guard luma.width >= region.bounds.x + region.bounds.width, luma.height >= region.bounds.y + region.bounds.height else { return nil }
    maker.update(&signature, from: luma.cropped(to: region.bounds))
    let pos = FramePosition(file: file, frame: frame.index, time: frame.time, timeline: timeline.entries[file].offset + frame.time)
    return (pos, luma)
  }

  /// Feeds one decoded frame to the rule; records an event on a confirmed change.
  func feed(_ frame: borrowing VideoFrame, file: Int) {
    guard let (pos, luma) = sample(frame, file: file) else { return }
    if rule == nil {
      rule = StateRule(first: signature, at: pos, contrast: contrastToSurroundings(luma), threshold: result.effectiveThreshold, hold: settings.hold)
      return
    }
    onSample?(pos, signature.distance(to: rule!.state), false)
    if let change = rule!.feed(signature, at: pos, contrast: { contrastToSurroundings(luma) }) { record(change) }
  }

  func record(_ c: StateRule.Change) {
    // Which state is the empty scene? The one that blends with its surroundings.
    let kind: EventKind
    if c.oldContrast > c.newContrast * 1.5 && c.oldContrast - c.newContrast > 3 { kind = .disappeared }
    else if c.newContrast > c.oldContrast * 1.5 && c.newContrast - c.oldContrast > 3 { kind = .appeared }
    else { kind = .changed }
    let entry = timeline.entries[c.at.file]
    let at = TimePoint(frame: c.at.frame, time: c.at.time)
    result.events.append(Event(
      file: entry.path, kind: kind, start: at, end: at, score: c.distance, region: region.bounds,
      details: [("timeline_time", .number(c.at.timeline)), ("previous_state_since", .integer(c.from.frame)),
                ("previous_state_last_seen", .integer(c.lastMatch.frame)),
                ("previous_state_last_seen_time", .number(c.lastMatch.time)),
                ("contrast_before", .number(c.oldContrast)), ("contrast_after", .number(c.newContrast))]))
    // The "before" picture is the last frame that still showed the old state: the frame
    // just before the change, or, when something hid the region meanwhile, the last frame
    // before it was hidden.
    result.before.append(c.lastMatch)
    result.after.append(c.at)
  }

  func inRange(_ timelineTime: Double) -> Bool {
    if let from = settings.from, timelineTime < from - 1e-6 { return false }
    return true
  }

  func pastEnd(_ timelineTime: Double) -> Bool {
    if let to = settings.to, timelineTime > to + 1e-6 { return true }
    return false
  }

  func decoder(file: Int, keyframes: Bool) throws -> VideoDecoder {
    try VideoDecoder(path: timeline.entries[file].path, options: DecodeOptions(
      open: settings.open, threads: settings.threads, keyframesOnly: keyframes, analysisWidth: nil,
      keyframeSpacing: keyframes ? settings.effectiveStep : nil))
  }

  /// Frames decoded at the start to measure the region's noise (same in both modes).
  static let noiseFrames = 50

  /// Measures how much the region's signature moves from frame to frame on its own
  /// (sensor noise, compression) over the first frames of the searched range, so a grainy
  /// night clip gets a threshold above its noise. Both modes run this same pre-pass.
  func measureNoise() throws -> Double {
    let file = settings.from.flatMap { f in timeline.entries.lastIndex { $0.offset <= f } } ?? 0
    let entry = timeline.entries[file]
    let d = try decoder(file: file, keyframes: false)
    let start = (settings.from ?? 0) - entry.offset
    if start > 0 { try d.seek(toKeyframeAtOrBefore: start) }
    var first: Signature? = nil
    var distances: [Double] = []
    try d.forEachFrame { frame in
      if frame.time < start - 1e-6 { return .next }
      guard sample(frame, file: file) != nil else { return .next }
      if let f = first { distances.append(signature.distance(to: f)) } else { first = signature }
      return distances.count >= Self.noiseFrames - 1 ? .stop : .next
    }
    distances.sort()
    return distances.isEmpty ? 0 : distances[distances.count / 2]
  }

  /// Runs the search over every file. `progress` receives timeline seconds reached.
  public func run(progress: (Double) -> Void = { _ in }) throws -> WatchResult {
    result.noiseDistance = try measureNoise()
    result.effectiveThreshold = max(settings.threshold, 2.5 * result.noiseDistance)
    if settings.exhaustive { try runExhaustive(progress) } else { try runCoarse(progress) }
    for e in timeline.entries { result.duration = max(result.duration, e.offset + (e.duration ?? 0)) }
    result.guarantee = settings.exhaustive
      ? "every frame decoded: every change whose new state lasts at least --hold (\(format(settings.hold)) s) is reported"
      : "keyframes sampled at least \(format(settings.effectiveStep)) s apart (the longest gap between samples was \(format(result.longestSampleGap)) s), then the changed interval decoded frame by frame: a change whose new state lasts less than that gap plus --hold (\(format(result.longestSampleGap + settings.hold)) s) may be missed; longer ones are reported exactly as --exhaustive reports them"
    return result
  }

  func runExhaustive(_ progress: (Double) -> Void) throws {
    for file in timeline.entries.indices {
      let entry = timeline.entries[file]
      if let to = settings.to, entry.offset > to { break }
      let d = try decoder(file: file, keyframes: false)
      if let from = settings.from, from > entry.offset { try d.seek(toKeyframeAtOrBefore: from - entry.offset) }
      try d.forEachFrame { frame in
        let t = entry.offset + frame.time
        if pastEnd(t) { return .stop }
        guard inRange(t) else { return .next }
        result.framesDecoded += 1
        feed(frame, file: file)
        if frame.index % 250 == 0 { progress(t) }
        return .next
      }
      noteDamage(d, file: file)
    }
  }

  /// Coarse-to-fine. A second rule sees only the sampled keyframes; when it confirms a
  /// change, the exact rule (the one `--exhaustive` runs) replays every frame from the
  /// last keyframe that still matched the old state, until it is settled past the change.
  func runCoarse(_ progress: (Double) -> Void) throws {
    var coarse: StateRule? = nil
    var resume: FramePosition? = nil    // sample keyframes after this position only
    var lastSample: Double? = nil
    var file = 0
    files: while file < timeline.entries.count {
      let entry = timeline.entries[file]
      if let to = settings.to, entry.offset > to { break }
      let kd = try decoder(file: file, keyframes: true)
      while true {
        var start = settings.from.map { $0 - entry.offset } ?? 0
        if let r = resume, r.file == file { start = max(start, r.time) }
        if start > 0 { try kd.seek(toKeyframeAtOrBefore: start) }
        var dense: (from: FramePosition, until: FramePosition)? = nil
        try kd.forEachFrame { frame in
          let t = entry.offset + frame.time
          if pastEnd(t) { return .stop }
          guard inRange(t) else { return .next }
          if let r = resume, r.file == file, frame.time <= r.time + 1e-6 { return .next }
          result.keyframesSampled += 1
          if let last = lastSample { result.longestSampleGap = max(result.longestSampleGap, t - last) }
          lastSample = t
          guard let (pos, luma) = sample(frame, file: file) else { return .next }
          progress(t)
          guard coarse != nil else {
            coarse = StateRule(first: signature, at: pos, contrast: contrastToSurroundings(luma),
                               threshold: result.effectiveThreshold, hold: settings.hold)
            rule = coarse    // the exact rule starts from the same first frame as --exhaustive
            return .next
          }
          onSample?(pos, signature.distance(to: coarse!.state), true)
          if let change = coarse!.feed(signature, at: pos, contrast: { 0 }) {
            dense = (change.lastMatch, pos)
            return .stop
          }
          return .next
        }
        guard let (from, until) = dense else { break }
        let end = try refine(from: from, until: until)
        result.denseRuns += 1
        coarse = rule      // both rules go on from the exact rule's state
        resume = end
        lastSample = end.timeline
        if end.file != file {
          noteDamage(kd, file: file)
          file = end.file
          continue files
        }
      }
      noteDamage(kd, file: file)
      file += 1
    }
    // The footage ended with a candidate the samples could not confirm: settle it frame by frame.
    if let c = coarse, c.candidateStart != nil {
      _ = try refine(from: c.lastMatch, until: FramePosition(file: timeline.entries.count, frame: 0, time: 0, timeline: .infinity))
      result.denseRuns += 1
    }
  }

  /// Replays every frame from `from` (a position that matched the state) with the exact
  /// rule until past `until` (where the coarse rule confirmed) with no candidate pending.
  /// Returns the last position decoded.
  func refine(from: FramePosition, until: FramePosition) throws -> FramePosition {
    guard var exact = rule else { return until }
    // The exact rule restarts at `from`, which matched its state: no candidate.
    exact.candidateStart = nil
    rule = exact
    var last = from
    var file = from.file
    var done = false
    while !done && file < timeline.entries.count {
      let entry = timeline.entries[file]
      let d = try decoder(file: file, keyframes: false)
      if file == from.file { try d.seek(toKeyframeAtOrBefore: from.time) }
      try d.forEachFrame { frame in
        let t = entry.offset + frame.time
        if pastEnd(t) { done = true; return .stop }
        if file == from.file && frame.time < from.time - 1e-6 { return .next }
        result.framesDecoded += 1
        feed(frame, file: file)
        last = FramePosition(file: file, frame: frame.index, time: frame.time, timeline: t)
        if t >= until.timeline - 1e-6 && rule!.candidateStart == nil { done = true; return .stop }
        return .next
      }
      if !done { file += 1 }
    }
    return last
  }

  func noteDamage(_ d: VideoDecoder, file: Int) {
    let path = timeline.entries[file].path
    for w in d.warnings where !result.warnings.contains(where: { $0.file == path && $0.message == w }) {
      result.warnings.append((path, w))
    }
    if !d.damage.isEmpty { result.warnings.append((path, "damaged data: \(d.damage.summary)")) }
  }
}

func format(_ v: Double) -> String {
  v == v.rounded() ? String(Int(v)) : String((v * 100).rounded() / 100)
}
