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

  /// The bounding box of the marked cells, in source pixels (nil when none is marked).
  func box(of marked: [Bool]) -> PixelRect? {
    var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
    for k in cells.indices where marked[k] {
      let cell = cells[k]
      x0 = min(x0, cell.x); y0 = min(y0, cell.y); x1 = max(x1, cell.x + cell.width); y1 = max(y1, cell.y + cell.height)
    }
    guard x0 < x1 else { return nil }
    let (sourceWidth, sourceHeight) = (geometry.sourceWidth, geometry.sourceHeight)
    let sx = Double(sourceWidth) / Double(geometry.analysisWidth), sy = Double(sourceHeight) / Double(geometry.analysisHeight)
    let bx = Int((Double(x0) * sx).rounded(.down)), by = Int((Double(y0) * sy).rounded(.down))
    return PixelRect(x: bx, y: by, width: min(sourceWidth, Int((Double(x1) * sx).rounded(.up))) - bx,
                     height: min(sourceHeight, Int((Double(y1) * sy).rounded(.up))) - by)
  }
}
