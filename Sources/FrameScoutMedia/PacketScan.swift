import CFFmpeg
import Foundation

/// Facts read from the video packets alone (demux, no decode): frame count, keyframe
/// intervals, timestamp regularity. Memory is bounded: only histograms are kept.
public struct PacketScan: Sendable, Hashable {
  /// Video packets read (one per frame for the codecs FrameScout meets).
  public var packets = 0
  public var keyframes = 0
  /// Whether the whole stream was read (false when stopped at a limit).
  public var complete = false
  /// Keyframe interval in frames: min, median, max over the intervals seen.
  public var keyframeInterval: (min: Int, median: Int, max: Int)? { Self.stats(intervalHistogram) }
  /// Frame rate measured from timestamps: (frames − 1) ÷ (last pts − first pts).
  public var measuredFPS: Double? {
    guard let lo = minPts, let hi = maxPts, hi > lo, packets > 1 else { return nil }
    return Double(packets - 1) / (Double(hi - lo) * timeBase)
  }
  /// Variable frame rate: the most common dts step covers under 95 % of the steps, or a
  /// step over 1.5× the common one appears (a gap). Nil without timestamps.
  public var variableFrameRate: Bool? {
    guard let (common, n) = deltaHistogram.max(by: { $0.value < $1.value }), deltaCount > 0 else { return nil }
    let irregular = deltaHistogram.contains { $0.key > common + common / 2 || $0.key < common / 2 }
    return Double(n) / Double(deltaCount) < 0.95 || irregular
  }
  public var corruptPackets = 0
  public var readErrors = 0

  var intervalHistogram: [Int: Int] = [:]
  var deltaHistogram: [Int64: Int] = [:]
  var deltaCount = 0
  var minPts: Int64?
  var maxPts: Int64?
  var timeBase = 1.0

  static func stats(_ h: [Int: Int]) -> (min: Int, median: Int, max: Int)? {
    guard !h.isEmpty else { return nil }
    let keys = h.keys.sorted()
    let total = h.values.reduce(0, +)
    var seen = 0, median = keys[0]
    for k in keys { seen += h[k]!; if seen * 2 >= total { median = k; break } }
    return (keys.first!, median, keys.last!)
  }

  public static func == (a: PacketScan, b: PacketScan) -> Bool {
    a.packets == b.packets && a.keyframes == b.keyframes && a.intervalHistogram == b.intervalHistogram
      && a.deltaHistogram == b.deltaHistogram && a.minPts == b.minPts && a.maxPts == b.maxPts
  }
  public func hash(into h: inout Hasher) { h.combine(packets); h.combine(keyframes) }

  /// Reads the video packets of `path`, all of them, or up to `limit` packets.
  public static func scan(path: String, options: OpenOptions = OpenOptions(), limit: Int? = nil) throws(MediaError) -> PacketScan {
    let input = try InputFile(path: path, options: options)
    var result = PacketScan()
    result.timeBase = input.stream.pointee.time_base.doubleValue ?? 1
    var sinceKey: Int? = nil
    var lastDts: Int64? = nil
    var stoppedAtLimit = false
    result.readErrors = try input.forEachVideoPacket { pkt in
      if let limit, result.packets >= limit { stoppedAtLimit = true; return false }
      result.packets += 1
      if cffmpeg_packet_is_corrupt(pkt) != 0 { result.corruptPackets += 1 }
      if cffmpeg_packet_is_key(pkt) != 0 {
        result.keyframes += 1
        if let n = sinceKey { result.intervalHistogram[n, default: 0] += 1 }
        sinceKey = 1
      } else if let n = sinceKey {
        sinceKey = n + 1
      }
      if !input.containerHasNoTimestamps {
        let pts = pkt.pointee.pts
        if pts != CFFMPEG_NOPTS_VALUE {
          result.minPts = min(result.minPts ?? pts, pts)
          result.maxPts = max(result.maxPts ?? pts, pts)
        }
        let dts = pkt.pointee.dts
        if dts != CFFMPEG_NOPTS_VALUE {
          if let last = lastDts {
            result.deltaHistogram[dts - last, default: 0] += 1
            result.deltaCount += 1
          }
          lastDts = dts
        }
      }
      return true
    }
    result.complete = !stoppedAtLimit
    return result
  }
}

/// Presentation timestamps of every video frame, sorted: the map from a frame number to
/// its pts, for exact seeking in any file (variable frame rate included). Read from the
/// packets (no decode); 8 bytes per frame, built only for one-off lookups (`frame`, `sheet`).
public struct FrameTable: Sendable {
  public let pts: [Int64]
  public let timeBase: Double
  public let originPts: Int64
  /// Frame numbers (display order) of the keyframes, ascending.
  public var keyframes: [Int] = []
  /// Every video packet in decode order (pts, size, keyframe flag), when read `withPackets`.
  public var packets: [(pts: Int64, size: Int, isKey: Bool)] = []

  public var count: Int { pts.count }

  /// The frame number (display order) of a frame's pts, or nil when no frame has it.
  public func number(ofPts p: Int64) -> Int? {
    var lo = 0, hi = pts.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if pts[mid] < p { lo = mid + 1 } else { hi = mid }
    }
    return lo < pts.count && pts[lo] == p ? lo : nil
  }
  /// Seconds of frame `n` on the decoder's clock (`VideoFrame.time`).
  public func time(ofFrame n: Int) -> Double { Double(pts[n] - originPts) * timeBase }

  /// The frame shown at `seconds`: the last frame whose time is at or before it
  /// (with half a millisecond of slack for rounded input). Nil before the first frame.
  public func frame(at seconds: Double) -> Int? {
    var lo = 0, hi = pts.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if time(ofFrame: mid) <= seconds + 0.0005 { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? nil : lo - 1
  }

  /// Nil when the stream carries no timestamps (raw elementary streams). `withPackets` keeps
  /// every packet's pts, size and keyframe flag too (`packets`, 24 bytes a frame).
  public static func read(path: String, options: OpenOptions = OpenOptions(), withPackets: Bool = false) throws(MediaError) -> FrameTable? {
    let input = try InputFile(path: path, options: options)
    if input.containerHasNoTimestamps { return nil }
    var list: [Int64] = []
    var keyPts: [Int64] = []
    var missingPts = false
    var packets: [(pts: Int64, size: Int, isKey: Bool)] = []
    _ = try input.forEachVideoPacket { pkt in
      if pkt.pointee.pts == CFFMPEG_NOPTS_VALUE { missingPts = true; return false }
      list.append(pkt.pointee.pts)
      let key = cffmpeg_packet_is_key(pkt) != 0
      if key { keyPts.append(pkt.pointee.pts) }
      if withPackets { packets.append((pkt.pointee.pts, Int(pkt.pointee.size), key)) }
      return true
    }
    if missingPts { return nil }
    list.sort()
    let st = input.stream.pointee
    let origin = st.start_time != CFFMPEG_NOPTS_VALUE ? st.start_time : (list.first ?? 0)
    var table = FrameTable(pts: list, timeBase: st.time_base.doubleValue ?? 1, originPts: origin)
    table.keyframes = keyPts.compactMap { table.number(ofPts: $0) }.sorted()
    table.packets = packets
    return table
  }
}
