import FrameScoutCore

/// What scoring one frame found.
public struct FrameScore: Sendable, Hashable {
  /// Changed fraction of the busiest cell (0…1).
  public var score: Double
  /// Gray-level threshold for a pixel to count as changed (from the noise estimate).
  public var pixelThreshold: Int
  /// True when a global lighting change was compensated on this frame.
  public var lightingCorrected: Bool
  /// False while the ring fills (no frame `lag` back to difference with): the score is 0.
  public var differenced: Bool
}

/// Scores frames for motion, one at a time (all of it allocation-free, in FrameScoutCore
/// kernels):
/// 1. the frame, reduced to the analysis width, goes into a small ring of past frames;
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
///    on the far side of the frame as visible as one nearby;
/// 5. every cell's changed fraction is lowered by the frame's clutter: the median cell's
///    changed fraction over the whole frame (regions or not) plus `clutterSpread` robust
///    deviations of the cells around it. Rain or snow in front of an IR camera changes a
///    tenth of every cell at once; a person or a car changes a few cells (most cells are
///    still, and the clutter is 0);
/// 6. a cell counts with its lowest changed fraction over the last `persistence` frames,
///    less the fraction its own noise keeps changed when nothing moves there (`idle`): grain
///    is not even over a picture (a dark corner of a night scene is grainier than the lit
///    pavement), and a cell where grain alone keeps 4 % of the pixels over the frame's
///    pixel threshold would otherwise sit at the score threshold all night.
public struct MotionScorer: ~Copyable {
  let grid: MotionGrid
  let width: Int, height: Int
  // Ring of past frames: `ringCount` slots of width × height.
  var ring: PixelStore
  let ringCount: Int
  var ringFilled = 0
  var ringHead = 0
  var ringMeans: [Double]
  var ringDeviations: [Double]
  var difference: PixelStore
  var corrected: PixelStore
  var table = PixelStore(count: 256)
  var changeMap: ChangeMap
  var noiseHistory = [Int](repeating: 0, count: 15)
  var madHistory = [Int](repeating: 0, count: 15)
  /// The pixel threshold of the footage's noise (the last 15 measurements).
  var footageNoise = ScanSettings.minimumPixelThreshold
  var noiseFilled = 0
  var noiseHead = 0
  var scratch = [Int](repeating: 0, count: 15)
  /// Changed fraction per cell over the last `persistence` frames (ring), and their minimum.
  var cellHistory: [Double]
  var cellHistoryHead = 0
  var cellHistoryFilled = 0
  /// Per cell, the lowest changed fraction over the last `persistence` frames less the
  /// cell's idle fraction (after `score`).
  public private(set) var persisted: [Double]
  /// Per cell, the changed fraction its noise alone keeps (a slow average over the frames
  /// where the cell is not moving, so motion is never learned as noise).
  var idle: [Double]
  var idleSamples = 0
  /// This frame's clutter (see `clutterLevel`).
  var clutter = 0.0
  /// Scratch for the median of the cells' fractions.
  var cellScratch: [Double]
  /// The pixel threshold of the last scored frame.
  var lastPixelThreshold = 255
  /// The score threshold (a cell at or over it is moving: its idle level is not updated).
  let threshold: Double
  /// Frames scored (the noise is measured on every other one).
  var scored = 0

  /// `lagFrames`: analysed frames between the two that are differenced.
  public init(grid: MotionGrid, lagFrames: Int, threshold: Double) {
    self.grid = grid
    self.threshold = threshold
    width = grid.geometry.analysisWidth
    height = grid.geometry.analysisHeight
    ringCount = lagFrames + 1
    ring = PixelStore(count: width * height * ringCount)
    ringMeans = [Double](repeating: 0, count: ringCount)
    ringDeviations = [Double](repeating: 0, count: ringCount)
    difference = PixelStore(count: width * height)
    corrected = PixelStore(count: width * height)
    changeMap = grid.changeMap()
    cellHistory = [Double](repeating: 0, count: grid.count * ScanSettings.persistence)
    persisted = [Double](repeating: 0, count: grid.count)
    idle = persisted
    cellScratch = persisted
  }

  /// Forgets the past frames: the next frame has no earlier one to difference with (a new
  /// file of the timeline: no differencing across a file boundary). The noise history
  /// carries on.
  public mutating func restart() {
    ringFilled = 0
    cellHistoryFilled = 0
  }

  /// The newest frame (the one scored last).
  var newest: GrayView { ring.view(at: ((ringHead + ringCount - 1) % ringCount) * width * height, width: width, height: height) }
  /// The oldest frame of the ring (the one the newest was differenced with).
  var oldest: GrayView { ring.view(at: ringHead * width * height, width: width, height: height) }

  /// Scores one frame of the analysis size.
  public mutating func score(_ gray: GrayView) -> FrameScore {
    scored += 1
    let n = width * height
    let stats = RegionStatistics.measure(gray)
    let slot = ringHead
    gray.copy(to: ring.mutableView(at: slot * n, width: width, height: height).base)
    ringMeans[slot] = stats.mean
    ringDeviations[slot] = stats.standardDeviation
    ringHead = (ringHead + 1) % ringCount
    ringFilled = min(ringFilled + 1, ringCount)
    guard ringFilled == ringCount else {
      return FrameScore(score: 0, pixelThreshold: 0, lightingCorrected: false, differenced: false)
    }
    let old = ringHead   // the oldest slot (the next to be overwritten)
    let current = ring.view(at: slot * n, width: width, height: height)
    let (previous, lightingCorrected) = matchLighting(ring.view(at: old * n, width: width, height: height), to: current,
                                                      means: (ringMeans[old], ringMeans[slot]),
                                                      deviations: (ringDeviations[old], ringDeviations[slot]))
    PixelDifference.absolute(previous, current, into: difference.mutableView(width: width, height: height))
    let pixelThreshold = measureNoise()
    // Over the whole frame first (before the mask): how much of the picture changes at once.
    changeMap.update(difference: difference.view(width: width, height: height), threshold: UInt8(pixelThreshold))
    clutter = clutterLevel()
    if grid.hasMask {
      let target = difference.mutableView(width: width, height: height)
      grid.mask.withUnsafeBufferPointer { m in
        PixelMask.apply(GrayView(base: m.baseAddress!, width: target.width, height: target.height, stride: target.width), to: target)
      }
    }
    changeMap.update(difference: difference.view(width: width, height: height), threshold: UInt8(pixelThreshold))
    lastPixelThreshold = pixelThreshold
    return FrameScore(score: persistCells(), pixelThreshold: pixelThreshold, lightingCorrected: lightingCorrected, differenced: true)
  }

  /// Where the last scored frame moved: its changed pixels (inside the regions) in the
  /// cells at or over the threshold, in analysis pixels. Called on frames with motion only.
  public func motionBounds() -> PixelBounds {
    var b = PixelBounds()
    let d = difference.view(width: width, height: height)
    for k in 0..<grid.count where persisted[k] >= threshold {
      b.include(d, over: UInt8(lastPixelThreshold), in: grid.cells[k])
    }
    return b
  }

  /// Global lighting: the old frame matched to the current one's mean and contrast, kept
  /// only when the match explains the change (a smaller sum of differences): lights
  /// switched on are explained, a large object changing the mean is not.
  mutating func matchLighting(_ previous: GrayView, to current: GrayView, means: (old: Double, new: Double),
                              deviations: (old: Double, new: Double)) -> (GrayView, Bool) {
    let dm = means.new - means.old
    let ds = deviations.old > 0 ? deviations.new / deviations.old : 1
    guard abs(dm) > 2 || abs(ds - 1) > 0.06 else { return (previous, false) }
    let gain = ds, offset = means.new - gain * means.old
    let t = table.pointer()
    PixelMask.linearTable(gain: gain, offset: offset, into: t)
    PixelMask.map(previous, through: t, into: corrected.mutableView(width: width, height: height))
    let matched = corrected.view(width: width, height: height)
    if PixelDifference.sumOfAbsoluteDifferences(matched, current) < PixelDifference.sumOfAbsoluteDifferences(previous, current) {
      return (matched, true)
    }
    return (previous, false)
  }

  /// The pixel threshold for the current difference.
  ///
  /// Noise: the 90th percentile and the median of |difference| over the frame. The pixel
  /// threshold is twice the percentile (it sees compression's heavy tails), but at most
  /// `madCap` times the median, so a large moving object (a truck filling a third of the
  /// picture, whose pixels raise the percentile) cannot lift the threshold over its own
  /// contrast. The footage's noise is that of the last 15 measured frames (each value's
  /// median; measured on every other frame, noise changes slowly), and the threshold is
  /// never under what this frame's own difference needs: at a keyframe an encoder renews
  /// the grain of noisy footage everywhere at once, and the differences across it are
  /// several times noisier than the frames around them (night footage: 2x p90 goes from
  /// under 6 to 12–20 for the 5 frames around each keyframe).
  /// Every 4th row is plenty (14,400 samples at 320x180) and keeps the histogram, the
  /// costliest step of the frame, small.
  mutating func measureNoise() -> Int {
    let d = difference.view(width: width, height: height)
    let sampled = GrayView(base: d.base, width: d.width, height: (d.height + 3) / 4, stride: d.stride * 4)
    let estimate = NoiseEstimate.of(difference: sampled)
    if noiseFilled == 0 || scored % 2 == 0 {
      noiseHistory[noiseHead] = estimate.upperDecile
      madHistory[noiseHead] = estimate.medianAbsoluteDifference
      noiseHead = (noiseHead + 1) % noiseHistory.count
      noiseFilled = min(noiseFilled + 1, noiseHistory.count)
      footageNoise = pixelThreshold(decile: median(of: noiseHistory), mad: median(of: madHistory))
    }
    return max(footageNoise, pixelThreshold(decile: estimate.upperDecile, mad: estimate.medianAbsoluteDifference))
  }

  /// The pixel threshold of a noise level: 2x the 90th percentile, at most `madCap` x the
  /// median, within `minimumPixelThreshold`...254.
  func pixelThreshold(decile: Int, mad: Int) -> Int {
    let fromNoise = min(ScanSettings.noiseFactor * Double(decile), ScanSettings.madCap * Double(mad))
    return min(254, max(ScanSettings.minimumPixelThreshold, Int(fromNoise.rounded(.up))))
  }

  /// Per cell: this frame's changed fraction into the history, the minimum over the
  /// last `persistence` frames less the cell's idle level into `persisted`; the score is
  /// the busiest cell's. The idle level follows a cell's minimum while the cell is not
  /// moving, over about `idleFrames` frames (a running mean over the first ones).
  mutating func persistCells() -> Double {
    let counts = changeMap.counts, cells = counts.count, depth = ScanSettings.persistence
    let head = cellHistoryHead
    cellHistoryHead = (cellHistoryHead + 1) % depth
    cellHistoryFilled = min(cellHistoryFilled + 1, depth)
    var score = 0.0
    // A running mean at first (the level is known within a few frames), then a slow average.
    idleSamples += 1
    let rate = 1 / Double(min(ScanSettings.idleFrames, idleSamples))
    for k in 0..<cells {
      let area = grid.cellArea[k]
      let f = area > 0 ? max(0, Double(counts[k]) / Double(area) - clutter) : 0
      cellHistory[head * cells + k] = f
      var m = f
      if cellHistoryFilled < depth { m = 0 } else { for h in 0..<depth { m = min(m, cellHistory[h * cells + k]) } }
      let above = max(0, m - idle[k])
      if above < threshold { idle[k] += (m - idle[k]) * rate }
      persisted[k] = above
      score = max(score, above)
    }
    return score
  }

  /// The clutter of the frame: the median over all cells of the whole frame of their
  /// changed fractions (the change map counted without the mask) plus `clutterSpread`
  /// robust standard deviations of them (1.4826 x their median absolute deviation from the
  /// median): what the cells change by at once, plus how unevenly. Zero when most cells
  /// are still. Allocates nothing (selection in `cellScratch`).
  mutating func clutterLevel() -> Double {
    let counts = changeMap.counts, middle = counts.count / 2
    for k in counts.indices {
      let r = grid.cells[k]
      cellScratch[k] = Double(counts[k]) / Double(max(1, r.width * r.height))
    }
    let median = Self.select(&cellScratch, rank: middle)
    for k in counts.indices { cellScratch[k] = abs(cellScratch[k] - median) }
    let deviation = Self.select(&cellScratch, rank: middle)
    return median + ScanSettings.clutterSpread * 1.4826 * deviation
  }

  /// The value of rank `rank` (0-based) of `values`, reordering them (`quickselect`).
  static func select(_ values: inout [Double], rank: Int) -> Double {
    values.withUnsafeMutableBufferPointer { quickselect($0, rank: rank) }
  }

  /// The median of the first `noiseFilled` values of `history` (an insertion sort into
  /// `scratch`: at most 15 values, no allocation).
  mutating func median(of history: [Int]) -> Int {
    for k in 0..<noiseFilled {
      var j = k
      while j > 0 && scratch[j - 1] > history[k] { scratch[j] = scratch[j - 1]; j -= 1 }
      scratch[j] = history[k]
    }
    return scratch[noiseFilled / 2]
  }
}
