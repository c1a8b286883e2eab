import FrameScoutCore

/// The 16×9 grid of motion cells on the analysis image, with the regions applied: which
/// pixels count (the mask), how many of each cell's pixels count, and the way from marked
/// cells back to a box in source pixels. Prepared once per scan.
public struct MotionGrid: Sendable {
  public let geometry: ScanGeometry
  public let columns: Int
  public let rows: Int
  /// Each cell's rectangle on the analysis image, row by row.
  let cells: [PixelRect]
  /// Each cell's pixels inside the regions.
  let cellArea: [Int]
  /// Per analysis pixel: 0xFF counts, 0 is ignored.
  let mask: [UInt8]
  /// False when the whole frame counts (no mask to apply).
  let hasMask: Bool

  /// Throws when the regions leave no pixel to scan.
  public init(geometry: ScanGeometry) throws(RegionError) {
    self.geometry = geometry
    let (width, height) = (geometry.analysisWidth, geometry.analysisHeight)
    let regionMask = RegionMask(width: width, height: height, sourceWidth: geometry.sourceWidth, sourceHeight: geometry.sourceHeight,
                                include: geometry.regions, exclude: geometry.excludes)
    hasMask = !geometry.regions.isEmpty || !geometry.excludes.isEmpty
    mask = regionMask.pixels.map { $0 == 0 ? 0 : 0xFF }
    let map = ChangeMap(width: width, height: height, columns: min(ScanSettings.columns, width), rows: min(ScanSettings.rows, height))
    columns = map.columns
    rows = map.rows
    var cells: [PixelRect] = [], areas: [Int] = []
    for r in 0..<rows {
      for c in 0..<columns {
        let cell = map.cell(column: c, row: r)
        var a = 0
        for y in cell.y..<(cell.y + cell.height) { for x in cell.x..<(cell.x + cell.width) where regionMask.pixels[y * width + x] != 0 { a += 1 } }
        cells.append(cell)
        areas.append(a)
      }
    }
    self.cells = cells
    cellArea = areas
    if regionMask.area == 0 { throw RegionError("the regions leave no pixel to scan (every included pixel is excluded)") }
  }

  public var count: Int { cells.count }

  /// A change map over this grid.
  func changeMap() -> ChangeMap {
    ChangeMap(width: geometry.analysisWidth, height: geometry.analysisHeight, columns: columns, rows: rows)
  }

  /// The bounding box of the marked cells, in analysis pixels.
  func bounds(of marked: [Bool]) -> PixelBounds {
    var b = PixelBounds()
    for k in cells.indices where marked[k] { b.include(cell: cells[k]) }
    return b
  }

  /// A box of analysis pixels in source pixels (rounded outward), clipped to the regions'
  /// bounds (the whole frame without regions); nil when empty.
  func sourceBox(of bounds: PixelBounds) -> PixelRect? {
    guard let r = bounds.rect else { return nil }
    let (sourceWidth, sourceHeight) = (geometry.sourceWidth, geometry.sourceHeight)
    let sx = Double(sourceWidth) / Double(geometry.analysisWidth), sy = Double(sourceHeight) / Double(geometry.analysisHeight)
    var x0 = Int((Double(r.x) * sx).rounded(.down)), y0 = Int((Double(r.y) * sy).rounded(.down))
    var x1 = min(sourceWidth, Int((Double(r.x + r.width) * sx).rounded(.up))), y1 = min(sourceHeight, Int((Double(r.y + r.height) * sy).rounded(.up)))
    if let clip = regionBounds {
      x0 = max(x0, clip.x); y0 = max(y0, clip.y); x1 = min(x1, clip.x + clip.width); y1 = min(y1, clip.y + clip.height)
    }
    return x1 > x0 && y1 > y0 ? PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0) : nil
  }

  /// The bounds of the included regions in source pixels (nil: no region, the whole frame).
  var regionBounds: PixelRect? {
    guard !geometry.regions.isEmpty else { return nil }
    var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
    for region in geometry.regions {
      let b = region.bounds
      x0 = min(x0, b.x); y0 = min(y0, b.y); x1 = max(x1, b.x + b.width); y1 = max(y1, b.y + b.height)
    }
    return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }
}
