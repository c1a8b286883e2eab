import FrameScoutCore

/// What a region looks like in one state, learned from `RegionModel.frames` of the state's
/// frames: the mean of their lighting-normalised thumbnails (`Signature.thumbnail`, in
/// standard deviations: cell / 32), the noise of one frame about that mean, the cells'
/// texture and colour (`CellDetail`), and the region's border contrast.
///
/// One frame of a grainy night clip is a poor picture of a state: its thumbnail carries the
/// grain. The mean of `RegionModel.frames` frames carries a fraction of it, and the
/// measured noise lets the rule ask "is this frame farther from the state than its own
/// noise explains?" instead of comparing noisy frames with a threshold blown up by noise.
/// A model is fed only while its state is new (the warm-up of the first state, a
/// candidate's first frames), and a confirmed change's new state is learned again from the
/// last frames of its hold (`RegionChangeDetector.settled`): both decode drivers feed it
/// the same frames.
struct RegionModel {
  /// Frames a model learns from.
  static let frames = 24
  /// Noise estimates need this many frames; fewer borrow the previous state's noise.
  static let framesForNoise = 8
  static let cells = Signature.thumbnailSide * Signature.thumbnailSide

  var sum: [Float]
  var sumOfSquares: [Float]
  var mean: [Float]
  /// Sum of the frames' cell details (`CellDetail`): the texture in each cell, which a
  /// shadow scales and an occluder replaces, and its colour, which a shadow dims alike.
  var detailSum: [Float]
  /// Sum of the squares of the frames' cell colours (U then V, as in `CellDetail`).
  var colourSquares: [Float]
  var count = 0
  var contrastSum = 0.0
  /// Sum of the frames' normalisation divisors (gray levels: the thumbnail's deviation or
  /// the contrast floor), to carry noise over between looks of different contrast.
  var scaleSum = 0.0
  /// Sum of the frames' mean gray levels (the normalised thumbnail has lost it).
  var levelSum = 0.0
  /// The noise to assume while too few frames measure it (cell units², see `noise`).
  var noisePrior = 0.0
  /// Sum of the frames' fine pictures of the region (`Look.fine`; empty when the region is
  /// too small for one).
  var fineSum: [Float] = []

  init() {
    sum = [Float](repeating: 0, count: Self.cells)
    sumOfSquares = sum
    mean = sum
    detailSum = [Float](repeating: 0, count: CellDetail.count)
    colourSquares = [Float](repeating: 0, count: 2 * Self.cells)
  }

  var isComplete: Bool { count >= Self.frames }

  /// Mean variance of one frame's cells about the mean, in (standard deviations)²: the
  /// grain and compression noise of the state, as its thumbnails see it.
  var noise: Double {
    guard count >= Self.framesForNoise else { return noisePrior }
    var total = 0.0
    for k in 0..<Self.cells {
      let m = Double(sum[k]) / Double(count)
      total += max(0, Double(sumOfSquares[k]) / Double(count) - m * m)
    }
    return total / Double(Self.cells) * Double(count) / Double(count - 1)
  }

  /// The noise of cell k alone (σ², like `noise`), the region's when too few frames measure it.
  func cellNoise(_ k: Int) -> Double {
    guard count >= Self.framesForNoise else { return noisePrior }
    let m = Double(sum[k]) / Double(count)
    return max(0, Double(sumOfSquares[k]) / Double(count) - m * m) * Double(count) / Double(count - 1)
  }

  /// Border contrast averaged over the model's frames (see `RegionChangeDetector.contrast`).
  var contrast: Double { count > 0 ? contrastSum / Double(count) : 0 }
  /// Mean normalisation divisor of the model's frames (gray levels).
  var scale: Double { count > 0 ? scaleSum / Double(count) : 1 }
  /// Mean gray level around the region in the model's first frame (see `Look.ring`).
  var ring = 0.0
  /// Mean gray level of the model's frames.
  var level: Double { count > 0 ? levelSum / Double(count) : 0 }

  /// The mean texture of cell k (gray levels).
  func texture(_ k: Int) -> Double { count > 0 ? Double(detailSum[k]) / Double(count) : 0 }
  /// The mean colour of cell k (U − 128, V − 128).
  func colour(_ k: Int) -> (u: Double, v: Double) {
    guard count > 0 else { return (0, 0) }
    return (Double(detailSum[Self.cells + k]) / Double(count), Double(detailSum[2 * Self.cells + k]) / Double(count))
  }

  /// The variance of cell k's colour from frame to frame (U and V together, chroma
  /// levels²), the colour grain and compression noise; 0 while too few frames measure it.
  func colourNoise(_ k: Int) -> Double {
    guard count >= Self.framesForNoise else { return 0 }
    let c = colour(k), n = Double(count)
    let u2 = Double(colourSquares[k]) / n, v2 = Double(colourSquares[Self.cells + k]) / n
    return max(0, u2 - c.u * c.u + v2 - c.v * c.v) * n / (n - 1)
  }

  /// Cell k of the mean look in gray levels (undoing the normalisation).
  func gray(_ k: Int) -> Double { Double(mean[k]) * scale + level }

  /// The noise this model's grain would have in a look normalised by `scale`: grain is a
  /// matter of gray levels, and a flatter look (an object taken away) is divided by less.
  func noise(atScale other: Double) -> Double { noise * (scale / other) * (scale / other) }

  /// Starts the model over from one frame, assuming `prior` noise until it can measure its own.
  mutating func reset(_ look: Look, detail: [Float], contrast: Double, noisePrior prior: Double) {
    for k in 0..<Self.cells { sum[k] = 0; sumOfSquares[k] = 0 }
    for k in 0..<CellDetail.count { detailSum[k] = 0 }
    for k in 0..<2 * Self.cells { colourSquares[k] = 0 }
    for k in fineSum.indices { fineSum[k] = 0 }
    count = 0
    contrastSum = 0
    scaleSum = 0
    levelSum = 0
    ring = look.ring
    noisePrior = prior
    add(look, detail: detail, contrast: contrast)
  }

  /// Adds a frame (ignored once the model is complete).
  mutating func add(_ look: Look, detail: [Float], contrast: Double) {
    guard count < Self.frames else { return }
    let thumbnail = look.thumbnail
    count += 1
    contrastSum += contrast
    scaleSum += look.scale
    levelSum += look.level
    let n = Float(count)
    for k in 0..<Self.cells {
      let v = Float(thumbnail[k]) / Float(Signature.thumbnailScale)
      sum[k] += v
      sumOfSquares[k] += v * v
      mean[k] = sum[k] / n
    }
    for k in 0..<CellDetail.count { detailSum[k] += detail[k] }
    for k in 0..<2 * Self.cells { let c = detail[Self.cells + k]; colourSquares[k] += c * c }
    if fineSum.count != look.fine.count { fineSum = [Float](repeating: 0, count: look.fine.count) }
    for k in look.fine.indices { fineSum[k] += Float(look.fine[k]) }
  }

  /// Pixel p of the mean fine picture (gray levels).
  func fine(_ p: Int) -> Float { count > 0 ? fineSum[p] / Float(count) : 0 }

  /// Mean squared difference between a frame's cells and the model's mean (σ²).
  func meanSquare(_ thumbnail: [Int8]) -> Double {
    var s: Float = 0
    for k in 0..<Self.cells {
      let d = Float(thumbnail[k]) / Float(Signature.thumbnailScale) - mean[k]
      s += d * d
    }
    return Double(s) / Double(Self.cells)
  }

  /// What `meanSquare` of a frame of this state is expected to be: its own noise plus the
  /// noise left in the mean.
  var expectedNoise: Double { noise * (1 + 1 / Double(max(count, 1))) }

  /// Whether a frame shows this state: farther from the mean than noise explains by less
  /// than `threshold` (a signature distance: half the RMS difference in σ).
  func matches(_ thumbnail: [Int8], threshold: Double) -> Bool {
    meanSquare(thumbnail) - expectedNoise <= 4 * threshold * threshold
  }

  /// The signature distance of a frame to the mean (for `--stats`).
  func distance(_ thumbnail: [Int8]) -> Double { meanSquare(thumbnail).squareRoot() / 2 }
}

/// The mean of `values` after dropping the `dropping` largest (sorts them in place): the
/// cells that differ most (the arm or shadow of someone standing beside the region) do not
/// make two looks differ. Used only where a change is placed, not per frame.
func meanOfSmallest<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>, dropping drop: Int) -> Double {
  guard values.count > drop else { return 0 }
  var values = values
  values.sort()
  var s: T = 0
  for k in 0..<(values.count - drop) { s += values[k] }
  return Double(s) / Double(values.count - drop)
}

extension RegionModel {
  /// Whether two models show different looks of the region: their means differ by more
  /// than `threshold` beyond what the noise left in them explains, leaving out what reached
  /// in from the region's edge (`meanLeavingOutEdgeIntrusions`: an arm or the shadow of
  /// someone standing beside the region). A look that is only noisier (a camera's gain
  /// rising at dusk) does not differ.
  func differs(from old: RegionModel, threshold: Double) -> Bool {
    var squares = [Float](repeating: 0, count: Self.cells)
    for k in 0..<Self.cells { let d = mean[k] - old.mean[k]; squares[k] = d * d }
    let ms = meanLeavingOutEdgeIntrusions(squares)
    let residual = noise / Double(max(count, 1)) + old.noise(atScale: scale) / Double(max(old.count, 1))
    return ms - residual > 4 * threshold * threshold
  }

  /// Whether the light on the old look, allowed to change smoothly across the region (a gain
  /// that varies linearly from one side to the other, and an offset: a floodlight's falloff,
  /// a street light switched on), explains the new look within `threshold` beyond the noise
  /// left in the two means. Asked only when the light did change (see `StateRule`): an
  /// object taken away or left is a step no smooth gain explains, but a thin one (a
  /// bicycle in a large box) may be explained away, so this is never asked otherwise.
  func isRelit(from old: RegionModel, threshold: Double) -> Bool {
    let residual = relitResidual(from: old)
    let noiseLeft = noise / Double(max(count, 1)) + old.noise(atScale: scale) / Double(max(old.count, 1))
    return residual - noiseLeft <= 4 * threshold * threshold
  }

  /// The mean squared difference (in this look's standard deviations) between this look and
  /// the old one under the best smooth relighting: new ≈ (a + b·u + c·v)·old + d, with u, v
  /// the cell's position from -1 to 1 (least squares).
  func relitResidual(from old: RegionModel) -> Double {
    let side = Signature.thumbnailSide
    var ata = [Double](repeating: 0, count: 16), atb = [Double](repeating: 0, count: 4)
    var row = [Double](repeating: 0, count: 4)
    func basis(_ k: Int) {
      let u = Double(k % side) / Double(side - 1) * 2 - 1, v = Double(k / side) / Double(side - 1) * 2 - 1
      let o = old.gray(k)
      row[0] = o; row[1] = u * o; row[2] = v * o; row[3] = 1
    }
    for k in 0..<Self.cells {
      basis(k)
      let y = gray(k)
      for i in 0..<4 { atb[i] += row[i] * y; for j in 0..<4 { ata[i * 4 + j] += row[i] * row[j] } }
    }
    let coef = solve4(ata, atb) ?? [0, 0, 0, 0]
    var s = 0.0
    for k in 0..<Self.cells {
      basis(k)
      let r = gray(k) - (coef[0] * row[0] + coef[1] * row[1] + coef[2] * row[2] + coef[3] * row[3])
      s += r * r
    }
    let sigma = max(scale, 1e-9)
    return s / Double(Self.cells) / (sigma * sigma)
  }

  /// The distance between the two means (the change's score).
  func distance(to other: RegionModel) -> Double {
    var s: Float = 0
    for k in 0..<Self.cells { let d = mean[k] - other.mean[k]; s += d * d }
    return (Double(s) / Double(Self.cells)).squareRoot() / 2
  }
}

/// The frame data a model learns from: the normalised thumbnail, its normalisation divisor
/// (`scale`, gray levels), the region's mean gray level, and the mean gray level of a band
/// around the region (`ring`: where a light switched on or off shows as well).
struct Look {
  var thumbnail: [Int8]
  var scale: Double
  var level: Double
  var ring: Double
  /// The region's fine picture (`FineGrid`), measured with its `CellDetail`; empty when the
  /// region is too small for one.
  var fine: [UInt8] = []
}

/// The region reduced to a few pixels per thumbnail cell (up to 4×4, as many as the region
/// has: a 68×55 region gets 4×3), so a cell's own pattern — paving joints, the grain of
/// wood — can be followed into the shade. Cell (cx, cy) covers fine pixels
/// cx·perCellX ..< (cx + 1)·perCellX and alike in y (the area boxes of both reductions share
/// their edges).
struct FineGrid {
  let perCellX: Int
  let perCellY: Int
  var width: Int { perCellX * Signature.thumbnailSide }
  var height: Int { perCellY * Signature.thumbnailSide }
  var count: Int { width * height }

  /// nil for a region narrower or lower than the thumbnail (no pixel per cell to spare).
  init?(regionWidth: Int, regionHeight: Int) {
    let side = Signature.thumbnailSide
    guard regionWidth >= 2 * side, regionHeight >= 2 * side else { return nil }
    perCellX = min(4, regionWidth / side)
    perCellY = min(4, regionHeight / side)
  }

  /// The correlation between two fine pictures' patterns over `cells` pooled (`a` and `b`
  /// give a fine pixel's gray level; `cellPixels` each cell's fine pixels): each cell's
  /// pixels about that cell's own mean, so that a cell's level and a shadow's dimming do
  /// not count, only the pattern inside the cells; and how many pixels it counted.
  static func patternCorrelation(_ cells: [Int], _ cellPixels: [[Int]], _ a: (Int) -> Float, _ b: (Int) -> Float) -> (r: Double, pixels: Int) {
    var ab = 0.0, aa = 0.0, bb = 0.0, count = 0
    for k in cells {
      let pixels = cellPixels[k]
      var ma = 0.0, mb = 0.0
      for p in pixels { ma += Double(a(p)); mb += Double(b(p)) }
      ma /= Double(pixels.count); mb /= Double(pixels.count)
      for p in pixels {
        let x = Double(a(p)) - ma, y = Double(b(p)) - mb
        ab += x * y; aa += x * x; bb += y * y
      }
      count += pixels.count
    }
    guard aa > 0, bb > 0 else { return (0, count) }
    return (ab / (aa * bb).squareRoot(), count)
  }

  /// The step a look shows at the outline of the `changed` cells (one flag per thumbnail
  /// cell; `look` gives a fine pixel's gray level): the mean absolute difference between the
  /// fine pixels facing each other across every edge between a changed and an unchanged
  /// cell, less (in quadrature) the same across edges between two unchanged cells — what the
  /// look's own texture and grain give any edge. 0 when the outline steps no more than that,
  /// or when there is no edge of either kind.
  func outlineStep(changed: [Bool], look: (Int) -> Double) -> Double {
    let side = Signature.thumbnailSide
    var outline = (0.0, 0), plain = (0.0, 0)
    for cy in 0..<side { for cx in 0..<side {
      let k = cy * side + cx
      for (dx, dy) in [(1, 0), (0, 1)] where cx + dx < side && cy + dy < side {
        let other = (cy + dy) * side + cx + dx
        guard changed[k] != changed[other] || !changed[k] else { continue }
        // The fine pixels along the shared edge: the last column (row) of this cell and
        // the first of the next.
        var sum = 0.0
        let along = dx == 1 ? perCellY : perCellX
        for i in 0..<along {
          let (x, y) = dx == 1 ? ((cx + 1) * perCellX - 1, cy * perCellY + i) : (cx * perCellX + i, (cy + 1) * perCellY - 1)
          sum += abs(look(y * width + x) - look((y + dy) * width + x + dx))
        }
        let step = sum / Double(along)
        if changed[k] != changed[other] { outline = (outline.0 + step, outline.1 + 1) } else { plain = (plain.0 + step, plain.1 + 1) }
      }
    } }
    guard outline.1 > 0, plain.1 > 0 else { return 0 }
    let (o, t) = (outline.0 / Double(outline.1), plain.0 / Double(plain.1))
    return max(0, o * o - t * t).squareRoot()
  }

  /// The fine pixels of cell k.
  func pixels(ofCell k: Int) -> [Int] {
    let side = Signature.thumbnailSide, cx = k % side, cy = k / side
    var out: [Int] = []
    for y in (cy * perCellY)..<((cy + 1) * perCellY) { for x in (cx * perCellX)..<((cx + 1) * perCellX) { out.append(y * width + x) } }
    return out
  }
}

/// The detail of a frame's cells beside the thumbnail, one array of `CellDetail.count`:
/// the standard deviation of each cell's gray levels (its texture,
/// `RegionStatistics.cellDeviations`), then each cell's mean U − 128, then V − 128 (its
/// colour, `ChromaPlanes.cellColours`; 0, grey, where the frame has no colour planes).
enum CellDetail {
  static let count = 3 * RegionModel.cells
}

/// Solves the 4×4 system a·x = b (row-major) by Gaussian elimination with partial
/// pivoting; nil when it is singular.
func solve4(_ a: [Double], _ b: [Double]) -> [Double]? {
  var m = a, r = b
  for c in 0..<4 {
    var p = c
    for i in (c + 1)..<4 where abs(m[i * 4 + c]) > abs(m[p * 4 + c]) { p = i }
    guard abs(m[p * 4 + c]) > 1e-12 else { return nil }
    if p != c { for j in 0..<4 { m.swapAt(c * 4 + j, p * 4 + j) }; r.swapAt(c, p) }
    for i in (c + 1)..<4 {
      let f = m[i * 4 + c] / m[c * 4 + c]
      for j in c..<4 { m[i * 4 + j] -= f * m[c * 4 + j] }
      r[i] -= f * r[c]
    }
  }
  var x = [Double](repeating: 0, count: 4)
  for i in stride(from: 3, through: 0, by: -1) {
    var v = r[i]
    for j in (i + 1)..<4 { v -= m[i * 4 + j] * x[j] }
    x[i] = v / m[i * 4 + i]
  }
  return x
}

/// The mean of a region's cell values (squared differences between two looks, one per cell
/// of the `Signature.thumbnailSide`² grid) leaving out what came in from the region's edge:
/// of the 1/16 of the cells that differ most, those joined to the region's outer ring of
/// cells through one another (an arm reaching in, the shadow of someone standing beside
/// the region). Large differences inside the region, clear of its edge — a thin object's
/// frame and wheels — stay in.
func meanLeavingOutEdgeIntrusions(_ values: [Float]) -> Double {
  let n = values.count, side = Signature.thumbnailSide
  let drop = n / 16
  guard n == side * side, drop > 0 else { return Double(values.reduce(0, +)) / Double(max(n, 1)) }
  let cut = values.sorted(by: >)[drop - 1]
  var large = values.map { $0 >= cut && $0 > 0 }
  // Flood from the outer ring through large cells.
  var out = [Bool](repeating: false, count: n)
  var stack: [Int] = []
  for k in 0..<n where large[k] {
    let x = k % side, y = k / side
    if x == 0 || y == 0 || x == side - 1 || y == side - 1 { out[k] = true; stack.append(k) }
  }
  while let k = stack.popLast() {
    let x = k % side, y = k / side
    for dy in -1...1 { for dx in -1...1 {
      let nx = x + dx, ny = y + dy
      guard nx >= 0, ny >= 0, nx < side, ny < side else { continue }
      let j = ny * side + nx
      if large[j] && !out[j] { out[j] = true; stack.append(j) }
    } }
  }
  large = out
  var s = 0.0, kept = 0, left = drop
  for k in 0..<n { if large[k] && left > 0 { left -= 1 } else { s += Double(values[k]); kept += 1 } }
  return kept > 0 ? s / Double(kept) : 0
}
