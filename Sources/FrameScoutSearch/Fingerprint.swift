import FrameScoutCore
import FrameScoutMedia

/// How to fingerprint a file: decoding options and what to keep per frame.
public struct FingerprintSettings: Sendable {
  public var open = OpenOptions()
  /// Decoder threads (0 = all cores).
  public var threads = 0
  /// Width of the reduced gray picture the signals are measured on.
  public var analysisWidth = 160
  /// Also keep the MD5 of every raw decoded frame (framemd5); costs a full MD5 per frame.
  public var md5 = false
  public init() {}
}

/// Per-frame fingerprints of one video, computed in one decode pass; about 100 bytes per
/// frame (frames themselves are never kept).
///
/// Per frame: time and pts, keyframe and damage flags, packet size, a 64-bit pHash of the
/// whole frame (`PerceptualHash.perceptual` on a 32×32 area reduction), a 16×9 grid of mean
/// luma normalised for brightness and contrast, the mean absolute difference to the
/// previous frame at the analysis width (`change`, grey levels), and a 64-bit hash of the
/// raw decoded picture (all planes, `ContentHasher`) that is equal only for bit-identical
/// frames. Arrays are indexed by frame number (presentation order).
public struct FingerprintStream: Sendable {
  public static let gridColumns = 16, gridRows = 9, cells = 144

  public let path: String
  public let info: StreamInfo
  /// How the stream is timed and numbered (the decoder's, see `StreamClock`).
  public let clock: StreamClock
  /// Where the frame times came from: the clock's timing, or `assumed` once a stream
  /// without timestamps proved to carry no timing information.
  public internal(set) var timingSource: TimingSource = .pts
  public internal(set) var warnings: [String] = []
  public internal(set) var damage: DamageReport? = nil

  public internal(set) var time: [Double] = []
  /// Frame pts in the stream's time base (nil: the stream has none).
  public internal(set) var pts: [Int64?] = []
  public internal(set) var isKeyframe: [Bool] = []
  public internal(set) var isCorrupt: [Bool] = []
  public internal(set) var packetSize: [Int32] = []
  public internal(set) var durationTicks: [Int64] = []
  public internal(set) var phash: [UInt64] = []
  public internal(set) var contentHash: [UInt64] = []
  /// `cells` values per frame, zero mean and unit deviation (flat pictures: all zero).
  public internal(set) var grid: [Float] = []
  /// Mean luma of the analysis picture.
  public internal(set) var brightness: [Float] = []
  /// Mean absolute difference to the previous frame at the analysis width (0 for frame 0
  /// and after a change of picture size).
  public internal(set) var change: [Float] = []
  /// Local motion to the previous frame, above the noise (`LocalMotion`: mass and the part
  /// of it where the previous frame moved, grey levels per pixel of the analysis picture;
  /// 0 for frame 0 and after a change of picture size), and the median noise threshold.
  public internal(set) var motion: [Float] = []
  public internal(set) var motionOnTrack: [Float] = []
  /// The local motion mass against the frame before the previous one (two steps).
  public internal(set) var motionTwoStep: [Float] = []
  /// How far the moving parts moved (`CellFlow`, pixels of the analysis picture): measured on
  /// it (`motionSpeed`, steps up to about a pixel) and on it halved (`motionSpeedCoarse`).
  public internal(set) var motionSpeed: [Float] = []
  public internal(set) var motionSpeedCoarse: [Float] = []
  /// The picture against the ones before it as a change of light (`Relighting`): the
  /// fractions of cells changed and changed-and-textured, and of those the fraction whose
  /// texture stayed (0 for the first frames and after a change of picture size).
  public internal(set) var lightChanged: [Float] = []
  public internal(set) var lightTextured: [Float] = []
  public internal(set) var lightKept: [Float] = []
  public internal(set) var noiseThreshold: [UInt8] = []
  /// MD5 of each raw decoded frame and its size in bytes, when asked for.
  public internal(set) var md5: [[UInt8]] = []
  public internal(set) var rawSize: [Int] = []
  /// Frames where the picture size or pixel format changes (frame 0 included).
  public internal(set) var formats: [(frame: Int, width: Int, height: Int, pixelFormat: String)] = []

  public var count: Int { time.count }

  /// Nominal frame rate: the clock's (the container's average rate, else the stream's
  /// base rate, else the user's, else 25; streams without timestamps the user's first),
  /// so audit, compare and every other command count this stream's frames alike.
  public var frameRate: Double { clock.rate }

  /// Median of the positive intervals between consecutive frame times.
  public var medianInterval: Double? {
    var d: [Double] = []
    d.reserveCapacity(count)
    for k in 1..<max(1, count) where time[k] > time[k - 1] { d.append(time[k] - time[k - 1]) }
    guard !d.isEmpty else { return nil }
    d.sort()
    return d[d.count / 2]
  }

  /// Distance between the normalised grids of frame `i` of self and frame `j` of `other`.
  public func gridDistance(_ i: Int, _ other: FingerprintStream, _ j: Int) -> Float {
    grid.withUnsafeBufferPointer { a in
      other.grid.withUnsafeBufferPointer { b in
        GridMeans.distance(a.baseAddress! + i * Self.cells, b.baseAddress! + j * Self.cells, count: Self.cells)
      }
    }
  }

  /// Distance between the grids of two frames of this stream.
  public func gridDistance(_ i: Int, _ j: Int) -> Float { gridDistance(i, self, j) }

  public init(path: String, info: StreamInfo, clock: StreamClock) {
    self.path = path
    self.info = info
    self.clock = clock
  }

  /// Frame `k` as a time point (past the last frame: the last frame's time).
  public func point(_ k: Int) -> TimePoint { TimePoint(frame: k, time: k < count ? time[k] : (time.last ?? 0)) }

  /// Decodes `path` once and fingerprints every frame. `onFrame`, if given, also sees each
  /// frame (after it was fingerprinted) during the same pass.
  ///
  /// Without `onFrame` the decoding runs on a thread of its own and hands each reduced frame
  /// with its facts to the calling thread through a `FramePipe`, so the decoder is fed again
  /// while a frame is analysed (as `scan` does): what needs the decoded frame itself (the
  /// reduction, the raw-frame hash, the MD5) stays with the decoder, the measures of the
  /// reduced picture run beside it. The fingerprints are the same either way.
  public static func make(path: String, settings: FingerprintSettings = FingerprintSettings(),
                          onFrame: ((borrowing VideoFrame) throws -> Void)? = nil) throws -> FingerprintStream {
    var options = DecodeOptions(open: settings.open, threads: settings.threads, analysisWidth: settings.analysisWidth)
    // The raw-frame hash is taken while the decoder reduces the luma: one pass over the plane
    // for both. Hashing every raw byte (1.4 MB a 720p frame) is the dearest step: measured on
    // the 5-minute 720p benchmark clip (2 cores), audit/bare decode 1.06 without it, 1.09
    // with; fused, perf on the 2-minute 720p clip (2026-12): reduction + hash 7.3 % of the
    // audit's samples -> 4.9 % (with the 8-wide SIMD fold; the hash's loads now take the
    // cache misses the reduction took before).
    options.contentHash = true
    let decoder = try VideoDecoder(path: path, options: options)
    var s = FingerprintStream(path: path, info: decoder.info, clock: decoder.clock)
    s.reserve(InputLimits.frameReservation(declared: decoder.info.declaredFrameCount))
    let analysis = FrameAnalysis()
    let md5 = settings.md5
    if let onFrame {
      var tally = FrameTally(md5: md5)
      try decoder.forEachFrame { frame in
        let facts = tally.facts(of: frame)
        analysis.add(frame.gray ?? frame.luma, facts, to: &s)
        try onFrame(frame)
        return .next
      }
      s.finish(decoder.timingSource, decoder.warnings, decoder.damage)
      return s
    }
    let handoff = DecoderHandoff(decoder)
    let width = decoder.info.width, height = decoder.info.height
    let size = AreaDownsampler.size(forSourceWidth: max(1, width), sourceHeight: max(1, height), width: settings.analysisWidth)
    let ending = try FramePipe<FrameFacts>.run(slots: 8, width: size.width, height: size.height, produce: { pipe in
      let decoder = handoff.decoder
      var tally = FrameTally(md5: md5)
      try decoder.forEachFrame { frame in
        pipe.send(frame.gray ?? frame.luma, tally.facts(of: frame))
        return .next
      }
      return DecodingEnd(timingSource: decoder.timingSource, warnings: decoder.warnings, damage: decoder.damage)
    }) { gray, facts in
      analysis.add(gray, facts, to: &s)
    }
    s.finish(ending.timingSource, ending.warnings, ending.damage)
    return s
  }

  /// What the decoder said at the end of the pass.
  mutating func finish(_ timingSource: TimingSource, _ warnings: [String], _ damage: DamageReport) {
    self.timingSource = timingSource
    self.warnings = warnings
    self.damage = damage
  }

  /// One frame's local motion and change of light (zeros where there is none to measure).
  mutating func appendMotion(_ measured: LocalMotion.Measure?, _ light: Relighting.Measure?) {
    let m = measured ?? LocalMotion.Measure(mass: 0, onTrack: 0, twoStep: 0, threshold: 0)
    motion.append(m.mass); motionOnTrack.append(m.onTrack); motionTwoStep.append(m.twoStep)
    motionSpeed.append(m.speed.fine); motionSpeedCoarse.append(m.speed.coarse)
    noiseThreshold.append(m.threshold)
    let l = light ?? Relighting.Measure(changed: 0, textured: 0, kept: 0)
    lightChanged.append(l.changed); lightTextured.append(l.textured); lightKept.append(l.kept)
  }

  mutating func reserve(_ n: Int) {
    time.reserveCapacity(n); pts.reserveCapacity(n); isKeyframe.reserveCapacity(n); isCorrupt.reserveCapacity(n)
    packetSize.reserveCapacity(n); durationTicks.reserveCapacity(n); phash.reserveCapacity(n); contentHash.reserveCapacity(n)
    grid.reserveCapacity(n * Self.cells); brightness.reserveCapacity(n); change.reserveCapacity(n)
    motion.reserveCapacity(n); motionOnTrack.reserveCapacity(n); motionTwoStep.reserveCapacity(n); noiseThreshold.reserveCapacity(n)
    motionSpeed.reserveCapacity(n); motionSpeedCoarse.reserveCapacity(n)
    lightChanged.reserveCapacity(n); lightTextured.reserveCapacity(n); lightKept.reserveCapacity(n)
  }
}

/// What the decoding side of a fingerprint pass tells of one frame besides its reduced
/// picture: what needs the decoded frame itself.
struct FrameFacts: Sendable {
  var time: Double
  var pts: Int64?
  var isKeyframe: Bool
  var isCorrupt: Bool
  var packetSize: Int32
  var durationTicks: Int64
  /// The picture's size and pixel format, where it changed (the first frame included).
  var format: (width: Int, height: Int, pixelFormat: String)?
  var contentHash: UInt64
  var md5: [UInt8]?
  var rawSize: Int
}

/// Takes each decoded frame's facts, noticing where the picture format changes.
struct FrameTally: Sendable {
  let md5: Bool
  var lastFormat: SIMD3<Int32>? = nil

  init(md5: Bool) { self.md5 = md5 }

  mutating func facts(of frame: borrowing VideoFrame) -> FrameFacts {
    let key = frame.formatKey
    var format: (width: Int, height: Int, pixelFormat: String)? = nil
    if lastFormat != key {
      format = frame.format
      lastFormat = key
    }
    return FrameFacts(time: frame.time, pts: frame.pts, isKeyframe: frame.isKeyframe, isCorrupt: frame.isCorrupt,
                      packetSize: Int32(clamping: frame.packetSize), durationTicks: frame.durationTicks, format: format,
                      contentHash: frame.contentHash(), md5: md5 ? frame.md5() : nil, rawSize: md5 ? frame.rawSize : 0)
  }
}

/// How a decoding pass ended.
struct DecodingEnd: Sendable {
  var timingSource: TimingSource
  var warnings: [String]
  var damage: DamageReport
}

/// Moves an open decoder to the thread that decodes with it: the thread that opened it does
/// not touch it again (what the pass ends with comes back as a `DecodingEnd`).
final class DecoderHandoff: @unchecked Sendable {
  // Unchecked Sendable: one thread uses the decoder at a time, the opener before the
  // hand-off, the decoding thread after it.
  let decoder: VideoDecoder
  init(_ decoder: VideoDecoder) { self.decoder = decoder }
}

/// The measures of one reduced picture against the ones before it, frame by frame, in one
/// thread: the change, local motion, change of light, pHash, brightness and normalised grid.
/// Set-up is done once per picture size; `add` allocates nothing but the stream's growth.
final class FrameAnalysis {
  let previous = PixelBuffer()
  let localMotion = LocalMotion()
  let relighting = Relighting()
  let hashInput = PixelBuffer()
  var hashReducer: AreaDownsampler? = nil
  let gridScratch = UnsafeMutablePointer<Float>.allocate(capacity: FingerprintStream.cells)

  init() { hashInput.resize(width: 32, height: 32) }

  deinit { gridScratch.deallocate() }

  /// Appends frame `facts` with the measures of its reduced picture `gray` to `s`.
  func add(_ gray: GrayView, _ facts: FrameFacts, to s: inout FingerprintStream) {
    let cells = FingerprintStream.cells
    let n = s.time.count
    s.time.append(facts.time)
    s.pts.append(facts.pts)
    s.isKeyframe.append(facts.isKeyframe)
    s.isCorrupt.append(facts.isCorrupt)
    s.packetSize.append(facts.packetSize)
    s.durationTicks.append(facts.durationTicks)
    if let f = facts.format { s.formats.append((n, f.width, f.height, f.pixelFormat)) }
    s.contentHash.append(facts.contentHash)
    if let md5 = facts.md5 {
      s.md5.append(md5)
      s.rawSize.append(facts.rawSize)
    }
    // Change to the previous frame, then keep this one.
    if previous.width == gray.width && previous.height == gray.height && n > 0 {
      let sad = PixelDifference.sumOfAbsoluteDifferences(gray, previous.view)
      s.change.append(Float(Double(sad) / Double(gray.width * gray.height)))
    } else {
      previous.resize(width: gray.width, height: gray.height)
      s.change.append(0)
    }
    s.appendMotion(localMotion.measure(gray), relighting.measure(gray))
    gray.copy(to: previous.mutableView.base, destinationStride: previous.mutableView.stride)
    // pHash of the whole frame.
    guard gray.width >= 32 && gray.height >= 32 else {
      // Too small to hash (under 32 pixels): flat fingerprints, exact hashes still kept.
      s.phash.append(0); s.brightness.append(0)
      s.grid.append(contentsOf: repeatElement(0, count: cells))
      return
    }
    if hashReducer == nil || hashReducer!.sourceWidth != gray.width || hashReducer!.sourceHeight != gray.height {
      hashReducer = AreaDownsampler(sourceWidth: gray.width, sourceHeight: gray.height, width: 32, height: 32)
    }
    hashReducer!.downsample(gray, into: hashInput.mutableView)
    s.phash.append(PerceptualHash.perceptual(hashInput.view).bits)
    // Grid of mean luma, normalised.
    GridMeans.measure(gray, columns: FingerprintStream.gridColumns, rows: FingerprintStream.gridRows, into: gridScratch)
    var mean: Float = 0
    for i in 0..<cells { mean += gridScratch[i] }
    s.brightness.append(mean / Float(cells))
    GridMeans.normalise(gridScratch, count: cells)
    s.grid.append(contentsOf: UnsafeBufferPointer(start: gridScratch, count: cells))
  }
}
