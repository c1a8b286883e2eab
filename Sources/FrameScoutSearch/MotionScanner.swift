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
  /// What idle skipping did, one entry a file scanned (empty with `decodeAll`).
  public var skipping: [FileSkipping] = []
  /// Frames left undecoded as idle footage (every file).
  public var framesSkipped: Int { skipping.reduce(0) { $0 + $1.framesSkipped } }
}

/// What idle skipping did on one file: the GOPs it had and skipped, or why it skipped none.
public struct FileSkipping: Sendable, Hashable {
  public var file: String
  public var gops = 0
  public var gopsSkipped = 0
  public var framesSkipped = 0
  /// Why the file was decoded whole ("constant bitrate", "busy", "no idle GOP", "not an
  /// MP4/MOV with a keyframe on frame 0", "--from/--to", "--stats"), nil when it was judged GOP by GOP.
  public var fallback: String?
  public init(file: String) { self.file = file }
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
  /// Why this run decodes every frame although `settings.decodeAll` is off (`--stats`
  /// wants every frame's score); nil: idle footage may be skipped.
  public var decodesAllBecause: String?

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
    let source = ScanFrameSource(settings: settings, timeline: timeline, width: geometry.analysisWidth, height: geometry.analysisHeight,
                                 decodesAllBecause: decodesAllBecause)
    let gate = source.gate
    var analysed = 0
    // The decoding thread hands reduced frames to this one through a few slots, so the
    // decoder is fed again while a frame is analysed (measured: decoding alone keeps two
    // cores ~75 % busy with frame threads; the analysis fits in the gaps).
    let decoded = try FramePipe<FramePosition>.run(slots: 8, width: source.width, height: source.height,
                                                   produce: { pipe in try source.decode(into: pipe) }) { gray, position in
      if gate.receive() { engine.resume() }
      let sample = engine.process(gray, at: position)
      gate.processed(idle: engine.isIdle)
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
    result.skipping = decoded.skipping
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
  /// Where the decoding threads learn whether the engine is idle (see `IdleSkipGate`).
  let gate = IdleSkipGate()
  let decodesAllBecause: String?

  init(settings: ScanSettings, timeline: Timeline, width: Int, height: Int, decodesAllBecause: String? = nil) {
    self.decodesAllBecause = decodesAllBecause
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
    var skipping: [FileSkipping] = []

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
      var skipping = FileSkipping(file: entry.path)
      defer { if !settings.decodeAll { tally.skipping.append(skipping) } }
      var table: FrameTable?
      if let reason = skippingRefused {
        skipping.fallback = reason
      } else if let gops = try ChunkPlan.gops(path: entry.path, info: entry.info, options: settings.open) {
        table = gops.table
        let packets = gops.table.packets
        let gopOfFrame = IdleSkipPlan.gopIndex(gops.chunks)
        let activity = PacketActivity(packets: packets.map { PacketActivity.Packet(pts: $0.pts, size: $0.size, isKey: $0.isKey) },
                                      gopOf: packets.map { p in gops.table.number(ofPts: p.pts).flatMap { $0 < gopOfFrame.count ? gopOfFrame[$0] : nil } },
                                      gops: gops.chunks.count)
        let skipPlan = IdleSkipPlan(activity: activity, gops: gops.chunks, frameDuration: entry.clock.frameDuration)
        skipping.gops = gops.chunks.count
        skipping.fallback = skipPlan.fallback
        if skipping.fallback == nil && (chunkDecoders + 1) * gops.largest * width * height > InputLimits.maxChunkBufferBytes {
          skipping.fallback = "GOPs too long for the chunk buffers"     // memory per job, as in chunkPlan
        }
        if skipping.fallback == nil {
          try decodeSkipping(file, plan: gops, mustDecode: skipPlan.decode, into: pipe, &tally, &skipping)
          continue
        }
      } else {
        skipping.fallback = "not an MP4/MOV with a keyframe on frame 0"
      }
      if let plan = try chunkPlan(entry, table: table) {
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
  func chunkPlan(_ entry: Timeline.Entry, table: FrameTable? = nil) throws -> ChunkPlan? {
    let auto = settings.chunked == nil
    if settings.chunked == false { return nil }
    if auto && (settings.threads != 0 || ProcessInfo.processInfo.activeProcessorCount < 2
                || (entry.duration ?? 0) < ScanSettings.chunkedMinimumDuration) { return nil }
    if settings.from != nil || settings.to != nil { return nil }
    let made: ChunkPlan?
    if let table { made = ChunkPlan.make(table: table, minimumFrames: settings.chunkFrames) }
    else { made = try ChunkPlan.make(path: entry.path, info: entry.info, options: settings.open, minimumFrames: settings.chunkFrames) }
    guard let plan = made else { return nil }
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
      if frame % settings.every == 0 { send(gray, position, into: pipe) }
    }
    for w in r.warnings where !tally.warnings.contains(where: { $0.file == entry.path && $0.message == w }) {
      tally.warnings.append((entry.path, w))
    }
  }

  /// Why no file of this scan skips idle footage, nil when they may.
  var skippingRefused: String? {
    if settings.decodeAll { return "decode_all" }
    if let decodesAllBecause { return decodesAllBecause }
    if settings.from != nil || settings.to != nil { return "--from/--to" }
    return nil
  }

  func send(_ gray: GrayView, _ position: FramePosition, into pipe: FramePipe<FramePosition>, resume: Bool = false) {
    gate.willSend(resume: resume)
    pipe.send(gray, position)
  }

  /// The file's GOPs as chunks on all cores, each GOP not in `mustDecode` skipped when the
  /// engine is idle as the scan reaches it (`IdleSkipGate`). Skipped frames are counted as
  /// covered (the scanned seconds stay those of a full decode), not as decoded.
  func decodeSkipping(_ file: Int, plan: ChunkPlan, mustDecode: [Bool], into pipe: FramePipe<FramePosition>,
                      _ tally: inout Tally, _ skipping: inout FileSkipping) throws {
    let entry = timeline.entries[file]
    let decoders = settings.chunked == false ? 1 : min(settings.threads == 0 ? chunkDecoders : settings.threads, InputLimits.maxDecoderThreads)
    let decoder = ChunkedDecoder(path: entry.path, plan: plan, options: settings.open, width: width, height: height, decoders: decoders)
    gate.begin(mustDecode: mustDecode)
    var resume = false
    let gate = self.gate
    let r = try decoder.run(skip: { gate.shouldSkip($0) }, passed: { c, skipped in
      gate.passed(c)
      guard c < plan.chunks.count, skipped else { return }
      let range = plan.chunks[c]
      skipping.gopsSkipped += 1
      skipping.framesSkipped += range.count
      tally.end = entry.offset + plan.table.time(ofFrame: range.upperBound - 1) + frameDuration
      resume = true
    }) { gray, frame, time in
      let position = FramePosition(file: file, frame: frame, time: time, timeline: entry.offset + time)
      tally.count(at: position.timeline, duration: frameDuration)
      if frame % settings.every == 0 {
        send(gray, position, into: pipe, resume: resume)
        resume = false
      }
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
      send(gray, FramePosition(file: file, frame: frame.index, time: frame.time, timeline: t), into: pipe)
      return .next
    }
    for w in decoder.warnings { tally.warnings.append((entry.path, w)) }
    if !decoder.damage.isEmpty { tally.warnings.append((entry.path, "damaged data: \(decoder.damage.summary)")) }
    return stopped
  }
}


/// Where a skipping scan's decoding threads and its analysis meet. A decoding thread about
/// to decode a GOP that the packets call idle (`IdleSkipPlan`) waits until the analysis has
/// read every frame before it, then skips the GOP only if the engine is idle there: no
/// run, no event waiting to merge or held open by a still presence. Feeding an idle engine
/// idle frames changes only its noise and idle averages, so an event's frames are those a
/// full decode finds (the tests hold this on every clip). The first frame after a skip is
/// marked, and the engine does not difference it with the frame before the skip.
final class IdleSkipGate: @unchecked Sendable {
  // Unchecked Sendable: every field is read and written under `condition`.
  private let condition = NSCondition()
  private var mustDecode: [Bool] = []
  /// Chunks of the current file lent in full (chunk c passed: c + 1).
  private var passedChunks = 0
  private var stopped = false
  private var sent = 0, received = 0, done = 0
  private var idle = true
  private var resumes: Set<Int> = []

  /// A new file of `mustDecode.count` chunks.
  func begin(mustDecode: [Bool]) {
    condition.lock()
    self.mustDecode = mustDecode
    passedChunks = 0
    stopped = false
    condition.unlock()
  }

  /// For a decoding thread: skip chunk `c`? Waits for the analysis when it may.
  func shouldSkip(_ c: Int) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard c < mustDecode.count, !mustDecode[c] else { return false }
    while !stopped && !(passedChunks >= c && done == sent) { condition.wait() }
    return !stopped && idle
  }

  /// For the reader: chunk `c` was lent in full (`c` = the chunk count: reading stopped).
  func passed(_ c: Int) {
    condition.lock()
    if c >= mustDecode.count { stopped = true } else { passedChunks = c + 1 }
    condition.broadcast()
    condition.unlock()
  }

  /// For the reader: a frame goes into the pipe (`resume`: the first after a skip).
  func willSend(resume: Bool) {
    condition.lock()
    if resume { resumes.insert(sent) }
    sent += 1
    condition.unlock()
  }

  /// For the analysis: the next frame is taken; true when it follows a skip.
  func receive() -> Bool {
    condition.lock()
    defer { condition.unlock() }
    received += 1
    return resumes.isEmpty ? false : resumes.remove(received - 1) != nil
  }

  /// For the analysis: the frame taken last is analysed, and the engine is `idle` after it.
  func processed(idle: Bool) {
    condition.lock()
    done += 1
    self.idle = idle
    condition.broadcast()
    condition.unlock()
  }
}
