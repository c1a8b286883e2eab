/// A region of the frame as a user gives it: a rectangle `x,y,w,h` or a polygon
/// `x1,y1;x2,y2;x3,y3…`, each number in source pixels or, with `%`, in percent of the frame
/// width (x, w) or height (y, h).
public struct RegionSpec: Hashable, Sendable, CustomStringConvertible {
  public enum Shape: Hashable, Sendable {
    case rectangle(x: Coordinate, y: Coordinate, width: Coordinate, height: Coordinate)
    case polygon([(x: Coordinate, y: Coordinate)])

    public static func == (a: Shape, b: Shape) -> Bool { String(describing: a) == String(describing: b) }
    public func hash(into h: inout Hasher) { h.combine(String(describing: self)) }
  }

  public enum Coordinate: Hashable, Sendable, CustomStringConvertible {
    case pixels(Double), percent(Double)
    func resolve(_ extent: Int) -> Double {
      switch self { case .pixels(let v): return v; case .percent(let p): return p * Double(extent) / 100 }
    }
    public var description: String {
      switch self {
      case .pixels(let v): return v == v.rounded() ? String(Int(v)) : String(v)
      case .percent(let p): return (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
      }
    }
  }

  public let shape: Shape
  public let text: String

  public var description: String { text }

  /// Parses a region; the error says what is wrong in words.
  public init(parsing raw: String) throws(RegionError) {
    let text = raw.trimmingWhitespace()
    self.text = text
    func number(_ s: Substring) throws(RegionError) -> Coordinate {
      let t = s.trimmingWhitespace()
      let isPercent = t.hasSuffix("%")
      let digits = isPercent ? String(t.dropLast()) : t
      guard !digits.isEmpty, digits.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let v = Double(digits), v.isFinite else {
        throw RegionError("'\(t)' in region '\(text)' is not a number (pixels, or percent with %)")
      }
      return isPercent ? .percent(v) : .pixels(v)
    }
    if text.contains(";") {
      var points: [(x: Coordinate, y: Coordinate)] = []
      for p in text.split(separator: ";", omittingEmptySubsequences: true) {
        let xy = p.split(separator: ",", omittingEmptySubsequences: false)
        guard xy.count == 2 else { throw RegionError("polygon point '\(p)' in '\(text)' must be x,y") }
        points.append((try number(xy[0]), try number(xy[1])))
      }
      guard points.count >= 3 else { throw RegionError("polygon '\(text)' needs at least 3 points") }
      shape = .polygon(points)
    } else {
      let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      guard parts.count == 4 else { throw RegionError("region '\(text)' must be x,y,w,h or a polygon x1,y1;x2,y2;x3,y3") }
      shape = .rectangle(x: try number(parts[0]), y: try number(parts[1]), width: try number(parts[2]), height: try number(parts[3]))
    }
  }

  /// The region in a frame of `width`×`height` source pixels, or an error when it is
  /// empty or reaches outside the frame.
  public func resolve(frameWidth width: Int, frameHeight height: Int) throws(RegionError) -> Region {
    switch shape {
    case let .rectangle(x, y, w, h):
      let rx = x.resolve(width), ry = y.resolve(height), rw = w.resolve(width), rh = h.resolve(height)
      let rect = PixelRect(x: Int(rx.rounded()), y: Int(ry.rounded()), width: Int(rw.rounded()), height: Int(rh.rounded()))
      guard rect.width > 0, rect.height > 0 else { throw RegionError("region '\(text)' has zero size") }
      guard rect.x >= 0, rect.y >= 0, rect.x + rect.width <= width, rect.y + rect.height <= height else {
        throw RegionError("region '\(text)' (\(rect)) reaches outside the \(width)x\(height) frame")
      }
      return Region(spec: self, bounds: rect, polygon: nil)
    case .polygon(let pts):
      let points = pts.map { (x: $0.x.resolve(width), y: $0.y.resolve(height)) }
      for p in points where p.x < 0 || p.y < 0 || p.x > Double(width) || p.y > Double(height) {
        throw RegionError("polygon '\(text)' has a point (\(p.x),\(p.y)) outside the \(width)x\(height) frame")
      }
      let x0 = Int(points.map(\.x).min()!.rounded(.down)), x1 = Int(points.map(\.x).max()!.rounded(.up))
      let y0 = Int(points.map(\.y).min()!.rounded(.down)), y1 = Int(points.map(\.y).max()!.rounded(.up))
      guard x1 > x0, y1 > y0 else { throw RegionError("polygon '\(text)' has zero area") }
      return Region(spec: self, bounds: PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0), polygon: points)
    }
  }
}

public struct RegionError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// A region resolved to source pixels: its bounding rectangle and, for polygons, the
/// points. `mask` rasterises it at any analysis scale.
public struct Region: Hashable, Sendable {
  public let spec: RegionSpec
  public let bounds: PixelRect
  public let polygon: [(x: Double, y: Double)]?

  public static func == (a: Region, b: Region) -> Bool { a.spec == b.spec && a.bounds == b.bounds }
  public func hash(into h: inout Hasher) { h.combine(spec); h.combine(bounds) }

  /// True when source point (x, y) is inside (pixel centres; even-odd rule for polygons).
  public func contains(x: Double, y: Double) -> Bool {
    guard let poly = polygon else {
      return x >= Double(bounds.x) && x < Double(bounds.x + bounds.width) && y >= Double(bounds.y) && y < Double(bounds.y + bounds.height)
    }
    var inside = false
    var j = poly.count - 1
    for i in 0..<poly.count {
      let (xi, yi) = poly[i], (xj, yj) = poly[j]
      if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
      j = i
    }
    return inside
  }

  /// The bounding rectangle scaled to an analysis image of `width`×`height` made from a
  /// `sourceWidth`×`sourceHeight` frame (rounded outwards, clipped to the image).
  public func scaledBounds(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) -> PixelRect {
    let sx = Double(width) / Double(sourceWidth), sy = Double(height) / Double(sourceHeight)
    let x0 = max(0, Int((Double(bounds.x) * sx).rounded(.down)))
    let y0 = max(0, Int((Double(bounds.y) * sy).rounded(.down)))
    let x1 = min(width, Int((Double(bounds.x + bounds.width) * sx).rounded(.up)))
    let y1 = min(height, Int((Double(bounds.y + bounds.height) * sy).rounded(.up)))
    return PixelRect(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
  }
}

/// Which pixels of an analysis image count: the union of the included regions (the whole
/// frame when none) minus the excluded ones. 1 = counts, 0 = ignored.
public struct RegionMask: Sendable {
  public let width: Int
  public let height: Int
  public let pixels: [UInt8]
  /// Number of pixels that count.
  public let area: Int

  public init(width: Int, height: Int, sourceWidth: Int, sourceHeight: Int, include: [Region], exclude: [Region]) {
    self.width = width
    self.height = height
    var m = [UInt8](repeating: include.isEmpty ? 1 : 0, count: width * height)
    let sx = Double(sourceWidth) / Double(width), sy = Double(sourceHeight) / Double(height)
    for y in 0..<height {
      for x in 0..<width {
        let px = (Double(x) + 0.5) * sx, py = (Double(y) + 0.5) * sy
        if include.contains(where: { $0.contains(x: px, y: py) }) { m[y * width + x] = 1 }
        if exclude.contains(where: { $0.contains(x: px, y: py) }) { m[y * width + x] = 0 }
      }
    }
    pixels = m
    area = m.reduce(0) { $0 + Int($1) }
  }
}
