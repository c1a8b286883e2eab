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
/// (keyframes, or every N-th frame), merges consecutive hits into ranges, then decodes
/// densely between the last miss and the first hit (and the last hit and the next miss)
/// to place each range's start and end on the exact frame.
public final class ObjectFinder {
  public let settings: FindSettings
  let timeline: Timeline
  let target: GrayImage
  let region: Region?
  public private(set) var analysisWidth = 320
  var searchers: [String: TargetSearch] = [:]
  var result = FindResult()

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

  struct Sample { var frame: Int; var time: Double; var match: TargetMatch? }

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

  /// Sparse samples of one file, then each run of consecutive hits refined at both ends
  /// into one match.
  func search(file: Int) throws {
    let (samples, frameCount) = try sample(file: file)
    var k = 0
    while k < samples.count {
      guard samples[k].match != nil else { k += 1; continue }
      var j = k
      while j + 1 < samples.count && samples[j + 1].match != nil { j += 1 }
      result.matches.append(try match(file: file, samples: samples, run: k...j, frameCount: frameCount))
      k = j + 1
    }
  }

  /// 1. Sparse samples: the best hit of each sampled frame (nil: no hit). Also returns the
  /// frames in the file (the last frame seen + 1, or the packets read if more).
  func sample(file: Int) throws -> (samples: [Sample], frameCount: Int) {
    var samples: [Sample] = []
    let d = try decoder(file, sparse: true)
    var lastFrame = Sample(frame: 0, time: 0, match: nil)
    try d.forEachFrame { frame in
      lastFrame = Sample(frame: frame.index, time: frame.time, match: nil)
      if let n = settings.every, frame.index % n != 0 { return .next }
      guard let gray = frame.gray else { return .next }
      let m = searcher(for: gray, source: frame.luma).bestMatch(in: gray, colour: frame.chroma)
      result.framesSampled += 1
      samples.append(Sample(frame: frame.index, time: frame.time, match: m.map { isHit($0) } == true ? m : nil))
      return .next
    }
    noteDamage(d, file: file)
    return (samples, max(lastFrame.frame + 1, d.packetsRead))
  }

  /// 2. One run of hits `samples[run]`, its start and end refined frame by frame.
  func match(file: Int, samples: [Sample], run: ClosedRange<Int>, frameCount: Int) throws -> Match {
    let (k, j) = (run.lowerBound, run.upperBound)
    let bestIndex = run.max { samples[$0].match!.score < samples[$1].match!.score }!
    var best = (frame: samples[bestIndex].frame, time: samples[bestIndex].time, match: samples[bestIndex].match!)
    let before = k > 0 ? samples[k - 1].frame : -1
    let after = j + 1 < samples.count ? samples[j + 1].frame : frameCount
    let start = try refine(file: file, from: before + 1, to: samples[k].frame, near: samples[k].match!, rising: true, best: &best)
    let end = try refine(file: file, from: samples[j].frame, to: after - 1, near: samples[j].match!, rising: false, best: &best)
    let entry = timeline.entries[file]
    return Match(file: entry.path, start: start, end: end, bestFrame: best.frame, bestTime: best.time, box: best.match.box,
                 score: best.match.score, scale: searcherScale(best.match), timelineStart: entry.offset + start.time,
                 region: region?.bounds)
  }

  /// A match counts when its score reaches `minimumScore` plus half the score's standard
  /// error, 0.5/√(template pixels in the analysis image): a 10×10 template needs 0.05 more
  /// than a 50×50 one needs (0.01), since small templates correlate with chance texture.
  func isHit(_ m: TargetMatch) -> Bool {
    guard let s = searchers.values.first else { return false }
    let t = s.matchers[m.scale]
    return m.score >= settings.minimumScore + 0.5 / Double(t.width * t.height).squareRoot()
  }

  func searcherScale(_ m: TargetMatch) -> Double {
    searchers.values.first.map { $0.scaleFactors[m.scale] } ?? 1
  }

  /// Decodes frames `from…to` and returns the first (rising) or last (falling) frame that
  /// still matches near `near`; updates `best`.
  func refine(file: Int, from: Int, to: Int, near: TargetMatch, rising: Bool,
              best: inout (frame: Int, time: Double, match: TargetMatch)) throws -> TimePoint {
    guard from <= to else { return timePoint(file: file, frame: rising ? to : from) }
    let d = try decoder(file, sparse: false)
    if from > 0 { try d.seek(toKeyframeAtOrBefore: timeline.entries[file].clock.seconds(ofFrame: from)) }
    var edge: TimePoint? = nil
    var lastHit: TimePoint? = nil
    try d.forEachFrame { frame in
      if frame.index < from { return .next }
      if frame.index > to { return .stop }
      guard let gray = frame.gray else { return .next }
      result.framesRefined += 1
      let m = searcher(for: gray, source: frame.luma).match(in: gray, near: near.box, scale: near.scale, colour: frame.chroma)
      let hit = isHit(m)
      if hit && m.score > best.match.score { best = (frame.index, frame.time, m) }
      if rising && hit { edge = TimePoint(frame: frame.index, time: frame.time); return .stop }
      if !rising { if hit { lastHit = TimePoint(frame: frame.index, time: frame.time) } else if lastHit != nil { return .stop } }
      return .next
    }
    if rising { return edge ?? timePoint(file: file, frame: to) }
    return lastHit ?? timePoint(file: file, frame: from)
  }

  /// A frame's time on the file's clock, when the frame itself was not decoded.
  func timePoint(file: Int, frame: Int) -> TimePoint {
    TimePoint(frame: frame, time: timeline.entries[file].clock.seconds(ofFrame: frame))
  }

  func noteDamage(_ d: VideoDecoder, file: Int) {
    let path = timeline.entries[file].path
    for w in d.warnings { result.warnings.append((path, w)) }
    if !d.damage.isEmpty { result.warnings.append((path, "damaged data: \(d.damage.summary)")) }
  }
}
