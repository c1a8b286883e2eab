import FrameScoutCore
import Foundation

/// A file cut into keyframe-aligned chunks: frame ranges that each start on a keyframe, so
/// that a decoder seeking to a chunk's first frame decodes it without the frames before.
public struct ChunkPlan: Sendable {
  /// Every frame's pts (display order) and the keyframes: frame numbers for every decoder.
  public let table: FrameTable
  public let chunks: [Range<Int>]

  /// The plan for `path`, or nil when it is better decoded in one stream. Chunks run from a
  /// keyframe to the first keyframe at least `minimumFrames` frames later. MP4/MOV only:
  /// their index numbers every frame, so a decoder that starts at any keyframe sees the
  /// same timestamps as one that starts at the first (MPEG-TS and others are decoded in one
  /// stream). Nil also without a keyframe on frame 0, or when the file is one chunk.
  public static func make(path: String, info: StreamInfo, options: OpenOptions, minimumFrames: Int) throws(MediaError) -> ChunkPlan? {
    guard info.container.contains("mp4") || info.container.contains("mov") else { return nil }
    guard let table = try FrameTable.read(path: path, options: options) else { return nil }
    return make(table: table, minimumFrames: minimumFrames)
  }

  /// The plan of `make` on a frame table already read (nil without a keyframe on frame 0,
  /// or when the file is one chunk).
  public static func make(table: FrameTable, minimumFrames: Int) -> ChunkPlan? {
    guard table.count > 0, table.keyframes.first == 0 else { return nil }
    var chunks: [Range<Int>] = []
    var start = 0
    for k in table.keyframes.dropFirst() where k - start >= minimumFrames {
      chunks.append(start..<k)
      start = k
    }
    chunks.append(start..<table.count)
    return chunks.count >= 2 ? ChunkPlan(table: table, chunks: chunks) : nil
  }

  /// A plan of the given chunks (each must start on a keyframe of `table`).
  public init(table: FrameTable, chunks: [Range<Int>]) {
    self.table = table
    self.chunks = chunks
  }

  /// One chunk a GOP (keyframe to keyframe), or nil for an MP4/MOV file without a keyframe
  /// on frame 0 (see `make`), or for any other container. The table keeps every packet's
  /// size (`FrameTable.packets`, for judging activity from the packets).
  public static func gops(path: String, info: StreamInfo, options: OpenOptions) throws(MediaError) -> ChunkPlan? {
    guard info.container.contains("mp4") || info.container.contains("mov") else { return nil }
    guard let table = try FrameTable.read(path: path, options: options, withPackets: true), table.count > 0,
          table.keyframes.first == 0 else { return nil }
    var chunks: [Range<Int>] = []
    for (i, k) in table.keyframes.enumerated() {
      let end = i + 1 < table.keyframes.count ? table.keyframes[i + 1] : table.count
      if end > k { chunks.append(k..<end) }
    }
    return ChunkPlan(table: table, chunks: chunks)
  }

  /// Frames in the longest chunk (the size of a chunk buffer).
  public var largest: Int { chunks.map(\.count).max() ?? 0 }
}

/// Decodes one file as keyframe-aligned chunks on several threads, one single-threaded
/// decoder each, and lends every frame to the caller in frame order: the same frames, with
/// the same numbers and times, as one decoder from the start. Frames are numbered by their
/// place in the frame table (the numbers one decoder counting from the start gives).
public struct ChunkedDecoder: Sendable {
  public let path: String
  public let plan: ChunkPlan
  public let options: OpenOptions
  /// The reduced frame size (frames of another size are skipped).
  public let width: Int
  public let height: Int
  /// Decoding threads; chunk buffers are one more.
  public let decoders: Int

  public init(path: String, plan: ChunkPlan, options: OpenOptions, width: Int, height: Int, decoders: Int) {
    self.path = path
    self.plan = plan
    self.options = options
    self.width = width
    self.height = height
    self.decoders = max(1, decoders)
  }

  /// Decodes every chunk into `decoders + 1` chunk buffers and lends each frame, with its
  /// number and time, to `forward` on the calling thread, in frame order. Returns the frames
  /// forwarded and the decoders' warnings (each said once, damage summed).
  ///
  /// `skip`, when given, is asked on a decoding thread, before a chunk is decoded, whether
  /// to leave it out (it may wait: for chunk c, only chunks before c have been lent by
  /// then); `passed` is told on the calling thread, in order, of every chunk once its
  /// frames (none when skipped) have been lent, and once more with `plan.chunks.count` when
  /// the reading stops (done, or failed: a `skip` waiting for a chunk must give up then).
  public func run(skip: (@Sendable (Int) -> Bool)? = nil, passed: (_ chunk: Int, _ skipped: Bool) -> Void = { _, _ in },
                  _ forward: (GrayView, _ frame: Int, _ time: Double) -> Void) throws -> (frames: Int, warnings: [String]) {
    let exchange = ChunkExchange(chunks: plan.chunks.count, slots: decoders + 1, width: width, height: height, frames: plan.largest)
    let group = DispatchGroup()
    for _ in 0..<decoders {
      group.enter()
      let thread = Thread { [self] in
        defer { group.leave() }
        decode(into: exchange, skip: skip)
      }
      thread.start()
    }
    var frames = 0
    for c in plan.chunks.indices {
      guard let chunk = exchange.take(c) else { break }
      for (i, f) in chunk.frames.enumerated() {
        chunk.pixels.withFrame(i) { forward($0, f.number, f.time) }
      }
      frames += chunk.frames.count
      let skipped = chunk.skipped
      exchange.giveBack(chunk)
      passed(c, skipped)
    }
    passed(plan.chunks.count, false)
    group.wait()
    let outcome = exchange.outcome
    if let error = outcome.error { throw error }
    var warnings = outcome.warnings
    if !outcome.damage.isEmpty { warnings.append("damaged data: \(outcome.damage.summary)") }
    return (frames, warnings)
  }

  /// One decoding thread: chunks in turn, each into the buffer it is given, until none is left.
  func decode(into exchange: ChunkExchange, skip: (@Sendable (Int) -> Bool)?) {
    do {
      let decoder = try VideoDecoder(path: path, options: DecodeOptions(open: options, threads: 1, analysisWidth: width))
      while true {
        guard var chunk = exchange.claim() else { break }
        chunk.skipped = skip?(chunk.number) ?? false
        if chunk.skipped { chunk.frames.removeAll(keepingCapacity: true) } else { try fill(&chunk, with: decoder) }
        exchange.deliver(chunk)
      }
      exchange.report(warnings: decoder.warnings, damage: decoder.damage)
    } catch {
      exchange.fail(error)
    }
  }

  /// Decodes the frames of `chunk.number` into its buffer.
  func fill(_ chunk: inout ChunkFrames, with decoder: VideoDecoder) throws {
    let range = plan.chunks[chunk.number], table = plan.table, largest = chunk.pixels.capacity
    let (width, height) = (self.width, self.height)
    chunk.frames.removeAll(keepingCapacity: true)
    try decoder.seek(toKeyframeAtOrBefore: table.time(ofFrame: range.lowerBound) + 1e-6)
    try decoder.forEachFrame { frame in
      guard let pts = frame.pts, let n = table.number(ofPts: pts), let gray = frame.gray else { return .next }
      if n < range.lowerBound { return .next }
      if n >= range.upperBound { return .stop }
      guard gray.width == width && gray.height == height, chunk.frames.count < largest else { return .next }
      chunk.pixels.store(gray, at: chunk.frames.count)
      chunk.frames.append((n, frame.time))
      return .next
    }
  }
}

/// One chunk's decoded frames: the pixels, and each frame's number and time. Owned by the
/// decoding thread that fills it, then by the reader, then free again in its slot.
struct ChunkFrames: ~Copyable, Sendable {
  var pixels: FrameBuffer
  var frames: [(number: Int, time: Double)]
  /// The chunk it holds (or last held).
  var number = -1
  /// Left out (`ChunkedDecoder.run`'s `skip`): no frames.
  var skipped = false
}

/// Where the decoding threads and the reader meet. Chunk c is decoded into the buffer of
/// slot c % slots once the chunk that used it before (c - slots) has been read, so at most
/// `slots` chunks are in memory; the reader takes chunk c from that slot when it is there.
/// Buffers move in and out of the slots by value: whoever holds one is its only user.
final class ChunkExchange: @unchecked Sendable {
  // Unchecked Sendable: every field is read and written under `condition`.
  private let condition = NSCondition()
  private let slots: [Slot<ChunkFrames>]
  /// The chunk waiting in each slot to be read, -1 when the slot holds a free buffer (or none).
  private var ready: [Int]
  private var next = 0, consumed = 0
  private let chunks: Int
  private var error: (any Error)?
  private var warnings: [String] = []
  private var damage = DamageReport()

  init(chunks: Int, slots count: Int, width: Int, height: Int, frames: Int) {
    self.chunks = chunks
    ready = [Int](repeating: -1, count: count)
    slots = (0..<count).map { _ in
      let slot = Slot<ChunkFrames>()
      var positions: [(number: Int, time: Double)] = []
      positions.reserveCapacity(frames)
      slot.value = ChunkFrames(pixels: FrameBuffer(width: width, height: height, frames: frames), frames: positions)
      return slot
    }
  }

  /// For a decoding thread: the next chunk, in its slot's buffer, once the chunk that used
  /// the buffer before has been read; nil when every chunk is taken or the run failed.
  func claim() -> ChunkFrames? {
    condition.lock()
    defer { condition.unlock() }
    let c = next
    next += 1
    while error == nil && c < chunks && consumed < c - slots.count + 1 { condition.wait() }
    guard error == nil && c < chunks, var chunk = slots[c % slots.count].value.take() else { return nil }
    chunk.number = c
    return chunk
  }

  /// For a decoding thread: a decoded chunk, for the reader.
  func deliver(_ chunk: consuming ChunkFrames) {
    condition.lock()
    let slot = chunk.number % slots.count
    ready[slot] = chunk.number
    slots[slot].value = consume chunk
    condition.broadcast()
    condition.unlock()
  }

  /// For the reader: chunk `c` once decoded; nil when the run failed.
  func take(_ c: Int) -> ChunkFrames? {
    condition.lock()
    defer { condition.unlock() }
    let slot = c % slots.count
    while ready[slot] != c && error == nil { condition.wait() }
    if error != nil { return nil }
    ready[slot] = -1
    return slots[slot].value.take()
  }

  /// For the reader: a chunk read, its buffer free for the chunk `slots` later.
  func giveBack(_ chunk: consuming ChunkFrames) {
    condition.lock()
    consumed = chunk.number + 1
    slots[chunk.number % slots.count].value = consume chunk
    condition.broadcast()
    condition.unlock()
  }

  /// A decoding thread failed: every thread stops, the reader too.
  func fail(_ failure: any Error) {
    condition.lock()
    if error == nil { error = failure }
    condition.broadcast()
    condition.unlock()
  }

  /// A decoding thread's notes, once it is done (each warning kept once, damage summed).
  func report(warnings notes: [String], damage found: DamageReport) {
    condition.lock()
    for w in notes where !warnings.contains(w) { warnings.append(w) }
    damage.add(found)
    condition.unlock()
  }

  /// What the run came to, once every decoding thread is done.
  var outcome: (error: (any Error)?, warnings: [String], damage: DamageReport) {
    condition.lock()
    defer { condition.unlock() }
    return (error, warnings, damage)
  }
}
