/// How far the moving parts of a picture moved since the previous picture, in pixels: a
/// Lucas–Kanade estimate of one translation per moving cell, averaged over the moving cells.
///
/// The audit's local motion (`LocalMotion.mass`) counts how much of the picture changed. A
/// walking person's step changes about as much picture as it is wide, so a step twice as long
/// (a frame removed) changes less than twice as much once the step is wider than a limb or
/// the change saturates: on the realistic corpus a removed frame made the mass 1.4–1.8 times
/// the steady steps, while steady walking reaches 1.4. The displacement itself doubles.
///
/// Per cell of `CellDifference.size` pixels: the 2×2 system of the spatial gradients of the
/// two pictures' mean against their difference, both pictures smoothed by a 3×3 box (the
/// gradient's linear range is about a pixel). Lucas–Kanade underestimates a displacement
/// beyond that range, so the same is measured on the pictures halved (each cell 4×4 of the
/// half picture, the same place): `coarse` covers steps of 1–3 pixels of the full picture.
/// Both are in pixels of the picture given. Cells whose gradients fix no translation (flat,
/// or one straight edge) are left out, and a cell's estimate is capped at its own size.
///
/// Set-up is done once per picture size; `measure` allocates nothing.
public final class CellFlow {
  public struct Speed: Sendable, Hashable {
    /// The moving cells' mean displacement (weighted by their motion), full scale.
    public var fine: Float
    /// The same on the half pictures, in pixels of the full picture.
    public var coarse: Float
    public init(fine: Float, coarse: Float) {
      self.fine = fine
      self.coarse = coarse
    }
  }

  private var width = 0, height = 0, halfWidth = 0, halfHeight = 0, frames = 0
  private var current = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var previous = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var halfCurrent = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var halfPrevious = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var scratch = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  /// The last picture as given, and whether `current` holds it smoothed: a picture in which
  /// nothing moves is not smoothed (most CCTV frames), only kept.
  private var last = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
  private var smoothed = false

  public init() {}

  deinit { release() }

  private func release() {
    current.deallocate(); previous.deallocate(); halfCurrent.deallocate(); halfPrevious.deallocate(); scratch.deallocate()
    last.deallocate()
  }

  private func prepare(width w: Int, height h: Int) {
    release()
    width = w; height = h; halfWidth = w / 2; halfHeight = h / 2; frames = 0; smoothed = false
    let n = max(1, w * h), m = max(1, halfWidth * halfHeight)
    last = .allocate(capacity: n)
    current = .allocate(capacity: n); previous = .allocate(capacity: n); scratch = .allocate(capacity: n)
    halfCurrent = .allocate(capacity: m); halfPrevious = .allocate(capacity: m)
  }

  /// The displacement of `picture` against the picture measured before it, over the cells
  /// whose `weights` (one per `CellDifference` cell, row by row) are positive (nil for the
  /// first picture and after a change of size; 0 when no cell weighs). Keeps the picture for
  /// the next call.
  public func measure(_ picture: GrayView, weights: UnsafePointer<Float>) -> Speed? {
    if picture.width != width || picture.height != height { prepare(width: picture.width, height: picture.height) }
    frames += 1
    defer { picture.copy(to: last, destinationStride: width) }
    guard frames > 1, width >= 4, height >= 4 else { return nil }
    let (columns, rows) = CellDifference.cells(width: width, height: height)
    guard (0..<(columns * rows)).contains(where: { weights[$0] > 0 }) else {
      smoothed = false
      return Speed(fine: 0, coarse: 0)
    }
    if smoothed {
      swap(&current, &previous)
      swap(&halfCurrent, &halfPrevious)
    } else {
      smooth(GrayView(base: UnsafePointer(last), width: width, height: height, stride: width), into: previous, half: halfPrevious)
    }
    smooth(picture, into: current, half: halfCurrent)
    smoothed = true
    let s = CellDifference.size
    var fine: Float = 0, coarse: Float = 0, fineWeight: Float = 0, coarseWeight: Float = 0
    for y in 0..<rows {
      for x in 0..<columns {
        let w = weights[y * columns + x]
        guard w > 0 else { continue }
        if let v = Self.translation(previous, current, width: width, height: height, x0: x * s, y0: y * s, size: s) {
          fine += w * v; fineWeight += w
        }
        if let v = Self.translation(halfPrevious, halfCurrent, width: halfWidth, height: halfHeight, x0: x * s / 2, y0: y * s / 2, size: s / 2) {
          coarse += w * v; coarseWeight += w
        }
      }
    }
    return Speed(fine: fineWeight > 0 ? fine / fineWeight : 0, coarse: coarseWeight > 0 ? 2 * coarse / coarseWeight : 0)
  }

  /// `full` becomes `picture` smoothed by a 3×3 box, `half` its 2×2 means smoothed the same way.
  private func smooth(_ picture: GrayView, into full: UnsafeMutablePointer<Float>, half: UnsafeMutablePointer<Float>) {
    for y in 0..<height {
      let row = picture.base + y * picture.stride
      for x in 0..<width { scratch[y * width + x] = Float(row[x]) }
    }
    Self.box3(scratch, into: full, width: width, height: height)
    let p = picture.base, stride = picture.stride
    for y in 0..<halfHeight {
      let top = p + 2 * y * stride, bottom = top + stride
      for x in 0..<halfWidth {
        scratch[y * halfWidth + x] = (Float(top[2 * x]) + Float(top[2 * x + 1]) + Float(bottom[2 * x]) + Float(bottom[2 * x + 1])) / 4
      }
    }
    Self.box3(scratch, into: half, width: halfWidth, height: halfHeight)
  }

  /// A 3×3 box mean of `source` (the edge rows and columns take the mean of what is inside),
  /// as two passes of three: along the rows into `source` itself, then down the columns.
  static func box3(_ source: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, width w: Int, height h: Int) {
    guard w >= 2, h >= 2 else {
      out.update(from: source, count: w * h)
      return
    }
    for y in 0..<h {
      let row = source + y * w
      var left = row[0], middle = row[0]
      for x in 0..<w {
        let right = x + 1 < w ? row[x + 1] : 0
        let n: Float = x == 0 || x == w - 1 ? 2 : 3
        let sum = (x == 0 ? 0 : left) + middle + right
        left = middle
        middle = right
        row[x] = sum / n
      }
    }
    for x in 0..<w {
      out[x] = (source[x] + source[w + x]) / 2
      out[(h - 1) * w + x] = (source[(h - 1) * w + x] + source[(h - 2) * w + x]) / 2
    }
    guard h >= 3 else { return }
    for y in 1..<(h - 1) {
      let up = source + (y - 1) * w, here = source + y * w, down = source + (y + 1) * w, o = out + y * w
      for x in 0..<w { o[x] = (up[x] + here[x] + down[x]) / 3 }
    }
  }

  /// The length of the one translation that best explains `b` from `a` over the cell at
  /// (`x0`, `y0`) of `size` pixels (clipped to the picture, its border pixels left out), or
  /// nil when the gradients there fix none.
  static func translation(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                          x0: Int, y0: Int, size: Int) -> Float? {
    let xa = max(1, x0), xb = min(w - 2, x0 + size - 1), ya = max(1, y0), yb = min(h - 2, y0 + size - 1)
    guard xa <= xb, ya <= yb else { return nil }
    var sxx: Float = 0, syy: Float = 0, sxy: Float = 0, sxt: Float = 0, syt: Float = 0
    for y in ya...yb {
      for x in xa...xb {
        let i = y * w + x
        let gx = (a[i + 1] + b[i + 1] - a[i - 1] - b[i - 1]) / 4
        let gy = (a[i + w] + b[i + w] - a[i - w] - b[i - w]) / 4
        let gt = b[i] - a[i]
        sxx += gx * gx; syy += gy * gy; sxy += gx * gy; sxt += gx * gt; syt += gy * gt
      }
    }
    let det = sxx * syy - sxy * sxy
    guard det > 1e-3 else { return nil }
    let u = -(syy * sxt - sxy * syt) / det, v = -(sxx * syt - sxy * sxt) / det
    return min(Float(size), (u * u + v * v).squareRoot())
  }
}
