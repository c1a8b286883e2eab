import FrameScoutCore

/// How much grain lowers the correlation of two pictures of the same thing, so that find's
/// threshold can be asked of the object, not of the grain over it.
///
/// A patch seen through noise is signal S (variance σs²) plus noise N (σn²). Two copies with
/// independent noise correlate, however alike their signals, at most
///
///     ρ_expected = 1 / √((1 + σn_t²/σs_t²)(1 + σn_w²/σs_w²)) = √((1 − σn_t²/var_t)(1 − σn_w²/var_w))
///
/// (t the target, w the window; var = σs² + σn² is what a patch's variance measures). A look
/// whose score is `minimumScore × ρ_expected` is as good a match as `minimumScore` is without
/// grain. The spot a parcel leaves or a random patch is lowered by the same factor, so the
/// ratio between object and empty spot stays; the background check (`FindPlace.shows`) is
/// asked as before.
///
/// Measured at the truth box of the scoreboard's cases (keyframes; `ρ_w` from two looks of the
/// spot): night_box_removed in the dark, score 0.47-0.55 with looks correlating 0.44-0.52 with
/// each other; ir_bag_left 0.68-0.73 with 0.60-0.70; light_off_removed with the light off
/// 0.56-0.66 with 0.43-0.57; daylight clips 0.95-0.99 between looks. The spots without the
/// object scored 0.19-0.46 there.
enum PatchNoise {
  /// `ρ_expected` is never taken below this: a window more than three parts grain to one
  /// part picture (`1 − σn²/var` under 0.25 with a clean target) is not evidence enough to
  /// lower the threshold further.
  static let lowestExpectedCorrelation = 0.5

  /// How far above chance a threshold stays. A dark, smooth target (light_off_removed, cut
  /// while the floodlight is off: std 7 gray levels) matches random pavement at 0.65-0.75 at
  /// every size and its own parcel in the dark at only 0.56-0.66: lowering the threshold for
  /// the grain found ranges at five wrong places, and even the fixed 0.77 of its smallest size
  /// was crossed at random spots when sampling every 10th frame (14 ranges, 70 of the frames
  /// checked without the object). The targets found through grain stand well clear of it
  /// (ir_bag_left: 0.68-0.73 against chance 0.34-0.55; TestVideos night_noise: 0.69-0.75
  /// against 0.18-0.35); asking more than 0.75 of a target this near chance changed no other
  /// case of either scoreboard.
  static let chanceMargin = 0.1

  /// The score a match needs: `minimumScore × expected + margin` (`expected` 1 without
  /// grain), but never within `chanceMargin` of `chanceLevel` (the score the target reaches
  /// by chance in the footage) — which may ask more than `minimumScore` of a target that
  /// random texture matches well — and never lowered when that level is not known.
  static func threshold(minimumScore: Double, margin: Double, expected: Double, chanceLevel: Double?) -> Double {
    guard let level = chanceLevel else { return minimumScore + margin }
    return max(minimumScore * expected + margin, level + chanceMargin)
  }

  /// The correlation two copies of a target (variance `targetVariance`, noise variance
  /// `targetNoise`) and a window (`windowVariance`, `windowNoise`) of the same thing are
  /// expected to have; 1 without noise, at least `lowestExpectedCorrelation`.
  static func expectedCorrelation(targetVariance: Double, targetNoise: Double, windowVariance: Double, windowNoise: Double) -> Double {
    let r = (signalShare(variance: targetVariance, noise: targetNoise) * signalShare(variance: windowVariance, noise: windowNoise)).squareRoot()
    return min(1, max(lowestExpectedCorrelation, r))
  }

  /// The share of a patch's variance that is picture: 1 − σn²/var, in 0.25…1 (1 for a flat
  /// patch; a patch more than three parts grain is taken as three parts).
  static func signalShare(variance: Double, noise: Double) -> Double {
    variance > 0 ? min(1, max(0.25, 1 - noise / variance)) : 1
  }

  /// The noise variance of two looks of the same spot taken at different times: when only
  /// grain (and compression) differs between them their NCC is σs²/(σs² + σn²), so
  /// σn² = (1 − ncc)·var, var the geometric mean of theirs. A change between the two (a
  /// passer-by, the object set down) reads as more noise, never less: callers take the least
  /// over several pairs. Allocates nothing.
  static func pairVariance(_ a: GrayView, _ b: GrayView) -> Double {
    let sa = RegionStatistics.measure(a), sb = RegionStatistics.measure(b)
    let r = correlation(a, b, sa, sb)
    return max(0, 1 - r) * (sa.variance * sb.variance).squareRoot()
  }

  /// NCC of two views of the same size from exact sums (0 when either is flat).
  static func correlation(_ a: GrayView, _ b: GrayView, _ sa: RegionStatistics, _ sb: RegionStatistics) -> Double {
    let n = sa.count
    let va = n &* sa.sumOfSquares &- sa.sum &* sa.sum, vb = n &* sb.sumOfSquares &- sb.sum &* sb.sum
    guard va > 0, vb > 0 else { return 0 }
    return Double(n &* RegionStatistics.dotProduct(a, b) &- sa.sum &* sb.sum) / (Double(va) * Double(vb)).squareRoot()
  }

  /// The noise variance of one picture from its finest detail (Immerkær's mask
  /// [1 −2 1; −2 4 −2; 1 −2 1], whose response to white noise of σ has σ·6): the median
  /// |response| / (0.6745·6), squared. The median leaves out edges and texture while fewer
  /// than half the pixels lie on them. Compression smooths grain into blotches the mask does
  /// not see, so on H.264 footage this reads low (measured: 0.5 where two frames differ by σ
  /// 7-12, TestVideos night_noise); low is the safe side, it keeps the threshold up. Used once
  /// per target size.
  static func spatialVariance(of v: GrayView) -> Double {
    guard v.width >= 3, v.height >= 3 else { return 0 }
    var r: [Int] = []
    r.reserveCapacity((v.width - 2) * (v.height - 2))
    for y in 1..<(v.height - 1) {
      for x in 1..<(v.width - 1) {
        func p(_ dx: Int, _ dy: Int) -> Int { Int(v[x + dx, y + dy]) }
        let l = p(-1, -1) - 2 * p(0, -1) + p(1, -1) - 2 * p(-1, 0) + 4 * p(0, 0) - 2 * p(1, 0) + p(-1, 1) - 2 * p(0, 1) + p(1, 1)
        r.append(abs(l))
      }
    }
    r.sort()
    let sigma = Double(r[(r.count - 1) / 2]) / (0.674_489_75 * 6)
    return sigma * sigma
  }
}
