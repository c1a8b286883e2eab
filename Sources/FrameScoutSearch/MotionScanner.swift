import FrameScoutCore
import FrameScoutMedia
import Foundation

/// Settings of `framescout scan`: one table feeding `--help` and the JSON `parameters`.
public struct ScanSettings: Sendable {
  /// Regions to watch for motion (their union); empty: the whole frame.
  public var regions: [RegionSpec] = []
  /// Regions to ignore (an on-screen clock, a swaying tree).
  public var excludes: [RegionSpec] = []
  /// Motion score (0…1, the changed fraction of the busiest grid cell) at or above which a
  /// frame shows motion. nil: automatic (`defaultThreshold`).
  public var threshold: Double?
  /// Seconds of motion (gaps under `bridge` included) before it counts as an event.
  public var minEvent: Double = 1
  /// Events closer than this (seconds) are merged into one.
  public var mergeGap: Double = 2
  /// Padding before and after each event for clips and the `padded` range (seconds).
  public var pre: Double = 1.5
  public var post: Double = 2
  /// Analysis width in pixels (the frame is reduced to this width, aspect kept).
  public var width = 320
  /// Analyse every Nth frame (frames in between are decoded, not analysed).
  public var every = 1
  /// Part of the timeline to scan, seconds from the start of the first file.
  public var from: Double?
  public var to: Double?
  /// Decoder threads (0: all cores).
  public var threads = 0
  public var open = OpenOptions()
  /// Decode one long file as keyframe-aligned chunks on all cores (one single-threaded
  /// decoder per core) instead of one frame-threaded decoder. nil: automatic (all threads
  /// asked, no --from/--to, at least `chunkedMinimumDuration` seconds, an MP4/MKV-style
  /// frame table with a keyframe on frame 0). Same frames, same order, same events.
  public var chunked: Bool?
  /// Smallest chunk, in frames (a chunk runs from a keyframe to the first keyframe at
  /// least this many frames later).
  public var chunkFrames = 125
  public static let chunkedMinimumDuration = 60.0

  public init() {}

  /// Motion threshold used when none is given. Noise stays under ~0.02 on the test clips
  /// (night footage included, thanks to the noise-adaptive pixel threshold); a person
  /// walking scores 0.15–0.6 in the cells they cross.
  public static let defaultThreshold = 0.06
  /// Gaps in the motion shorter than this (seconds) do not end it (a person standing
  /// still for a moment between steps).
  public static let bridge = 0.4
  /// Longest time (seconds) a still presence holds an event open after its last motion
  /// (a car that parks is an event; the driver getting out ten minutes later is another).
  public static let stillLimit = 60.0
  /// Seconds between the frames that are differenced: motion is measured over 80 ms
  /// (2 frames at 25 fps), which doubles a slow walker's signal over the frame-to-frame one.
  public static let lag = 0.08
  /// Pixel change threshold = max(`minimumPixelThreshold`, `noiseFactor` × the 90th
  /// percentile of |difference| over the frame (median over the last 15 frames)).
  public static let noiseFactor = 2.0
  public static let madCap = 8.0
  /// A cell counts with its lowest changed fraction over this many consecutive analysed
  /// frames: a burned-in clock's tick (one changed frame, seen in 2 differences) or a
  /// compression pulse at a keyframe is never motion; a walker covers a cell for many frames.
  public static let persistence = 3
  public static let minimumPixelThreshold = 10
  /// Grid of motion cells (16×9: square cells on 16:9 video).
  public static let columns = 16, rows = 9

  public var effectiveThreshold: Double { threshold ?? Self.defaultThreshold }
}

/// What happened on one analysed frame (for `--stats` and progress).
public struct MotionSample: Sendable {
  public var position: FramePosition
  /// Changed fraction of the busiest cell (0…1).
  public var score: Double
  /// The score threshold.
  public var threshold: Double
  /// Gray-level threshold for a pixel to count as changed (from the noise estimate).
  public var pixelThreshold: Int
  /// True when a global lighting change was compensated on this frame.
  public var lightingCorrected: Bool
}

/// What `MotionScanner.run` found.
public struct ScanResult: Sendable {
  public var events: [Event] = []
  /// Per event: the frame with the highest score, and the motion box on that frame (source pixels).
  public var peaks: [FramePosition] = []
  public var peakBoxes: [PixelRect] = []
  /// Per event: the first and last frame with motion, and the padded range (timeline seconds).
  public var starts: [FramePosition] = []
  public var ends: [FramePosition] = []
  public var framesDecoded = 0
  public var framesAnalysed = 0
  public var lightingCorrections = 0
  /// Timeline seconds scanned (end of the last frame read minus the start).
  public var duration = 0.0
  public var warnings: [(file: String, message: String)] = []
}

/// Motion events by frame differencing over a 16×9 grid of cells.
///
/// Per analysed frame (all of it allocation-free, in FrameScoutCore kernels):
/// 1. the frame, reduced to `width` gray pixels, goes into a small ring of past frames;
/// 2. it is differenced with the frame `lag` seconds back. When the mean or contrast of the
///    two differ (lights switched on, clouds, camera gain), the old frame is first mapped
///    through a brightness/contrast correction that matches their means and deviations, so
///    a global lighting change leaves no difference but a person still does;
/// 3. the noise of that difference (median |difference| over the frame, the median of the
///    last 15 frames' values) sets the pixel threshold, so grainy night footage is judged
///    against its own grain;
/// 4. the difference is masked to the regions, and a change map counts changed pixels per
///    cell; the score is the changed fraction of the busiest cell (of its pixels inside
///    the regions). Cells keep the score independent of the frame size and make a person
///    on the far side of the frame as visible as one nearby.
///
/// Events: runs of frames at or over the threshold (gaps shorter than `bridge` bridged)
/// that last at least `minEvent`; runs closer than `mergeGap` merge. An event's start and
/// end are its first and last frames with motion; the padded range adds `pre`/`post`.
/// Several files are one timeline: the first frame of each file has no earlier frame to
/// difference with (no false event at a file boundary), and an event may run on across it.
/// Unchecked Sendable: during `run` the analysing thread alone touches the analysis state;
/// the decoding thread only reads settings and fills pipe slots.
public final class MotionScanner: @unchecked Sendable {
  public let settings: ScanSettings
  let timeline: Timeline
  let includes: [Region]
  let excludes: [Region]
  /// Analysis size (from the first file).
  public let analysisWidth: Int
  public let analysisHeight: Int
  /// Called for every analysed frame (for `--stats`).
  public var onSample: ((MotionSample) -> Void)?

  // Ring of past frames: `ringCount` slots of analysisWidth × analysisHeight.
  var ring: [UInt8]
  let ringCount: Int
  var ringFilled = 0
  var ringHead = 0
  var ringTimes: [Double]
  var ringMeans: [Double]
  var ringDeviations: [Double]
  let difference = PixelBuffer()
  let corrected = PixelBuffer()
  var mask: [UInt8]
  let hasMask: Bool
  var cellArea: [Int]
  var changeMap: ChangeMap
  var table = [UInt8](repeating: 0, count: 256)
  var noiseHistory = [Int](repeating: 0, count: 15)
  var madHistory = [Int](repeating: 0, count: 15)
  var currentPixelThreshold = ScanSettings.minimumPixelThreshold
  var noiseFilled = 0
  var noiseHead = 0
  var scratch = [Int](repeating: 0, count: 15)
  /// Changed fraction per cell over the last `persistence` frames (ring), and their minimum.
  var cellHistory: [Double]
  var cellHistoryHead = 0
  var cellHistoryFilled = 0
  var persisted: [Double]
  /// Positions of the last `persistence` analysed frames (the run starts at the oldest).
  var recent: [FramePosition]

  // Event state. Cell marks live in arrays allocated once (a run's, the pending event's).
  struct Run {
    var start: FramePosition
    var last: FramePosition
    var peak: FramePosition
    var peakScore: Double
    var activeFrames: Int
    /// Timeline seconds until which the place where the motion stopped stayed occupied.
    var lastOccupied = -Double.infinity
    var lastOccupiedPosition: FramePosition?
    /// Frames on which the place where the motion stopped was still occupied.
    var occupiedFrames = 0
    /// Lasted `minEvent` on its own (or merged with one that did).
    var qualified = false
    var lastActivity: Double { max(last.timeline, lastOccupied) }
  }
  var run: Run?
  var pending: Run?
  var runCells: [Bool], runPeakCells: [Bool], pendingCells: [Bool], pendingPeakCells: [Bool]
  var result = ScanResult()
  var frameDuration = 0.04
  /// Someone who stops moving is still there: the frame from before the event began, the
  /// cells where the motion was last seen, and a change map of the current frame against
  /// that frame. While those cells still differ from it, the event is held open (a person
  /// standing still between walking in and walking off is one event, not two).
  let reference = PixelBuffer()
  var referenceValid = false
  var lastCells: [Bool]
  var presenceMap: ChangeMap
  public static let occupiedFraction = 0.2
  var lastAnalysed: FramePosition?

  public convenience init(paths: [String], settings: ScanSettings) throws {
    try self.init(timeline: Timeline(paths: paths, options: settings.open), settings: settings)
  }

  /// A scanner over files already opened for their facts (the caller checked them).
  public init(timeline: Timeline, settings: ScanSettings) throws {
    self.settings = settings
    self.timeline = timeline
    let first = timeline.entries[0].info
    includes = try settings.regions.map { try $0.resolve(frameWidth: first.width, frameHeight: first.height) }
    excludes = try settings.excludes.map { try $0.resolve(frameWidth: first.width, frameHeight: first.height) }
    analysisWidth = min(settings.width, first.width)
    analysisHeight = max(1, Int((Double(first.height) * Double(analysisWidth) / Double(first.width)).rounded()))
    let fps = first.nominalFPS ?? settings.open.fps ?? 25
    frameDuration = 1 / fps
    let lagFrames = max(1, Int((ScanSettings.lag * fps / Double(settings.every)).rounded()))
    ringCount = lagFrames + 1
    let n = analysisWidth * analysisHeight
    ring = [UInt8](repeating: 0, count: n * ringCount)
    ringTimes = [Double](repeating: 0, count: ringCount)
    ringMeans = [Double](repeating: 0, count: ringCount)
    ringDeviations = [Double](repeating: 0, count: ringCount)
    difference.resize(width: analysisWidth, height: analysisHeight)
    corrected.resize(width: analysisWidth, height: analysisHeight)
    hasMask = !includes.isEmpty || !excludes.isEmpty
    let regionMask = RegionMask(width: analysisWidth, height: analysisHeight, sourceWidth: first.width, sourceHeight: first.height,
                                include: includes, exclude: excludes)
    mask = regionMask.pixels.map { $0 == 0 ? 0 : 0xFF }
    changeMap = ChangeMap(width: analysisWidth, height: analysisHeight, columns: min(ScanSettings.columns, analysisWidth),
                          rows: min(ScanSettings.rows, analysisHeight))
    var areas: [Int] = []
    for r in 0..<changeMap.rows {
      for c in 0..<changeMap.columns {
        let cell = changeMap.cell(column: c, row: r)
        var a = 0
        for y in cell.y..<(cell.y + cell.height) { for x in cell.x..<(cell.x + cell.width) where regionMask.pixels[y * analysisWidth + x] != 0 { a += 1 } }
        areas.append(a)
      }
    }
    cellArea = areas
    cellHistory = [Double](repeating: 0, count: areas.count * ScanSettings.persistence)
    persisted = [Double](repeating: 0, count: areas.count)
    recent = [FramePosition](repeating: FramePosition(file: 0, frame: 0, time: 0, timeline: 0), count: ScanSettings.persistence)
    runCells = [Bool](repeating: false, count: areas.count)
    runPeakCells = runCells; pendingCells = runCells; pendingPeakCells = runCells; lastCells = runCells
    presenceMap = changeMap
    reference.resize(width: analysisWidth, height: analysisHeight)
    if regionMask.area == 0 { throw RegionError("the regions leave no pixel to scan (every included pixel is excluded)") }
  }

  public var entries: [Timeline.Entry] { timeline.entries }
  public var resolvedRegions: [Region] { includes }
  public var resolvedExcludes: [Region] { excludes }

  /// Scans every file. `progress` receives timeline seconds reached.
  public func run(progress: (Double) -> Void = { _ in }) throws -> ScanResult {
    let threshold = settings.effectiveThreshold
    var scanStart: Double? = nil, scanEnd = 0.0
    var decoded = 0, handed = 0
    var warnings: [(file: String, message: String)] = []
    // The decoding thread hands reduced frames to an analysing thread through a few
    // slots, so the decoder is fed again while a frame is analysed (measured: decoding
    // alone keeps two cores ~75 % busy with frame threads; the analysis fits in the gaps).
    let pipe = FramePipe(slots: 8, pixels: analysisWidth * analysisHeight)
    let worker = Thread { [unowned self] in
      while let (slot, position) = pipe.take() {
        let view = GrayView(base: UnsafePointer(pipe.buffer(slot)), width: analysisWidth, height: analysisHeight, stride: analysisWidth)
        if let last = lastAnalysed, last.file != position.file {
          ringFilled = 0     // no differencing across a file boundary (the noise history carries on)
          cellHistoryFilled = 0
        }
        analyse(view, at: position, threshold: threshold)
        pipe.release(slot)
      }
      pipe.finished.signal()
    }
    worker.start()
    defer { pipe.finish() }
    /// One analysed frame to the analysing thread (copied into a free slot).
    func hand(_ gray: GrayView, _ position: FramePosition) {
      let slot = pipe.acquire()
      gray.copy(to: pipe.buffer(slot))
      pipe.put(slot, position)
      handed += 1
      if handed % 64 == 0 { progress(position.timeline) }
    }
    for file in timeline.entries.indices {
      let entry = timeline.entries[file]
      if let to = settings.to, entry.offset > to { break }
      if let from = settings.from, let d = entry.duration, entry.offset + d < from { continue }
      if let plan = try chunkPlan(entry) {
        // Several single-threaded decoders on keyframe-aligned chunks; frames reach the
        // analysis in order through the same pipe.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let r = try decodeChunks(file: file, entry: entry, plan: plan, decoders: max(2, cores)) { gray, position in
          if scanStart == nil { scanStart = position.timeline }
          scanEnd = position.timeline + frameDuration
          if position.frame % settings.every == 0 { hand(gray, position) }
        }
        decoded += r.frames
        for w in r.warnings where !warnings.contains(where: { $0.file == entry.path && $0.message == w }) { warnings.append((entry.path, w)) }
        continue
      }
      let decoder = try VideoDecoder(path: entry.path, options: DecodeOptions(
        open: settings.open, threads: settings.threads, analysisWidth: analysisWidth))
      if let from = settings.from, from > entry.offset { try decoder.seek(toKeyframeAtOrBefore: from - entry.offset) }
      var counter = 0
      var stopped = false
      try decoder.forEachFrame { frame in
        let t = entry.offset + frame.time
        if let to = settings.to, t > to + 1e-6 { stopped = true; return .stop }
        if let from = settings.from, t < from - 1e-6 { return .next }
        decoded += 1
        if scanStart == nil { scanStart = t }
        scanEnd = t + frameDuration
        defer { counter += 1 }
        guard counter % settings.every == 0, let gray = frame.gray else { return .next }
        // Files of another size are refused up front (one timeline, one frame size).
        guard gray.width == analysisWidth && gray.height == analysisHeight else { return .next }
        hand(gray, FramePosition(file: file, frame: frame.index, time: frame.time, timeline: t))
        return .next
      }
      for w in decoder.warnings { warnings.append((entry.path, w)) }
      if !decoder.damage.isEmpty { warnings.append((entry.path, "damaged data: \(decoder.damage.summary)")) }
      if stopped { break }
    }
    pipe.finish()     // the analysing thread has seen every frame
    result.framesDecoded = decoded
    result.warnings += warnings
    closeRun()
    // Footage that ends while the place where the motion stopped is still occupied (someone
    // standing there): the event lasts to the end.
    if let p = pending, let o = p.lastOccupiedPosition, let l = lastAnalysed, o == l, o.timeline > p.last.timeline {
      pending!.last = o
    }
    emitPending()
    result.duration = max(0, scanEnd - (scanStart ?? 0))
    return result
  }

  /// Chunks for `entry` (frame ranges starting on keyframes), or nil to decode it in one
  /// stream.
  func chunkPlan(_ entry: Timeline.Entry) throws -> (table: FrameTable, chunks: [(start: Int, end: Int)])? {
    let auto = settings.chunked == nil
    if settings.chunked == false { return nil }
    if auto && (settings.threads != 0 || ProcessInfo.processInfo.activeProcessorCount < 2
                || (entry.duration ?? 0) < ScanSettings.chunkedMinimumDuration) { return nil }
    if settings.from != nil || settings.to != nil { return nil }
    // MP4/MOV only: their index numbers every frame, so a decoder that starts at any
    // keyframe sees the same timestamps as one that starts at the first (MPEG-TS and
    // others are decoded in one stream).
    guard entry.info.container.contains("mp4") || entry.info.container.contains("mov") else { return nil }
    guard let table = try FrameTable.read(path: entry.path, options: settings.open), table.count > 0,
          table.keyframes.first == 0 else { return nil }
    var chunks: [(start: Int, end: Int)] = []
    var start = 0
    for k in table.keyframes.dropFirst() where k - start >= settings.chunkFrames {
      chunks.append((start, k))
      start = k
    }
    chunks.append((start, table.count))
    return chunks.count >= 2 ? (table, chunks) : nil
  }

  /// Decodes the chunks of one file on `decoders` threads (one single-threaded decoder
  /// each) into `decoders + 1` chunk buffers, and hands every frame to `forward` on the
  /// calling thread in frame order. Frames are numbered by their place in the frame table
  /// (the same numbers one decoder counting from the start gives).
  func decodeChunks(file: Int, entry: Timeline.Entry, plan: (table: FrameTable, chunks: [(start: Int, end: Int)]), decoders: Int,
                    forward: (GrayView, FramePosition) -> Void) throws -> (frames: Int, warnings: [String]) {
    let table = plan.table, chunks = plan.chunks
    let slots = decoders + 1
    let pixels = analysisWidth * analysisHeight
    let largest = chunks.map { $0.end - $0.start }.max()!
    let buffers = UnsafeMutablePointer<UInt8>.allocate(capacity: slots * largest * pixels)
    defer { buffers.deallocate() }
    final class Shared: @unchecked Sendable {
      let condition = NSCondition()
      var next = 0, consumed = 0
      var ready: [Int], counts: [Int]
      var positions: [[FramePosition]]
      var error: Error?
      var warnings: [String] = []
      var damage = DamageReport()
      init(slots: Int, largest: Int) {
        ready = [Int](repeating: -1, count: slots)
        counts = [Int](repeating: 0, count: slots)
        positions = [[FramePosition]](repeating: [], count: slots)
        for k in 0..<slots { positions[k].reserveCapacity(largest) }
      }
    }
    let shared = Shared(slots: slots, largest: largest)
    let group = DispatchGroup()
    let base = UnsafeMutableRawPointer(buffers)
    let address = Int(bitPattern: base)     // handed to the decoding threads as a plain number
    let (path, offset, open, width, height) = (entry.path, entry.offset, settings.open, analysisWidth, analysisHeight)
    for _ in 0..<decoders {
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        do {
          let decoder = try VideoDecoder(path: path, options: DecodeOptions(open: open, threads: 1, analysisWidth: width))
          var local: [FramePosition] = []
          local.reserveCapacity(largest)
          while true {
            shared.condition.lock()
            let c = shared.next
            shared.next += 1
            // Wait until the chunk that last used this buffer has been consumed.
            while shared.error == nil && c < chunks.count && shared.consumed < c - slots + 1 { shared.condition.wait() }
            let stop = shared.error != nil || c >= chunks.count
            shared.condition.unlock()
            if stop { break }
            let (start, end) = chunks[c], slot = c % slots
            let area = UnsafeMutablePointer<UInt8>(bitPattern: address)! + slot * largest * pixels
            local.removeAll(keepingCapacity: true)
            try decoder.seek(toKeyframeAtOrBefore: table.time(ofFrame: start) + 1e-6)
            try decoder.forEachFrame { frame in
              guard let pts = frame.pts, let n = table.number(ofPts: pts), let gray = frame.gray else { return .next }
              if n < start { return .next }
              if n >= end { return .stop }
              guard gray.width == width && gray.height == height, local.count < largest else { return .next }
              gray.copy(to: area + local.count * pixels)
              local.append(FramePosition(file: file, frame: n, time: frame.time, timeline: offset + frame.time))
              return .next
            }
            shared.condition.lock()
            swap(&shared.positions[slot], &local)
            shared.counts[slot] = shared.positions[slot].count
            shared.ready[slot] = c
            shared.condition.broadcast()
            shared.condition.unlock()
          }
          shared.condition.lock()
          for w in decoder.warnings where !shared.warnings.contains(w) { shared.warnings.append(w) }
          shared.damage.add(decoder.damage)
          shared.condition.unlock()
        } catch {
          shared.condition.lock()
          if shared.error == nil { shared.error = error }
          shared.condition.broadcast()
          shared.condition.unlock()
        }
      }
      thread.start()
    }
    var frames = 0
    var failure: Error? = nil
    for c in chunks.indices {
      let slot = c % slots
      shared.condition.lock()
      while shared.ready[slot] != c && shared.error == nil { shared.condition.wait() }
      failure = shared.error
      shared.condition.unlock()
      if failure != nil { break }
      let area = UnsafePointer(base.assumingMemoryBound(to: UInt8.self) + slot * largest * pixels)
      for (i, position) in shared.positions[slot].enumerated() {
        forward(GrayView(base: area + i * pixels, width: width, height: height, stride: width), position)
      }
      frames += shared.counts[slot]
      shared.condition.lock()
      shared.consumed = c + 1
      shared.ready[slot] = -1
      shared.condition.broadcast()
      shared.condition.unlock()
    }
    if failure != nil {
      shared.condition.lock(); if shared.error == nil { shared.error = failure }; shared.condition.broadcast(); shared.condition.unlock()
    }
    group.wait()
    if let failure { throw failure }
    var warnings = shared.warnings
    if !shared.damage.isEmpty { warnings.append("damaged data: \(shared.damage.summary)") }
    return (frames, warnings)
  }

  /// Scores one frame and advances the event logic.
  func analyse(_ gray: GrayView, at position: FramePosition, threshold: Double) {
    result.framesAnalysed += 1
    lastAnalysed = position
    recent[result.framesAnalysed % recent.count] = position
    let n = analysisWidth * analysisHeight
    let stats = RegionStatistics.measure(gray)
    let slot = ringHead
    ring.withUnsafeMutableBufferPointer { gray.copy(to: $0.baseAddress! + slot * n) }
    ringTimes[slot] = position.timeline
    ringMeans[slot] = stats.mean
    ringDeviations[slot] = stats.standardDeviation
    ringHead = (ringHead + 1) % ringCount
    ringFilled = min(ringFilled + 1, ringCount)
    guard ringFilled == ringCount else {
      onSample?(MotionSample(position: position, score: 0, threshold: threshold, pixelThreshold: 0, lightingCorrected: false))
      feed(position, score: 0, threshold: threshold)
      return
    }
    let old = ringHead   // the oldest slot (the next to be overwritten)
    var corrected = false
    var score = 0.0
    var pixelThreshold = 0
    ring.withUnsafeBufferPointer { buf in
      let current = GrayView(base: buf.baseAddress! + slot * n, width: analysisWidth, height: analysisHeight, stride: analysisWidth)
      var previous = GrayView(base: buf.baseAddress! + old * n, width: analysisWidth, height: analysisHeight, stride: analysisWidth)
      // Global lighting: match the old frame's mean and contrast to the current one's, and
      // keep the match only when it explains the change (a smaller sum of differences):
      // lights switched on are explained, a large object changing the mean is not.
      let dm = ringMeans[slot] - ringMeans[old]
      let ds = ringDeviations[old] > 0 ? ringDeviations[slot] / ringDeviations[old] : 1
      if abs(dm) > 2 || abs(ds - 1) > 0.06 {
        let gain = ds, offset = ringMeans[slot] - gain * ringMeans[old]
        table.withUnsafeMutableBufferPointer { t in
          PixelMask.linearTable(gain: gain, offset: offset, into: t.baseAddress!)
          PixelMask.map(previous, through: t.baseAddress!, into: self.corrected.mutableView)
        }
        if PixelDifference.sumOfAbsoluteDifferences(self.corrected.view, current) < PixelDifference.sumOfAbsoluteDifferences(previous, current) {
          corrected = true
          previous = self.corrected.view
        }
      }
      PixelDifference.absolute(previous, current, into: difference.mutableView)
      // Noise: the 90th percentile and the median of |difference| over this frame, each
      // then the median over the last 15 frames. The pixel threshold is twice the
      // percentile (it sees compression's heavy tails), but at most `madCap` times the
      // median, so a large moving object (a truck filling a third of the picture, whose
      // pixels raise the percentile) cannot lift the threshold over its own contrast.
      // Every 4th row is plenty (14,400 samples at 320x180) and keeps the histogram, the
      // costliest step of the frame, at a quarter.
      // Measured on every other frame (noise changes slowly; the 15 values span 30 frames).
      if noiseFilled == 0 || result.framesAnalysed % 2 == 0 {
        let d = difference.view
        let sampled = GrayView(base: d.base, width: d.width, height: (d.height + 3) / 4, stride: d.stride * 4)
        let estimate = NoiseEstimate.of(difference: sampled)
        noiseHistory[noiseHead] = estimate.upperDecile
        madHistory[noiseHead] = estimate.medianAbsoluteDifference
        noiseHead = (noiseHead + 1) % noiseHistory.count
        noiseFilled = min(noiseFilled + 1, noiseHistory.count)
        let decile = median(of: noiseHistory), mad = median(of: madHistory)
        let fromNoise = min(ScanSettings.noiseFactor * Double(decile), ScanSettings.madCap * Double(mad))
        currentPixelThreshold = min(254, max(ScanSettings.minimumPixelThreshold, Int(fromNoise.rounded(.up))))
      }
      pixelThreshold = currentPixelThreshold
      if hasMask {
        mask.withUnsafeBufferPointer { m in
          PixelMask.apply(GrayView(base: m.baseAddress!, width: analysisWidth, height: analysisHeight, stride: analysisWidth),
                          to: difference.mutableView)
        }
      }
      changeMap.update(difference: difference.view, threshold: UInt8(pixelThreshold))
    }
    // Per cell: this frame's changed fraction into the history, the minimum over the
    // last `persistence` frames into `persisted`; the score is the busiest cell's.
    let counts = changeMap.counts, cells = counts.count, depth = ScanSettings.persistence
    let head = cellHistoryHead
    cellHistoryHead = (cellHistoryHead + 1) % depth
    cellHistoryFilled = min(cellHistoryFilled + 1, depth)
    for k in 0..<cells {
      let f = cellArea[k] > 0 ? Double(counts[k]) / Double(cellArea[k]) : 0
      cellHistory[head * cells + k] = f
      var m = f
      if cellHistoryFilled < depth { m = 0 } else { for h in 0..<depth { m = min(m, cellHistory[h * cells + k]) } }
      persisted[k] = m
      score = max(score, m)
    }
    if corrected { result.lightingCorrections += 1 }
    onSample?(MotionSample(position: position, score: score, threshold: threshold, pixelThreshold: pixelThreshold, lightingCorrected: corrected))
    let active = score >= threshold
    if active && run == nil && pending == nil {
      // A new event: remember the scene before it (the oldest frame of the ring).
      ring.withUnsafeBufferPointer { buf in
        reference.mutableView.base.update(from: buf.baseAddress! + old * n, count: n)
      }
      referenceValid = true
    }
    var occupied = false
    if !active && run == nil && pending != nil && referenceValid {
      ring.withUnsafeBufferPointer { buf in
        let current = GrayView(base: buf.baseAddress! + slot * n, width: analysisWidth, height: analysisHeight, stride: analysisWidth)
        presenceMap.update(previous: reference.view, current: current, threshold: UInt8(pixelThreshold))
      }
      let counts = presenceMap.counts
      for k in counts.indices where lastCells[k] && cellArea[k] > 0
        && Double(counts[k]) >= Self.occupiedFraction * Double(cellArea[k]) { occupied = true; break }
    }
    feed(position, score: score, threshold: threshold, occupied: occupied)
  }

  /// The median of the first `noiseFilled` values of `history` (an insertion sort into
  /// `scratch`: at most 15 values, no allocation).
  func median(of history: [Int]) -> Int {
    for k in 0..<noiseFilled {
      var j = k
      while j > 0 && scratch[j - 1] > history[k] { scratch[j] = scratch[j - 1]; j -= 1 }
      scratch[j] = history[k]
    }
    return scratch[noiseFilled / 2]
  }

  /// The event logic: runs of active frames, bridged over short gaps, kept when long
  /// enough, merged when close. Allocates nothing.
  func feed(_ position: FramePosition, score: Double, threshold: Double, occupied: Bool = false) {
    let active = score >= threshold
    if active { markCells(&lastCells, threshold: threshold, reset: true) }
    if occupied, pending != nil, position.timeline - pending!.lastActivity <= settings.mergeGap + 1e-9,
       position.timeline - pending!.last.timeline <= ScanSettings.stillLimit {
      pending!.lastOccupied = position.timeline
      pending!.lastOccupiedPosition = position
      pending!.occupiedFrames += 1
    }
    if run != nil {
      if position.timeline - run!.last.timeline > ScanSettings.bridge + 1e-9 {
        closeRun()
      } else {
        if active {
          run!.last = position
          run!.activeFrames += 1
          markCells(&runCells, threshold: threshold, reset: false)
          if score > run!.peakScore {
            run!.peakScore = score
            run!.peak = position
            markCells(&runPeakCells, threshold: threshold, reset: true)
          }
        }
        return
      }
    }
    if let p = pending, position.timeline - p.lastActivity > settings.mergeGap + 1e-9 { emitPending() }
    guard active else { return }
    markCells(&runCells, threshold: threshold, reset: true)
    markCells(&runPeakCells, threshold: threshold, reset: true)
    // The motion began `persistence - 1` frames ago (the oldest frame of the window).
    var start = recent[(result.framesAnalysed + 1) % recent.count]
    if start.file != position.file || start.timeline > position.timeline { start = position }
    run = Run(start: start, last: position, peak: position, peakScore: score, activeFrames: 1)
  }

  /// Marks the cells at or over the threshold on the current change map (clearing the
  /// others first when `reset`).
  func markCells(_ cells: inout [Bool], threshold: Double, reset: Bool) {
    for k in persisted.indices {
      let on = persisted[k] >= threshold
      if reset { cells[k] = on } else if on { cells[k] = true }
    }
  }

  /// A finished run: merged into the pending event when close enough, else the pending
  /// event is emitted and the run waits in its place. A run shorter than `minEvent` waits
  /// too, unqualified: it becomes an event only if someone stays where its motion stopped
  /// (a person who walks in for half a second and then stands still), or a qualified run
  /// follows while they are there; otherwise it is dropped. It never extends a qualified
  /// event (a flicker after a person left does not move the end).
  func closeRun() {
    guard var r = run else { return }
    run = nil
    r.qualified = r.last.timeline - r.start.timeline + frameDuration * Double(settings.every) >= settings.minEvent - 1e-9
    if var p = pending, r.start.timeline - p.lastActivity <= settings.mergeGap + 1e-9 {
      let keepPending = p.qualified || p.occupiedFrames > 0
      if r.qualified && keepPending || !r.qualified && p.qualified {
        guard r.qualified else { return }     // a flicker after an event: ignored
        p.last = r.last
        p.activeFrames += r.activeFrames
        p.qualified = true
        for k in pendingCells.indices where runCells[k] { pendingCells[k] = true }
        if r.peakScore > p.peakScore {
          p.peakScore = r.peakScore
          p.peak = r.peak
          swap(&pendingPeakCells, &runPeakCells)
        }
        pending = p
        return
      }
      if !keepPending || !r.qualified {
        // An unqualified blip is replaced by the newer run.
        pending = nil
      }
    }
    emitPending()
    pending = r
    swap(&pendingCells, &runCells)
    swap(&pendingPeakCells, &runPeakCells)
  }

  func emitPending() {
    guard let p = pending else { return }
    pending = nil
    referenceValid = false
    // An unqualified run counts only when the stay that followed it makes it last minEvent.
    if !p.qualified && !(p.occupiedFrames > 0 && p.lastActivity - p.start.timeline + frameDuration >= settings.minEvent - 1e-9) { return }
    let entry = timeline.entries[p.start.file]
    let source = entry.info
    var details: [(name: String, value: EventDetail)] = [
      ("peak_frame", .integer(p.peak.frame)), ("peak_time", .number(p.peak.time)),
      ("frames_with_motion", .integer(p.activeFrames)),
      ("padded_start", .number(max(0, p.start.timeline - settings.pre))),
      ("padded_end", .number(p.last.timeline + settings.post)),
    ]
    if timeline.entries.count > 1 {
      details.insert(contentsOf: [("timeline_start", .number(p.start.timeline)), ("timeline_end", .number(p.last.timeline))], at: 0)
      if p.last.file != p.start.file { details.append(("end_file", .text(timeline.entries[p.last.file].path))) }
      if p.peak.file != p.start.file { details.append(("peak_file", .text(timeline.entries[p.peak.file].path))) }
    }
    result.events.append(Event(
      file: entry.path, kind: .motion,
      start: TimePoint(frame: p.start.frame, time: p.start.time), end: TimePoint(frame: p.last.frame, time: p.last.time),
      score: p.peakScore, box: box(of: pendingCells, sourceWidth: source.width, sourceHeight: source.height), details: details))
    result.peaks.append(p.peak)
    result.peakBoxes.append(box(of: pendingPeakCells, sourceWidth: source.width, sourceHeight: source.height) ?? PixelRect(x: 0, y: 0, width: source.width, height: source.height))
    result.starts.append(p.start)
    result.ends.append(p.last)
  }

  /// The bounding box of the marked cells, in source pixels.
  func box(of cells: [Bool], sourceWidth: Int, sourceHeight: Int) -> PixelRect? {
    var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
    for r in 0..<changeMap.rows {
      for c in 0..<changeMap.columns where cells[r * changeMap.columns + c] {
        let cell = changeMap.cell(column: c, row: r)
        x0 = min(x0, cell.x); y0 = min(y0, cell.y); x1 = max(x1, cell.x + cell.width); y1 = max(y1, cell.y + cell.height)
      }
    }
    guard x0 < x1 else { return nil }
    let sx = Double(sourceWidth) / Double(analysisWidth), sy = Double(sourceHeight) / Double(analysisHeight)
    let bx = Int((Double(x0) * sx).rounded(.down)), by = Int((Double(y0) * sy).rounded(.down))
    return PixelRect(x: bx, y: by, width: min(sourceWidth, Int((Double(x1) * sx).rounded(.up))) - bx,
                     height: min(sourceHeight, Int((Double(y1) * sy).rounded(.up))) - by)
  }
}

/// Hands reduced frames from the decoding thread to the analysing thread: `slots` buffers
/// allocated once, a queue of filled ones in order, semaphores for both directions.
final class FramePipe: @unchecked Sendable {
  let storage: UnsafeMutablePointer<UInt8>
  let pixels: Int
  let slots: Int
  let free: DispatchSemaphore
  let filled = DispatchSemaphore(value: 0)
  let finished = DispatchSemaphore(value: 0)
  let lock = NSLock()
  var positions: [FramePosition?]
  var queue: [Int]     // ring of filled slot numbers
  var head = 0, count = 0
  var freeSlots: [Int]
  var closed = false

  init(slots: Int, pixels: Int) {
    self.slots = slots
    self.pixels = pixels
    storage = .allocate(capacity: slots * pixels)
    free = DispatchSemaphore(value: slots)
    positions = [FramePosition?](repeating: nil, count: slots)
    queue = [Int](repeating: 0, count: slots)
    freeSlots = Array(0..<slots)
  }

  deinit { storage.deallocate() }

  func buffer(_ slot: Int) -> UnsafeMutablePointer<UInt8> { storage + slot * pixels }

  /// A free slot to fill (waits while all are taken).
  func acquire() -> Int {
    free.wait()
    lock.lock(); defer { lock.unlock() }
    return freeSlots.removeLast()
  }

  func put(_ slot: Int, _ position: FramePosition) {
    lock.lock()
    positions[slot] = position
    queue[(head + count) % slots] = slot
    count += 1
    lock.unlock()
    filled.signal()
  }

  /// The next filled slot in order, or nil once closed and drained.
  func take() -> (Int, FramePosition)? {
    filled.wait()
    lock.lock(); defer { lock.unlock() }
    if count == 0 { return nil }     // closed
    let slot = queue[head]
    head = (head + 1) % slots
    count -= 1
    return (slot, positions[slot]!)
  }

  func release(_ slot: Int) {
    lock.lock()
    freeSlots.append(slot)
    lock.unlock()
    free.signal()
  }

  /// No more frames: wakes the reader once the queue is drained, and waits until it has
  /// finished. Later calls return at once.
  func finish() {
    lock.lock()
    let first = !closed
    closed = true
    lock.unlock()
    if first {
      filled.signal()
      finished.wait()
    }
  }
}
