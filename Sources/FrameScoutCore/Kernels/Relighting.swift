/// Whether a picture differs from the ones before it as a change of light does: much of the
/// picture changed, and what was textured keeps its texture (each cell's pattern correlates
/// with the same cell before, whatever its brightness and contrast now). A cut or a splice
/// replaces the texture where the picture changed; a light switched on or off, a street
/// light warming up or a floodlight's pool only scales it.
///
/// Per `CellDifference` cell, the picture is compared with a running mean of the pictures
/// before it (each new one weighs 1/3: about the mean of the last five, so the sensor noise
/// of "before" is small). A cell has changed when its mean moved by more than its noise
/// allows (4 standard deviations of a cell mean, plus 1.5 grey levels) or its contrast by
/// more than a factor 1.5; it is textured when its contrast before stood 2 noise deviations
/// (of the mean) plus 1 grey level above flat; it kept its texture when the correlation is
/// above 0.5. The noise is the median over the last five pictures of each one's typical
/// frame-to-frame difference (the median cell's mean |difference| / 1.6).
///
/// Measured at 160×90 (realistic corpus and TestVideos): lights switched on or off change
/// 31–100 % of the cells and 77–100 % of the changed textured cells keep their texture;
/// cuts and splices change 10–16 % of the cells (13–74 % kept).
///
/// Set-up is done once per picture size; `measure` allocates nothing. The per-pixel work of
/// keeping the running mean and the noise (`remember`) is vectorised: the cells' |difference|
/// sums by `CellDifference.sums` (integers, so the same values as the float sums of the scalar
/// twin), the running mean by plain loops LLVM vectorises (the same operations per pixel).
/// `Relighting(scalarReference: true)` runs the scalar twin, which the tests hold equal to
/// it, measure for measure. Measured 2026-12 (perf, 2-minute 720p benchmark clip at 160×90):
/// remember took 1.5 % of the audit's samples in scalar code.
public final class Relighting {
  public struct Measure: Sendable, Hashable {
    /// The fraction of all cells that changed.
    public var changed: Float
    /// The fraction of all cells that changed and were textured before.
    public var textured: Float
    /// The fraction of the changed textured cells whose texture correlates with before (0 when none).
    public var kept: Float
    public init(changed: Float, textured: Float, kept: Float) {
      self.changed = changed
      self.textured = textured
      self.kept = kept
    }
  }

  /// The weight of each new picture in the running mean.
  public static let weight: Float = 1.0 / 3
  /// Pictures whose noise estimates are pooled.
  public static let noiseHistory = 5

  private var width = 0, height = 0, frames = 0
  private var mean = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var last = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
  private var cellDifference = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var cellSums = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  /// Pixels in each cell (edge cells may be partial), computed once per size.
  private var cellArea = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  /// Run the scalar twin of the per-pixel loops (for the tests).
  private let scalarReference: Bool
  private var noise = [Float](repeating: 0, count: Relighting.noiseHistory)
  private var sorted = [Float](repeating: 0, count: Relighting.noiseHistory)

  public init(scalarReference: Bool = false) { self.scalarReference = scalarReference }

  deinit { release() }

  private func release() {
    mean.deallocate(); last.deallocate(); cellDifference.deallocate(); cellSums.deallocate(); cellArea.deallocate()
  }

  private func prepare(width w: Int, height h: Int) {
    release()
    width = w; height = h; frames = 0
    let (columns, rows) = CellDifference.cells(width: w, height: h)
    mean = .allocate(capacity: max(1, w * h)); last = .allocate(capacity: max(1, w * h))
    cellDifference = .allocate(capacity: max(1, columns * rows))
    cellSums = .allocate(capacity: max(1, columns * rows))
    cellArea = .allocate(capacity: max(1, columns * rows))
    for c in 0..<(columns * rows) {
      let cx = c % columns, cy = c / columns, s = CellDifference.size
      cellArea[c] = Float((min(w, (cx + 1) * s) - cx * s) * (min(h, (cy + 1) * s) - cy * s))
    }
  }

  /// `picture` against the pictures before it (nil for the first `noiseHistory` pictures and
  /// after a change of size); then `picture` joins the running mean.
  public func measure(_ picture: GrayView) -> Measure? {
    if picture.width != width || picture.height != height { prepare(width: picture.width, height: picture.height) }
    defer { remember(picture) }
    guard frames > Self.noiseHistory, width > 0, height > 0 else { return nil }
    for (i, v) in noise.enumerated() { sorted[i] = v }
    sorted.sort()
    let sd = sorted[Self.noiseHistory / 2]
    let (columns, rows) = CellDifference.cells(width: width, height: height)
    var changed = 0, textured = 0, kept = 0
    for y in 0..<rows {
      for x in 0..<columns {
        let c = compare(picture, x0: x * CellDifference.size, y0: y * CellDifference.size, sd: sd)
        changed += c.changed ? 1 : 0
        if c.changed && c.textured {
          textured += 1
          kept += c.kept ? 1 : 0
        }
      }
    }
    let cells = Float(columns * rows)
    return Measure(changed: Float(changed) / cells, textured: Float(textured) / cells,
                   kept: textured > 0 ? Float(kept) / Float(textured) : 0)
  }

  /// One cell of `picture` against the running mean.
  private func compare(_ picture: GrayView, x0: Int, y0: Int, sd: Float) -> (changed: Bool, textured: Bool, kept: Bool) {
    let x1 = min(width, x0 + CellDifference.size), y1 = min(height, y0 + CellDifference.size)
    var sa: Float = 0, sb: Float = 0, saa: Float = 0, sbb: Float = 0, sab: Float = 0
    for y in y0..<y1 {
      let row = picture.base + y * picture.stride
      for x in x0..<x1 {
        let a = Float(row[x]), b = mean[y * width + x]
        sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b
      }
    }
    let n = Float((x1 - x0) * (y1 - y0))
    let ma = sa / n, mb = sb / n
    let va = max(0, saa / n - ma * ma), vb = max(0, sbb / n - mb * mb), cov = sab / n - ma * mb
    let da = va.squareRoot(), db = vb.squareRoot()
    let contrast = (da + 0.5) / (db + 0.5)
    let changed = abs(ma - mb) > 4 * sd / n.squareRoot() + 1.5 || contrast > 1.5 || contrast < 1 / 1.5
    let textured = db > 2 * sd / Float(Self.noiseHistory).squareRoot() + 1
    return (changed, textured, cov > 0.5 * max(da * db, 1e-6))
  }

  /// `picture` joins the running mean; its typical difference to the previous picture joins
  /// the noise history.
  private func remember(_ picture: GrayView) {
    let (columns, rows) = CellDifference.cells(width: width, height: height)
    if frames > 0 {
      if scalarReference { cellDifferencesReference(picture) } else { cellDifferences(picture) }
      let typical = quickselect(UnsafeMutableBufferPointer(start: cellDifference, count: columns * rows), rank: columns * rows / 2)
      noise[frames % Self.noiseHistory] = typical / 1.6
    }
    if scalarReference { updateMeanReference(picture) } else { updateMean(picture) }
    frames += 1
  }

  /// Each cell's mean |difference| between `picture` and the last picture into `cellDifference`.
  /// The sums are integers below 2²⁴, so the float sums of the scalar twin are these exactly.
  private func cellDifferences(_ picture: GrayView) {
    let (columns, rows) = CellDifference.cells(width: width, height: height)
    CellDifference.sums(picture, GrayView(base: UnsafePointer(last), width: width, height: height, stride: width), into: cellSums)
    for c in 0..<(columns * rows) { cellDifference[c] = Float(cellSums[c]) / cellArea[c] }
  }

  /// `picture` joins the running mean and becomes the last picture (loops LLVM vectorises:
  /// wrapping index arithmetic, the first picture's branch out of the loop).
  private func updateMean(_ picture: GrayView) {
    let w = Self.weight, first = frames == 0
    for y in 0..<height {
      let row = picture.base + y &* picture.stride, m = mean + y &* width
      if first {
        for x in 0..<width { m[x] = Float(row[x]) }
      } else {
        for x in 0..<width { m[x] = m[x] + w * (Float(row[x]) - m[x]) }
      }
      (last + y &* width).update(from: row, count: width)
    }
  }

  /// Scalar twin of `cellDifferences`.
  private func cellDifferencesReference(_ picture: GrayView) {
    let (columns, rows) = CellDifference.cells(width: width, height: height)
    cellDifference.update(repeating: 0, count: columns * rows)
    for y in 0..<height {
      let row = picture.base + y * picture.stride
      for x in 0..<width {
        let d = abs(Float(row[x]) - Float(last[y * width + x]))
        cellDifference[(y / CellDifference.size) * columns + x / CellDifference.size] += d
      }
    }
    for c in 0..<(columns * rows) {
      let cx = c % columns, cy = c / columns, s = CellDifference.size
      cellDifference[c] /= Float((min(width, (cx + 1) * s) - cx * s) * (min(height, (cy + 1) * s) - cy * s))
    }
  }

  /// Scalar twin of `updateMean`.
  private func updateMeanReference(_ picture: GrayView) {
    for y in 0..<height {
      let row = picture.base + y * picture.stride
      for x in 0..<width {
        let i = y * width + x, v = Float(row[x])
        mean[i] = frames == 0 ? v : mean[i] + Self.weight * (v - mean[i])
        last[i] = row[x]
      }
    }
  }
}
