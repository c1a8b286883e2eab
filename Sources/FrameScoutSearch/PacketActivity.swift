import FrameScoutCore

/// Which GOPs of a file could hold motion, judged from its compressed packets alone (no
/// decoding): each GOP's mean packet size per frame type against the same means over the
/// recent idle GOPs. A moving person or car costs the encoder bits in every inter frame it
/// crosses; a still scene costs only what its grain costs. The model is deliberately
/// one-sided: it may call idle footage active (then it is decoded, which costs time, not
/// events), and a scan skips only what it calls idle *and* where the motion engine waits for
/// nothing (`IdleSkipGate`).
///
/// Measured on the TestVideos clips (640x360, grain `noise=8`, GOP 50, b-pyramid): frame by
/// frame, a P frame's size swings ±40 % with the grain and with its place in the GOP, more
/// than a walker adds, so single packets tell little; a GOP's mean per frame type swings
/// ±10 % when idle and rises 30–80 % (B frames) under a walker. Hence GOPs, per type:
/// - Types are the keyframe, P, the first B after a P (the reference B of a pyramid) and the
///   other Bs: their sizes differ tenfold, and motion shows most in the cheap ones.
/// - A GOP is active when the mean size of one of its types exceeds the median of that
///   type's means over the last `window` idle GOPs by `relative` plus `slackBytes`, or its
///   keyframe's size departs from the last keyframes' median by `keyframeChange`. Only idle
///   GOPs join the baseline, so a long burst does not teach the model that motion is
///   normal; the first `warmup` GOPs are active (no baseline yet), and so is a GOP with an
///   intra frame that lacks the key flag (`intraShare`).
/// - Noisy night footage: the grain is the baseline (every P frame is large, and so is its
///   mean). Where the idle GOPs' means spread by more than `noisySpread` (half the margin),
///   the grain moves a GOP as much as a walker would: every GOP is active, nothing is
///   skipped, which is right, only slower (TestVideos/night_noise.mp4 and rain_ir.mp4 skip
///   nothing).
/// - CBR encoders hold every frame near one size and hide activity in the quantiser, which
///   sizes do not show: when the P frames' sizes are nearly constant (`cbrSpread`), the
///   model says so (`constantBitrate`) and nothing is skipped.
public struct PacketActivity: Sendable, Hashable {
  /// One video packet, in decode order.
  public struct Packet: Sendable, Hashable {
    public var pts: Int64
    public var size: Int
    public var isKey: Bool
    public init(pts: Int64, size: Int, isKey: Bool) { self.pts = pts; self.size = size; self.isKey = isKey }
  }

  /// The frame types baselines are kept for (inter frames).
  enum Kind: Int, CaseIterable { case predicted, firstBidirectional, bidirectional }

  /// Idle GOPs a baseline is the median of.
  public static let window = 8
  /// GOPs at the start that are active (their baseline is being learnt).
  public static let warmup = 2
  public static let relative = 0.15
  public static let slackBytes = 8.0
  /// Idle GOP means of one type spreading more than this (relative) make every GOP active.
  public static let noisySpread = relative / 2
  /// A keyframe this far (relative) from the median of the last 4 keyframes is active.
  public static let keyframeChange = 0.3
  /// A non-key packet over this share of the last keyframe's size is an intra frame: its
  /// GOP is active (measured: a DVR re-encode with an unflagged I frame every 50 frames hid
  /// a walker's entry in the P frames' mean, and the event started 42 frames late).
  public static let intraShare = 0.5
  /// P frames whose sizes spread less than this (10th to 90th percentile over the median)
  /// are constant bitrate.
  public static let cbrSpread = 0.1

  /// Per GOP: could it hold motion.
  public let active: [Bool]
  /// The P frames' sizes are nearly constant: packet sizes do not show activity.
  public let constantBitrate: Bool

  /// Judges `packets` (one stream, decode order), `gopOf` giving each packet's GOP (nil:
  /// a packet outside the frame table, which makes every GOP active).
  public init(packets: [Packet], gopOf: [Int?], gops: Int) {
    var sums = [[Double]](repeating: [0, 0, 0], count: gops)
    var counts = [[Int]](repeating: [0, 0, 0], count: gops)
    var keySizes = [Int?](repeating: nil, count: gops)
    var predicted: [Int] = []
    var maxPts = Int64.min
    var previousWasP = true
    var unplaced = false
    var lastKey: Int?
    var intra = [Bool](repeating: false, count: gops)
    for (i, p) in packets.enumerated() {
      guard let g = gopOf[i], g < gops else { unplaced = true; continue }
      if p.isKey {
        keySizes[g] = p.size
        lastKey = p.size
        previousWasP = true
      } else if let k = lastKey, Double(p.size) > Self.intraShare * Double(k) {
        // An intra frame without the key flag (a scene cut, a forced refresh): its size
        // would drown a type's mean, and the encoder saw something new: decode.
        intra[g] = true
      } else {
        let kind: Kind = p.pts >= maxPts ? .predicted : previousWasP ? .firstBidirectional : .bidirectional
        previousWasP = kind == .predicted
        sums[g][kind.rawValue] += Double(p.size)
        counts[g][kind.rawValue] += 1
        if kind == .predicted { predicted.append(p.size) }
      }
      maxPts = max(maxPts, p.pts)
    }
    var active = [Bool](repeating: true, count: gops)
    var idleMeans: [[Double]] = Kind.allCases.map { _ in [] }
    var keys: [Int] = []
    for g in 0..<gops where !unplaced {
      var busy = g < Self.warmup || intra[g]
      if let k = keySizes[g] {
        let recent = keys.suffix(4).sorted()
        if let median = recent.isEmpty ? nil : Double(recent[recent.count / 2]), abs(Double(k) - median) > Self.keyframeChange * median {
          busy = true
        }
        keys.append(k)
      }
      for kind in Kind.allCases.map(\.rawValue) where counts[g][kind] > 0 {
        let mean = sums[g][kind] / Double(counts[g][kind])
        let recent = idleMeans[kind].suffix(Self.window).sorted()
        if recent.isEmpty { busy = busy || g >= Self.warmup; continue }
        let median = recent[recent.count / 2]
        if mean > median * (1 + Self.relative) + Self.slackBytes { busy = true }
        // Idle GOPs whose means spread (1.4826 x MAD) over half the margin: the grain moves
        // a GOP as much as a walker would, and nothing here can be told idle.
        if recent.count >= 3, median > 0 {
          let deviations = recent.map { abs($0 - median) }.sorted()
          if 1.4826 * deviations[deviations.count / 2] > Self.noisySpread * median { busy = true }
        }
      }
      active[g] = busy
      if !busy || g < Self.warmup {
        for kind in 0..<3 where counts[g][kind] > 0 { idleMeans[kind].append(sums[g][kind] / Double(counts[g][kind])) }
      }
    }
    self.active = active
    constantBitrate = Self.isConstant(predicted)
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

  /// `activity`: per GOP; `gops`: each GOP's frames (display order); `frameDuration` in seconds.
  public init(activity: PacketActivity, gops: [Range<Int>], frameDuration: Double) {
    var active = activity.active
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

  /// The GOP of every frame number.
  public static func gopIndex(_ gops: [Range<Int>]) -> [Int] {
    var index: [Int] = []
    for (g, r) in gops.enumerated() { index += [Int](repeating: g, count: r.count) }
    return index
  }
}
