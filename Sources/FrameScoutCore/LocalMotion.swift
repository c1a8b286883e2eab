/// The local motion of a picture sequence, frame by frame, measured above its own noise:
/// how much of the picture changed by more than the noise does since the previous frame
/// (`mass`), how much of that lies where something moved the frame before (`onTrack`), and
/// the same mass against the frame before the previous one (`twoStep`: what two steps of
/// the motion look like, so one frame's step can be compared with a double step).
///
/// A walking person is a small part of a CCTV picture: the 16×9 grid of the fingerprints
/// averages their step away (a 720p walker moves it 0.001–0.004 per frame, sensor noise
/// as much). Here the difference of two analysis pictures is cut into 8×8 cells, and only
/// what exceeds each cell's noise threshold counts: `2 + 3.5 ×` the cell's own noise level,
/// tracked over time as the 80th percentile of its mean |difference| (people pass a cell
/// in a few frames; the encoder re-codes a dark cell's noise now and then, and the 80th
/// percentile is that re-coded level). Measured on the realistic corpus's night clips: one
/// threshold for the whole picture (from the median cell) let the re-coded noise through
/// as motion — 8 false jumps in 70 s of night_box_removed; per-cell tracking left one.
///
/// Set-up is done once per picture size; `measure` allocates nothing.
public final class LocalMotion {
  /// One frame's local motion, in grey levels per pixel of the picture.
  public struct Measure: Sendable, Hashable {
    /// Σ max(0, |difference to the previous frame| - threshold), per pixel.
    public var mass: Float
    /// The part of `mass` within `reach` cells of a cell that moved in the previous frame.
    public var onTrack: Float
    /// `mass` against the frame before the previous one (0 for the second frame).
    public var twoStep: Float
    /// The median cell threshold (grey levels).
    public var threshold: UInt8
    /// How far the moving cells moved (`CellFlow`, pixels of the picture; 0 where nothing moves).
    public var speed: CellFlow.Speed
    public init(mass: Float, onTrack: Float, twoStep: Float, threshold: UInt8, speed: CellFlow.Speed = CellFlow.Speed(fine: 0, coarse: 0)) {
      self.mass = mass
      self.onTrack = onTrack
      self.twoStep = twoStep
      self.threshold = threshold
      self.speed = speed
    }
  }

  /// A cell moves when its mean excess is at least this (grey levels per pixel).
  public static let movingCell: Float = 0.25
  /// How far (cells) the previous frame's motion reaches for `onTrack`.
  public static let reach = 2
  /// The noise level tracked per cell: this percentile of its mean |difference|…
  public static let noisePercentile: Float = 0.8
  /// …moving by at most this (grey levels) a frame.
  public static let noiseStep: Float = 0.02

  private var columns = 0, rows = 0, width = 0, height = 0, frames = 0
  private var plain = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  private var plainTwo = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  private var excess = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  private var means = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var noise = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var thresholds = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
  /// Pixels in each cell (edge cells may be partial), computed once per size.
  private var area = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  /// 1 where the previous frame's motion reaches (its moving cells, dilated by `reach`).
  private var track = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
  private var moving = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
  /// Each moving cell's excess (0 elsewhere): the weights of its displacement.
  private var weights = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private let flow = CellFlow()
  /// The previous two pictures.
  private var previous = PixelBuffer(), beforePrevious = PixelBuffer()

  public init() {}

  deinit { release() }

  private func release() {
    plain.deallocate(); plainTwo.deallocate(); excess.deallocate(); means.deallocate(); noise.deallocate(); thresholds.deallocate()
    area.deallocate(); track.deallocate(); moving.deallocate(); weights.deallocate()
  }

  /// Prepares the cells for a `width`×`height` picture and forgets the pictures before.
  private func prepare(width w: Int, height h: Int) {
    (columns, rows) = CellDifference.cells(width: w, height: h)
    width = w; height = h; frames = 0
    let n = max(1, columns * rows)
    release()
    plain = .allocate(capacity: n); plainTwo = .allocate(capacity: n); excess = .allocate(capacity: n); means = .allocate(capacity: n)
    noise = .allocate(capacity: n); thresholds = .allocate(capacity: n); track = .allocate(capacity: n)
    moving = .allocate(capacity: n); area = .allocate(capacity: n); weights = .allocate(capacity: n)
    weights.update(repeating: 0, count: n)
    for c in 0..<(columns * rows) { area[c] = Float(pixels(c)) }
    track.update(repeating: 0, count: n)
    thresholds.update(repeating: 255, count: n)
    previous.resize(width: w, height: h); beforePrevious.resize(width: w, height: h)
  }

  /// The local motion of `picture` since the pictures measured before it (nil for the first
  /// picture and after a change of size). Keeps a copy of `picture` for the next call.
  public func measure(_ picture: GrayView) -> Measure? {
    if picture.width != width || picture.height != height { prepare(width: picture.width, height: picture.height) }
    defer {
      swap(&previous, &beforePrevious)
      picture.copy(to: previous.mutableView.base, destinationStride: previous.width)
      frames += 1
    }
    guard frames > 0, columns * rows > 0 else {
      _ = flow.measure(picture, weights: weights)
      return nil
    }
    let n = columns * rows
    CellDifference.measure(picture, previous.view, thresholds: thresholds, plain: plain, excess: excess)
    if frames == 1 {
      startNoise()
      CellDifference.measure(picture, previous.view, thresholds: thresholds, plain: plain, excess: excess)
    }
    var mass: Int64 = 0, onTrack: Int64 = 0
    for c in 0..<n {
      let e = Int64(excess[c])
      mass &+= e
      if track[c] != 0 { onTrack &+= e }
      moving[c] = Float(e) >= Self.movingCell * area[c] ? 1 : 0
      weights[c] = moving[c] != 0 ? Float(e) : 0
    }
    let speed = flow.measure(picture, weights: weights) ?? CellFlow.Speed(fine: 0, coarse: 0)
    spreadTrack()
    let threshold = medianThreshold()
    trackNoise()
    var twoStep: Int64 = 0
    if frames >= 2 {
      CellDifference.measure(picture, beforePrevious.view, thresholds: thresholds, plain: plainTwo, excess: excess)
      for c in 0..<n { twoStep &+= Int64(excess[c]) }
    }
    let area = Float(width * height)
    return Measure(mass: Float(mass) / area, onTrack: Float(onTrack) / area, twoStep: Float(twoStep) / area, threshold: threshold,
                   speed: speed)
  }

  /// Pixels in cell `c` (edge cells may be partial).
  @inline(__always)
  private func pixels(_ c: Int) -> Int {
    let x = c % columns, y = c / columns, s = CellDifference.size
    return (min(width, (x + 1) * s) - x * s) * (min(height, (y + 1) * s) - y * s)
  }

  /// The first difference sets every cell's noise level to the `noisePercentile` cell's.
  private func startNoise() {
    let n = columns * rows
    for c in 0..<n { means[c] = Float(plain[c]) / area[c] }
    let level = Self.select(means, count: n, rank: min(n - 1, Int(Self.noisePercentile * Float(n))))
    for c in 0..<n { noise[c] = level }
    setThresholds()
  }

  /// Each cell's noise level moves towards its `noisePercentile` by `noiseStep` (up by
  /// p·step when the cell's mean |difference| is above it, down by (1 - p)·step when below),
  /// then the thresholds follow. The current frame's thresholds were set before: a cell is
  /// never measured against a level its own difference just raised.
  private func trackNoise() {
    let p = Self.noisePercentile, step = Self.noiseStep
    for c in 0..<(columns * rows) {
      let mean = Float(plain[c]) / area[c]
      noise[c] = max(0, noise[c] + (mean < noise[c] ? -(1 - p) * step : p * step))
    }
    setThresholds()
  }

  /// `2 + 3.5 ×` each cell's noise level, rounded up, within 3…80.
  private func setThresholds() {
    for c in 0..<(columns * rows) { thresholds[c] = UInt8(min(80, max(3, (2 + 3.5 * noise[c]).rounded(.up)))) }
  }

  /// The median of the cell thresholds (for the signals: how noisy the picture is).
  private func medianThreshold() -> UInt8 {
    let n = columns * rows
    for c in 0..<n { means[c] = Float(thresholds[c]) }
    return UInt8(Self.select(means, count: n, rank: n / 2))
  }

  /// The value of rank `rank` among `v[0..<count]`, reordering them (`quickselect`).
  static func select(_ v: UnsafeMutablePointer<Float>, count: Int, rank: Int) -> Float {
    quickselect(UnsafeMutableBufferPointer(start: v, count: count), rank: rank)
  }

  /// `track` becomes `moving` dilated by `reach` cells.
  private func spreadTrack() {
    let r = Self.reach
    track.update(repeating: 0, count: columns * rows)
    for y in 0..<rows {
      for x in 0..<columns where moving[y * columns + x] != 0 {
        for v in max(0, y - r)...min(rows - 1, y + r) {
          for u in max(0, x - r)...min(columns - 1, x + r) { track[v * columns + u] = 1 }
        }
      }
    }
  }
}

/// The value of rank `rank` (0-based, ascending) among `v`, reordering them in place
/// (quickselect, middle pivot). Allocates nothing; the motion scorer and the audit's local
/// motion both take their medians and percentiles with it.
@inlinable
public func quickselect<T: Comparable>(_ v: UnsafeMutableBufferPointer<T>, rank: Int) -> T {
  var lo = 0, hi = v.count - 1
  while lo < hi {
    let pivot = v[(lo + hi) / 2]
    var i = lo, j = hi
    while i <= j {
      while v[i] < pivot { i += 1 }
      while v[j] > pivot { j -= 1 }
      if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
    }
    if rank <= j { hi = j } else if rank >= i { lo = i } else { return v[rank] }
  }
  return v[rank]
}
