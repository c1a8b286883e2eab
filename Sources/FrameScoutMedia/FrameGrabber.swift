import FrameScoutCore

/// Fetches exact frames by number or time: seeks to the keyframe before the frame and
/// decodes forward, comparing timestamps (not counts) to land on it.
public final class FrameGrabber {
  public let path: String
  let decoder: VideoDecoder
  let options: OpenOptions
  /// Sorted frame timestamps from the packets; nil for streams without timestamps, which
  /// are decoded from the start and counted instead.
  public let table: FrameTable?

  /// Video packets in the file (one per frame), counted when there are no timestamps.
  let packetCount: Int?

  public init(path: String, options: OpenOptions = OpenOptions()) throws(MediaError) {
    self.path = path
    table = try FrameTable.read(path: path, options: options)
    packetCount = table == nil ? try PacketScan.scan(path: path, options: options).packets : nil
    decoder = try VideoDecoder(path: path, options: DecodeOptions(open: options, analysisWidth: nil))
    self.options = options
  }

  public var info: StreamInfo { decoder.info }
  /// How the stream's frames are numbered and timed.
  public var clock: StreamClock { decoder.clock }
  public var warnings: [String] { decoder.warnings }
  public var damage: DamageReport { decoder.damage }

  /// Frame count when known without decoding (from the packets).
  public var frameCount: Int? { table?.count ?? packetCount }

  /// Resolves a user time to a frame number, or throws `outOfRange` naming the limits.
  public func frameNumber(for spec: TimeSpec) throws(MediaError) -> Int {
    // A stream whose packets give no frame at all is damaged input, not a time out of range.
    if frameCount == 0 { throw MediaError(file: path, kind: .readFailed, reason: "no frame could be read (damaged or missing data)") }
    switch spec {
    case .frame(let n):
      if let count = frameCount, n >= count {
        throw MediaError(file: path, kind: .outOfRange, reason: "frame #\(n) is past the end (the video has \(count) frames, #0–#\(count - 1))")
      }
      return n
    case .seconds(let s):
      guard let table else {
        let n = clock.frame(at: s)
        if let count = frameCount, n >= count {
          throw MediaError(file: path, kind: .outOfRange, reason: "\(Timecode.format(s)) is past the end (the video lasts \(Timecode.format(clock.seconds(ofFrame: count))))")
        }
        return n
      }
      guard let n = table.frame(at: s), let last = table.pts.indices.last else {
        throw MediaError(file: path, kind: .outOfRange, reason: "\(Timecode.format(s)) is before the first frame")
      }
      let end = table.time(ofFrame: last) + clock.frameDuration
      if s >= end {
        throw MediaError(file: path, kind: .outOfRange, reason: "\(Timecode.format(s)) is past the end (the video lasts \(Timecode.format(end)))")
      }
      return n
    }
  }

  /// Decodes frame `n` and lends it to `body`. Throws `outOfRange` when the stream ends first.
  public func withFrame<R>(_ n: Int, _ body: (borrowing VideoFrame, Int) throws -> R) throws -> R {
    var result: R? = nil
    if let table {
      guard n < table.count else { throw MediaError(file: path, kind: .outOfRange, reason: "frame #\(n) is past the end") }
      let target = table.pts[n]
      // Seek before the frame; if the demuxer lands after it (index by dts), step back further.
      let time = table.time(ofFrame: n)
      var back = 0.0
      while true {
        let from = max(0, time - back)
        // Seeking is only as good as the demuxer's index (MPEG-TS seeks by bisection and
        // can land past the frame or on data the decoder cannot start from); from the
        // start, read the file from its first byte instead.
        if from == 0 { try decoder.rewind() } else { try decoder.seek(toKeyframeAtOrBefore: from) }
        var overshot = false, delivered = false
        try decoder.forEachFrame { frame in
          delivered = true
          guard let pts = frame.pts else { return .next }
          if pts == target { result = try body(frame, n); return .stop }
          if pts > target { overshot = true; return .stop }
          return .next
        }
        // Done, or the target is not in the stream (the stream ended past it, or even a
        // decode from the first byte passed it by).
        if result != nil || from == 0 || (delivered && !overshot) { break }
        back = back == 0 ? 2 : back * 2
      }
      if result == nil {
        // The frame is in the file's index, so the time asked is fine: the data is not.
        throw MediaError(file: path, kind: .readFailed, reason: "frame #\(n) could not be decoded (damaged or missing data)")
      }
    } else {
      try decoder.seek(toKeyframeAtOrBefore: 0)
      try decoder.forEachFrame { frame in
        if frame.index == n { result = try body(frame, n); return .stop }
        return .next
      }
      if result == nil { throw MediaError(file: path, kind: .outOfRange, reason: "frame #\(n) is past the end of the stream") }
    }
    return result!
  }

  /// Lends each of the frames `numbers` (ascending) to `body`: by seeking when the
  /// timestamps are known, else in one pass from the start. Returns the numbers that
  /// could not be decoded (damaged data), which are skipped.
  @discardableResult
  public func forEachFrame(_ numbers: [Int], _ body: (borrowing VideoFrame, Int) throws -> Void) throws -> [Int] {
    var missing: [Int] = []
    if table != nil {
      for n in numbers {
        do { try withFrame(n) { frame, n in try body(frame, n) } }
        catch let e as MediaError where e.kind == .outOfRange { missing.append(n) }
      }
      return missing
    }
    var wanted = Set(numbers)
    try decoder.rewind()
    try decoder.forEachFrame { frame in
      if wanted.remove(frame.index) != nil { try body(frame, frame.index) }
      return wanted.isEmpty ? .stop : .next
    }
    return wanted.sorted()
  }
}
