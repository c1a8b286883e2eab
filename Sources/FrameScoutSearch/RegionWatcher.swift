import FrameScoutCore
import FrameScoutMedia

/// A position in the searched footage: file, frame number and time in that file, and
/// the time on the timeline of all files.
public struct FramePosition: Hashable, Sendable {
  public var file: Int
  public var frame: Int
  public var time: Double
  public var timeline: Double
}

/// How `RegionWatcher.run` sampled the footage, and what it cost.
public struct WatchSampling: Sendable {
  public var mode: String
  /// The sampling guarantee in plain words.
  public var guarantee = ""
  public var keyframesSampled = 0
  /// Coarse mode: the longest time between two consecutive keyframe samples (seconds).
  public var longestSampleGap = 0.0
  /// The region's noise in the first state (sensor grain and compression: the signature
  /// distance of one frame to the mean of the state's first frames), and the threshold
  /// used (--threshold: how far beyond its own noise a frame must be from the state).
  public var noiseDistance = 0.0
  public var effectiveThreshold = 0.0
  public var framesDecoded = 0
  public var denseRuns = 0
  /// Seconds of footage on the timeline.
  public var duration = 0.0

  public init(mode: String) { self.mode = mode }
}

/// What `RegionWatcher.run` found, and what it cost.
public struct WatchResult: Sendable {
  public var changes: [RegionChange]
  public var sampling: WatchSampling
  public var warnings: [(file: String, message: String)]
}

/// Finds the exact frames where the look of a region changes for good (an object taken
/// away, left behind, or replaced), coarse-to-fine: signatures at sparse keyframes find
/// where the stable state changed, then only that interval is decoded frame by frame.
/// `exhaustive` decodes every frame with the same rule. These are the decode drivers; the
/// frames they decode go to one `RegionChangeDetector`.
public final class RegionWatcher {
  public let settings: WatchSettings
  let timeline: Timeline
  var detector: RegionChangeDetector
  var sampling: WatchSampling
  var warnings: [(file: String, message: String)] = []
  /// Called for every sample the rules see: position, signature distance to the current
  /// state, and whether it was a coarse (keyframe) sample. For `--stats`.
  public var onSample: ((FramePosition, Double, Bool) -> Void)?

  public convenience init(paths: [String], settings: WatchSettings) throws {
    try self.init(timeline: Timeline(paths: paths, options: settings.open), settings: settings)
  }

  /// Watches the files of an opened timeline (all of one frame size).
  public init(timeline: Timeline, settings: WatchSettings) throws {
    self.settings = settings
    self.timeline = timeline
    let paths = timeline.entries.map(\.path)
    let first = timeline.entries[0].info
    let region: Region
    do { region = try settings.region.resolve(frameWidth: first.width, frameHeight: first.height) }
    catch { throw MediaError(file: paths[0], kind: .outOfRange, reason: "\(error)") }
    for e in timeline.entries.dropFirst() where e.info.width != first.width || e.info.height != first.height {
      throw MediaError(file: e.path, kind: .outOfRange, reason: "frame size \(e.info.width)x\(e.info.height) differs from \(first.width)x\(first.height) of \(paths[0]): one camera's files must share a size")
    }
    detector = RegionChangeDetector(region: region, threshold: settings.threshold, hold: settings.hold, paths: paths)
    sampling = WatchSampling(mode: settings.mode)
  }

  public var paths: [String] { timeline.entries.map(\.path) }
  /// The threshold in use (how far beyond the region's own noise a frame must be from the state).
  public var threshold: Double { sampling.effectiveThreshold }
  public var resolvedRegion: Region { detector.region }
  public var entries: [Timeline.Entry] { timeline.entries }

  func position(_ frame: borrowing VideoFrame, file: Int) -> FramePosition {
    FramePosition(file: file, frame: frame.index, time: frame.time, timeline: timeline.entries[file].offset + frame.time)
  }

  /// Feeds one decoded frame to the detector (the exact rule).
  func feed(_ frame: borrowing VideoFrame, file: Int) {
    let pos = position(frame, file: file)
    if let distance = detector.process(frame.luma, chroma: frame.chroma, at: pos) { onSample?(pos, distance, false) }
    if !detector.learned.isEmpty {
      for (p, distance) in detector.learned { onSample?(p, distance, false) }
      detector.learned = []
    }
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

  /// Decodes the searched range frame by frame into the detector, file after file, until
  /// `body` (given each frame's file and timeline time after it is fed) says stop; notes each
  /// file's damage when `noting`. Returns whether `body` stopped it.
  func feedRange(noting: Bool, _ body: (borrowing VideoFrame, Int, Double) -> FrameAction) throws -> Bool {
    let first = settings.from.flatMap { f in timeline.entries.lastIndex { $0.offset <= f } } ?? 0
    var stopped = false
    for file in first..<timeline.entries.count {
      let entry = timeline.entries[file]
      if let to = settings.to, entry.offset > to { break }
      let d = try decoder(file: file, keyframes: false)
      if let from = settings.from, from > entry.offset { try d.seek(toKeyframeAtOrBefore: from - entry.offset) }
      var ended = false
      try d.forEachFrame { frame in
        let t = entry.offset + frame.time
        if pastEnd(t) { ended = true; return .stop }
        guard inRange(t) else { return .next }
        sampling.framesDecoded += 1
        feed(frame, file: file)
        if body(frame, file, t) == .stop { stopped = true; return .stop }
        return .next
      }
      if noting { noteDamage(d, file: file) }
      if stopped || ended { break }
    }
    return stopped
  }

  /// Decodes the first frames of the searched range into the detector until its warm-up has
  /// taught it the first state (the same frames in both modes). Returns the last position
  /// decoded, nil when the footage ended first.
  func warmUp() throws -> FramePosition? {
    var last: FramePosition? = nil
    let warm = try feedRange(noting: false) { frame, file, _ in
      last = position(frame, file: file)
      return detector.isWarm ? .stop : .next
    }
    return warm ? last : nil
  }

  /// Runs the search over every file. `progress` receives timeline seconds reached.
  public func run(progress: (Double) -> Void = { _ in }) throws -> WatchResult {
    sampling.effectiveThreshold = settings.threshold
    if settings.exhaustive { try runExhaustive(progress) } else { try runCoarse(progress) }
    sampling.noiseDistance = detector.firstStateNoise
    for e in timeline.entries { sampling.duration = max(sampling.duration, e.offset + (e.duration ?? 0)) }
    sampling.guarantee = guarantee
    return WatchResult(changes: detector.finish(), sampling: sampling, warnings: warnings)
  }

  /// What the run's sampling guarantees, in plain words.
  var guarantee: String {
    settings.exhaustive
      ? "every frame decoded: every change whose new state lasts at least the hold time (\(briefSeconds(settings.hold)) s) is reported"
      : "keyframes sampled at least \(briefSeconds(settings.effectiveStep)) s apart (the longest gap between samples was \(briefSeconds(sampling.longestSampleGap)) s), then the changed interval decoded frame by frame: a change whose new state lasts less than that gap plus the hold time (\(briefSeconds(sampling.longestSampleGap + settings.hold)) s) may be missed; longer ones are reported exactly as the exhaustive mode reports them"
  }

  func runExhaustive(_ progress: (Double) -> Void) throws {
    _ = try feedRange(noting: true) { frame, _, t in
      if frame.index % 250 == 0 { progress(t) }
      return .next
    }
  }

  /// Where the coarse pass stands: its own rule over the sampled keyframes, and where to
  /// sample next.
  struct CoarsePass {
    var rule: StateRule? = nil
    /// Sample keyframes after this position only (where the last dense run ended).
    var resume: FramePosition? = nil
    var lastSample: Double? = nil
  }

  /// Coarse-to-fine. A second rule sees only the sampled keyframes; when it confirms a
  /// change, the exact rule (the one `--exhaustive` runs) replays every frame from the
  /// last keyframe that still matched the old state, until it is settled past the change.
  func runCoarse(_ progress: (Double) -> Void) throws {
    guard let warm = try warmUp() else { return }
    var pass = CoarsePass(rule: detector.rule, resume: warm, lastSample: warm.timeline)
    var file = warm.file
    files: while file < timeline.entries.count {
      if let to = settings.to, timeline.entries[file].offset > to { break }
      let kd = try decoder(file: file, keyframes: true)
      while let (from, until) = try sampleKeyframes(kd, file: file, pass: &pass, progress) {
        let end = try refine(from: from, until: until)
        sampling.denseRuns += 1
        pass.rule = detector.rule      // both rules go on from the exact rule's state
        pass.resume = end
        pass.lastSample = end.timeline
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
    if let c = pass.rule, c.candidateStart != nil {
      _ = try refine(from: c.lastMatch, until: FramePosition(file: timeline.entries.count, frame: 0, time: 0, timeline: .infinity))
      sampling.denseRuns += 1
    }
  }

  /// Samples the keyframes of `file` from where the pass stands with the coarse rule.
  /// Returns the interval to decode frame by frame when the rule confirms a change: from
  /// the last sample that matched the old state to the confirming sample; nil when the
  /// file (or the searched range) ends first.
  func sampleKeyframes(_ kd: VideoDecoder, file: Int, pass: inout CoarsePass,
                       _ progress: (Double) -> Void) throws -> (from: FramePosition, until: FramePosition)? {
    let entry = timeline.entries[file]
    var start = settings.from.map { $0 - entry.offset } ?? 0
    if let r = pass.resume, r.file == file { start = max(start, r.time) }
    if start > 0 { try kd.seek(toKeyframeAtOrBefore: start) }
    var dense: (from: FramePosition, until: FramePosition)? = nil
    try kd.forEachFrame { frame in
      let t = entry.offset + frame.time
      if pastEnd(t) { return .stop }
      guard inRange(t) else { return .next }
      if let r = pass.resume, r.file == file, frame.time <= r.time + 1e-6 { return .next }
      sampling.keyframesSampled += 1
      if let last = pass.lastSample { sampling.longestSampleGap = max(sampling.longestSampleGap, t - last) }
      pass.lastSample = t
      guard detector.sign(frame.luma) else { return .next }
      let pos = position(frame, file: file)
      progress(t)
      let thumbnail = detector.signature.thumbnail
      onSample?(pos, pass.rule!.state.distance(thumbnail), true)
      if let change = pass.rule!.feed(detector.look, detail: detector.detail, at: pos, decides: false, contrast: { 0 }) {
        dense = (change.lastMatch, pos)
        return .stop
      }
      return .next
    }
    return dense
  }

  /// Replays every frame from `from` (a position that matched the state) with the exact
  /// rule until past `until` (where the coarse rule confirmed) with no candidate pending.
  /// Returns the last position decoded.
  func refine(from: FramePosition, until: FramePosition) throws -> FramePosition {
    guard var exact = detector.rule else { return until }
    // The exact rule restarts at `from`, which matched its state: no candidate.
    exact.candidateStart = nil
    detector.rule = exact
    detector.recent.removeAll()
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
        sampling.framesDecoded += 1
        feed(frame, file: file)
        last = FramePosition(file: file, frame: frame.index, time: frame.time, timeline: t)
        if t >= until.timeline - 1e-6 && detector.rule!.candidateStart == nil { done = true; return .stop }
        return .next
      }
      if !done { file += 1 }
    }
    return last
  }

  func noteDamage(_ d: VideoDecoder, file: Int) {
    let path = timeline.entries[file].path
    for w in d.warnings where !warnings.contains(where: { $0.file == path && $0.message == w }) {
      warnings.append((path, w))
    }
    if !d.damage.isEmpty { warnings.append((path, "damaged data: \(d.damage.summary)")) }
  }
}

