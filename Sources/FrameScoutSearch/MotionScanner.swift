import FrameScoutCore
import FrameScoutMedia
import Foundation

/// What `MotionScanner.run` found.
public struct ScanResult: Sendable {
  public var events: [MotionEvent] = []
  public var framesDecoded = 0
  public var framesAnalysed = 0
  public var lightingCorrections = 0
  /// Timeline seconds scanned (end of the last frame read minus the start).
  public var duration = 0.0
  public var warnings: [(file: String, message: String)] = []
}

/// Files that cannot be searched as one timeline (the request is at fault, not a file).
public struct TimelineError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Scans a timeline of files for motion events: decodes them on a thread of its own (see
/// `ScanFrameSource`) and feeds every analysed frame, in order, to a `MotionEngine` on the
/// calling thread.
public struct MotionScanner {
  public let settings: ScanSettings
  public let timeline: Timeline
  /// The regions and the analysis size, resolved on the first file.
  public let geometry: ScanGeometry
  let grid: MotionGrid
  /// Called for every analysed frame, on the calling thread (for `--stats`).
  public var onSample: ((MotionSample) -> Void)?

  public init(paths: [String], settings: ScanSettings) throws {
    try self.init(timeline: Timeline(paths: paths, options: settings.open), settings: settings)
  }

  /// A scanner over files already opened for their facts. Throws a `SettingError` for
  /// settings out of range or regions that do not fit the frame, a `TimelineError` for
  /// files of different frame sizes, and a `RegionError` when the regions leave nothing
  /// to scan.
  public init(timeline: Timeline, settings: ScanSettings) throws {
    try settings.validate()
    self.settings = settings
    self.timeline = timeline
    let first = timeline.entries[0]
    for e in timeline.entries.dropFirst() where e.info.width != first.info.width || e.info.height != first.info.height {
      throw TimelineError("files of one timeline must have one frame size: \(first.path) is \(first.info.width)x\(first.info.height), \(e.path) is \(e.info.width)x\(e.info.height)")
    }
    geometry = try ScanGeometry(settings: settings, frameWidth: first.info.width, frameHeight: first.info.height)
    let total = timeline.entries.reduce(0.0) { $0 + ($1.duration ?? 0) }
    if let a = settings.from, total > 0, a >= total {
      throw SettingError("from", "\(briefSeconds(a)) s is past the end of the footage (\(briefSeconds(total)) s)")
    }
    grid = try MotionGrid(geometry: geometry)
  }

  public var entries: [Timeline.Entry] { timeline.entries }

  /// Scans every file. `progress` receives timeline seconds reached (every 64 frames).
  public func run(progress: (Double) -> Void = { _ in }) throws -> ScanResult {
    var engine = MotionEngine(settings: settings, grid: grid, files: timeline.entries.map(\.path), clock: timeline.entries[0].clock)
    let source = ScanFrameSource(settings: settings, timeline: timeline, width: geometry.analysisWidth, height: geometry.analysisHeight)
    var analysed = 0
    // The decoding thread hands reduced frames to this one through a few slots, so the
    // decoder is fed again while a frame is analysed (measured: decoding alone keeps two
    // cores ~75 % busy with frame threads; the analysis fits in the gaps).
    let decoded = try FramePipe<FramePosition>.run(slots: 8, width: source.width, height: source.height,
                                                   produce: { pipe in try source.decode(into: pipe) }) { gray, position in
      let sample = engine.process(gray, at: position)
      onSample?(sample)
      analysed += 1
      if analysed % 64 == 0 { progress(position.timeline) }
    }
    var result = ScanResult()
    result.events = engine.finish()
    result.framesDecoded = decoded.frames
    result.framesAnalysed = engine.tally.framesAnalysed
    result.lightingCorrections = engine.tally.lightingCorrections
    result.warnings = decoded.warnings
    result.duration = max(0, decoded.end - (decoded.start ?? 0))
    return result
  }
}

/// The decoding side of a scan: walks the timeline's files (within `from`/`to`) and sends
/// every frame to analyse, reduced, with its position, into the pipe. A long MP4/MOV file is
/// decoded in keyframe chunks on all cores (`ChunkedDecoder`), anything else in one
/// frame-threaded stream that seeks to `from`.
struct ScanFrameSource: Sendable {
  let settings: ScanSettings
  let timeline: Timeline
  /// The analysis size.
  let width: Int
  let height: Int
  /// Seconds one frame lasts (the first file's clock).
  let frameDuration: Double

  init(settings: ScanSettings, timeline: Timeline, width: Int, height: Int) {
    self.settings = settings
    self.timeline = timeline
    self.width = width
    self.height = height
    frameDuration = timeline.entries[0].clock.frameDuration
  }

  /// What decoding came to: frames decoded, the timeline seconds covered, notes per file.
  struct Tally: Sendable {
    var frames = 0
    var start: Double?
    var end = 0.0
    var warnings: [(file: String, message: String)] = []

    /// A decoded frame at `t` (timeline seconds) lasting `duration`.
    mutating func count(at t: Double, duration: Double) {
      frames += 1
      if start == nil { start = t }
      end = t + duration
    }
  }

  func decode(into pipe: FramePipe<FramePosition>) throws -> Tally {
    var tally = Tally()
    for file in timeline.entries.indices {
      let entry = timeline.entries[file]
      if let to = settings.to, entry.offset > to { break }
      if let from = settings.from, let d = entry.duration, entry.offset + d < from { continue }
      if let plan = try chunkPlan(entry) {
        try decodeChunks(file, plan: plan, into: pipe, &tally)
      } else if try decodeStream(file, into: pipe, &tally) {
        break
      }
    }
    return tally
  }

  /// The chunks for `entry`, or nil to decode it in one stream: when asked (`chunked`), or
  /// automatically when all threads are asked, there are two cores or more, the file lasts
  /// `chunkedMinimumDuration`, and no `from`/`to` limits the scan.
  func chunkPlan(_ entry: Timeline.Entry) throws -> ChunkPlan? {
    let auto = settings.chunked == nil
    if settings.chunked == false { return nil }
    if auto && (settings.threads != 0 || ProcessInfo.processInfo.activeProcessorCount < 2
                || (entry.duration ?? 0) < ScanSettings.chunkedMinimumDuration) { return nil }
    if settings.from != nil || settings.to != nil { return nil }
    guard let plan = try ChunkPlan.make(path: entry.path, info: entry.info, options: settings.open, minimumFrames: settings.chunkFrames)
    else { return nil }
    // Memory per job: a file whose longest GOP would make the chunk buffers too big (one
    // keyframe in an hour) is decoded in one stream, which holds a few frames only.
    let bytes = (chunkDecoders + 1) * plan.largest * width * height
    return bytes <= InputLimits.maxChunkBufferBytes ? plan : nil
  }

  /// Single-threaded decoders of a chunked decode: one a core, at least 2, at most `InputLimits.maxDecoderThreads`.
  var chunkDecoders: Int { min(max(2, ProcessInfo.processInfo.activeProcessorCount), InputLimits.maxDecoderThreads) }

  /// Several single-threaded decoders on keyframe-aligned chunks; frames reach the pipe in order.
  func decodeChunks(_ file: Int, plan: ChunkPlan, into pipe: FramePipe<FramePosition>, _ tally: inout Tally) throws {
    let entry = timeline.entries[file]
    let decoder = ChunkedDecoder(path: entry.path, plan: plan, options: settings.open, width: width, height: height, decoders: chunkDecoders)
    let r = try decoder.run { gray, frame, time in
      let position = FramePosition(file: file, frame: frame, time: time, timeline: entry.offset + time)
      tally.count(at: position.timeline, duration: frameDuration)
      if frame % settings.every == 0 { pipe.send(gray, position) }
    }
    for w in r.warnings where !tally.warnings.contains(where: { $0.file == entry.path && $0.message == w }) {
      tally.warnings.append((entry.path, w))
    }
  }

  /// One frame-threaded decoder over the file, from the keyframe before `from`. Returns
  /// true when `to` was reached (the files after it are not read).
  func decodeStream(_ file: Int, into pipe: FramePipe<FramePosition>, _ tally: inout Tally) throws -> Bool {
    let entry = timeline.entries[file]
    let decoder = try VideoDecoder(path: entry.path, options: DecodeOptions(
      open: settings.open, threads: settings.threads, analysisWidth: width))
    if let from = settings.from, from > entry.offset { try decoder.seek(toKeyframeAtOrBefore: from - entry.offset) }
    var counter = 0
    var stopped = false
    try decoder.forEachFrame { frame in
      let t = entry.offset + frame.time
      if let to = settings.to, t > to + 1e-6 { stopped = true; return .stop }
      if let from = settings.from, t < from - 1e-6 { return .next }
      tally.count(at: t, duration: frameDuration)
      defer { counter += 1 }
      guard counter % settings.every == 0, let gray = frame.gray else { return .next }
      // Files of another size are refused up front (one timeline, one frame size).
      guard gray.width == width && gray.height == height else { return .next }
      pipe.send(gray, FramePosition(file: file, frame: frame.index, time: frame.time, timeline: t))
      return .next
    }
    for w in decoder.warnings { tally.warnings.append((entry.path, w)) }
    if !decoder.damage.isEmpty { tally.warnings.append((entry.path, "damaged data: \(decoder.damage.summary)")) }
    return stopped
  }
}
