/// The colour-difference planes (U = Cb, V = Cr) of a planar YUV frame, borrowed like a
/// `GrayView`: `u` and `v` are `1 << shiftX` times narrower and `1 << shiftY` times
/// shorter than the luma. 128 is no colour.
public struct ChromaPlanes {
  public let u: GrayView
  public let v: GrayView
  public let shiftX: Int
  public let shiftY: Int

  public init(u: GrayView, v: GrayView, shiftX: Int, shiftY: Int) {
    self.u = u
    self.v = v
    self.shiftX = shiftX
    self.shiftY = shiftY
  }

  /// Mean U and V over a rectangle given in luma (source) pixels.
  public func mean(in r: PixelRect) -> Chroma {
    let x0 = max(0, r.x >> shiftX), y0 = max(0, r.y >> shiftY)
    let x1 = min(u.width, max(x0 + 1, (r.x + r.width) >> shiftX)), y1 = min(u.height, max(y0 + 1, (r.y + r.height) >> shiftY))
    guard x1 > x0, y1 > y0 else { return Chroma(u: 128, v: 128) }
    let rect = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    let su = RegionStatistics.measure(u.cropped(to: rect)), sv = RegionStatistics.measure(v.cropped(to: rect))
    return Chroma(u: su.mean, v: sv.mean)
  }

  /// The mean colour of each cell of a `side`×`side` grid over a rectangle given in luma
  /// pixels (see `RegionStatistics.forEachCell`): U − 128 row-major into `colours` from
  /// index `start`, then V − 128 from `start + side²` (reused: allocates nothing). False,
  /// and `colours` untouched, when the rectangle leaves the planes or holds fewer than
  /// `side` chroma samples across or down (a cell would hold none).
  @discardableResult
  public func cellColours(in r: PixelRect, side: Int, into colours: inout [Float], at start: Int) -> Bool {
    precondition(colours.count >= start + 2 * side * side, "ChromaPlanes.cellColours: need 2·side² outputs")
    let x0 = r.x >> shiftX, y0 = r.y >> shiftY
    let x1 = (r.x + r.width) >> shiftX, y1 = (r.y + r.height) >> shiftY
    guard x0 >= 0, y0 >= 0, x1 <= u.width, y1 <= u.height, x1 - x0 >= side, y1 - y0 >= side else { return false }
    let rect = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    RegionStatistics.forEachCell(u.cropped(to: rect), side: side) { k, cell in colours[start + k] = Float(cell.mean - 128) }
    RegionStatistics.forEachCell(v.cropped(to: rect), side: side) { k, cell in colours[start + side * side + k] = Float(cell.mean - 128) }
    return true
  }
}

/// A mean colour as (U, V) around 128 (BT.601), with distances between colours.
public struct Chroma: Hashable, Sendable {
  public var u: Double
  public var v: Double
  public init(u: Double, v: Double) { self.u = u; self.v = v }

  /// From 8-bit RGB (BT.601 full range, as JPEG).
  public init(red r: Double, green g: Double, blue b: Double) {
    u = -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128
    v = 0.5 * r - 0.418_688 * g - 0.081_312 * b + 128
  }

  /// How coloured: distance from grey.
  public var saturation: Double { ((u - 128) * (u - 128) + (v - 128) * (v - 128)).squareRoot() }
  public func distance(to o: Chroma) -> Double { ((u - o.u) * (u - o.u) + (v - o.v) * (v - o.v)).squareRoot() }
}
