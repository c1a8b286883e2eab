import FrameScoutCore

/// Which stretches of a file could hold motion, judged from its compressed packets alone
/// (no decoding): each packet's size against its own recent baseline, per frame type. A
/// moving person or car costs the encoder bits in every inter frame it crosses; a still
/// scene costs only what its grain costs. The model is deliberately one-sided: it may call
/// idle footage active (then it is decoded, which costs time, not events), and a scan skips
/// only what it calls idle *and* where the motion engine waits for nothing (`IdleSkipGate`).
///
/// How the thresholds adapt:
/// - Baselines are per frame type (keyframe, P, the first B after a P — the reference B of a
///   pyramid — and the other Bs): their sizes differ tenfold, and motion shows most in the
///   cheap ones (measured on TestVideos/passerby.mp4: idle non-reference Bs ~125 bytes,
///   ~200 under the walker; P frames 1.1–2.5 kB with the grain alone).
/// - A packet is active when it exceeds the median of the last `window` idle packets of its
///   type by `spreads` robust deviations (1.4826 × MAD) and by `relative` of the median, plus
///   `slackBytes`. Only idle packets update the baseline, so a long burst does not teach the
///   model that motion is normal.
/// - Noisy night footage: every inter frame is large and varies; the baseline is its median
///   and the deviation its spread, so the noise itself is the baseline. Where the noise
///   varies more than the thresholds allow, packets are called active and decoded: nothing
///   is skipped there, which is the right answer, only a slower one.
/// - CBR encoders hold every frame near one size and hide activity in the quantiser, which
///   the packet size does not show: when the inter frames' sizes are nearly constant
///   (`cbrSpread`), the model says so (`constantBitrate`) and nothing is skipped.
public struct PacketActivity: Sendable, Hashable {
  /// One video packet, in decode order.
  public struct Packet: Sendable, Hashable {
    public var pts: Int64
    public var size: Int
    public var isKey: Bool
    public init(pts: Int64, size: Int, isKey: Bool) { self.pts = pts; self.size = size; self.isKey = isKey }
  }

  /// The frame types baselines are kept for.
  enum Kind: Int, CaseIterable { case key, predicted, firstBidirectional, bidirectional }

  /// Idle packets a baseline is the median of.
  public static let window = 48
  /// Packets of a type needed before its baseline judges (the ones before are active).
  public static let warmup = 4
  public static let spreads = 4.0
  public static let relative = 0.25
  public static let slackBytes = 24
  /// A keyframe this far (relative) from the median of the last 4 keyframes is active.
  public static let keyframeChange = 0.3
  /// Inter frames whose sizes spread less than this (10th to 90th percentile over the
  /// median) are constant bitrate.
  public static let cbrSpread = 0.1

  /// Per packet (decode order): could it hold motion.
  public let active: [Bool]
  /// The inter frames' sizes are nearly constant: packet sizes do not show activity.
  public let constantBitrate: Bool

  /// Judges `packets` (one stream, decode order).
  public init(packets: [Packet]) {
    var active = [Bool](repeating: true, count: packets.count)
    var baselines = Kind.allCases.map { _ in Baseline() }
    var keySizes: [Int] = []
    var maxPts = Int64.min
    var previousKind = Kind.key
    var inter: [Int] = []
    for (i, p) in packets.enumerated() {
      let kind: Kind
      if p.isKey {
        kind = .key
      } else if p.pts >= maxPts {
        kind = .predicted
      } else {
        kind = previousKind == .predicted || previousKind == .key ? .firstBidirectional : .bidirectional
      }
      maxPts = max(maxPts, p.pts)
      previousKind = kind
      if kind == .key {
        let recent = keySizes.suffix(4).sorted()
        if recent.count >= 2 {
          let median = Double(recent[recent.count / 2])
          active[i] = abs(Double(p.size) - median) > Self.keyframeChange * median
        }
        keySizes.append(p.size)
        continue
      }
      inter.append(p.size)
      let judged = baselines[kind.rawValue].judge(p.size)
      active[i] = judged
    }
    self.active = active
    constantBitrate = Self.isConstant(inter)
  }

  /// Sizes whose 10th–90th percentile spread is under `cbrSpread` of their median (at
  /// least 50 of them: fewer say nothing).
  static func isConstant(_ sizes: [Int]) -> Bool {
    guard sizes.count >= 50 else { return false }
    let s = sizes.sorted()
    let median = Double(s[s.count / 2])
    guard median > 0 else { return false }
    return Double(s[s.count * 9 / 10] - s[s.count / 10]) < Self.cbrSpread * median
  }

  /// The rolling idle baseline of one frame type.
  struct Baseline: Sendable, Hashable {
    var ring: [Int] = []
    var head = 0

    /// Whether `size` is over the baseline; an idle size joins it.
    mutating func judge(_ size: Int) -> Bool {
      guard ring.count >= PacketActivity.warmup else { add(size); return true }
      let sorted = ring.sorted()
      let median = sorted[sorted.count / 2]
      let deviations = sorted.map { abs($0 - median) }.sorted()
      let spread = 1.4826 * Double(deviations[deviations.count / 2])
      let limit = Double(median) + max(PacketActivity.spreads * spread, PacketActivity.relative * Double(median))
        + Double(PacketActivity.slackBytes)
      if Double(size) > limit { return true }
      add(size)
      return false
    }

    mutating func add(_ size: Int) {
      if ring.count < PacketActivity.window { ring.append(size) } else { ring[head] = size; head = (head + 1) % ring.count }
    }
  }
}

/// Which GOPs of a file a scan decodes and which it may skip: from the packets' activity,
/// the GOPs that could hold motion, with context before them (at least `contextSeconds`
/// and one GOP: the lag frame, the noise history and the persistence window are warm when
/// motion can begin) and one GOP after. The rest are skip candidates: a scan skips one only
/// when the motion engine is idle as it reaches it (`IdleSkipGate`).
public struct IdleSkipPlan: Sendable, Hashable {
  /// Seconds decoded before a GOP that could hold motion.
  public static let contextSeconds = 2.0
  /// A file where fewer GOPs than this fraction are skip candidates is decoded whole: the
  /// chunked decoder of the whole file is as fast, without the waits.
  public static let minimumSkippable = 0.1

  /// Per GOP: must it be decoded (could hold motion, or is its context).
  public let decode: [Bool]
  /// Why nothing is skipped, when nothing is: "constant bitrate", "busy".
  public let fallback: String?

  public var candidates: Int { decode.filter { !$0 }.count }

  /// `gops`: each GOP's frames (display order, contiguous from 0); `packetFrame`: the frame
  /// number of each packet (nil when its pts is not in the table: active); `frameDuration`
  /// in seconds.
  public init(activity: PacketActivity, packetFrames: [Int?], gops: [Range<Int>], frameDuration: Double) {
    var active = [Bool](repeating: false, count: gops.count)
    let gopOf = Self.gopIndex(gops)
    for (i, frame) in packetFrames.enumerated() {
      guard let frame, frame < gopOf.count else { active = active.map { _ in true }; break }
      if activity.active[i] { active[gopOf[frame]] = true }
    }
    if let first = active.indices.first { active[first] = true }
    var decode = active
    let contextFrames = Int((Self.contextSeconds / max(frameDuration, 1e-6)).rounded(.up))
    for g in gops.indices where active[g] {
      var covered = 0, k = g - 1
      while k >= 0 && (covered < contextFrames || k == g - 1) {
        decode[k] = true
        covered += gops[k].count
        k -= 1
      }
      if g + 1 < gops.count { decode[g + 1] = true }
    }
    if activity.constantBitrate {
      self.decode = decode.map { _ in true }
      fallback = "constant bitrate"
    } else if Double(decode.filter { !$0 }.count) < Self.minimumSkippable * Double(gops.count) {
      self.decode = decode.map { _ in true }
      fallback = decode.contains(false) ? "busy" : "no idle GOP"
    } else {
      self.decode = decode
      fallback = nil
    }
  }

  static func gopIndex(_ gops: [Range<Int>]) -> [Int] {
    var index: [Int] = []
    for (g, r) in gops.enumerated() { index += [Int](repeating: g, count: r.count) }
    return index
  }
}
