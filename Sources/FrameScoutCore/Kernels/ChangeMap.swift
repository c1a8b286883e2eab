/// Where in the picture things changed: the frame is cut into a grid of cells (16×9 by
/// default, so cells are square on 16:9 video) and each cell counts its pixels whose
/// difference is over a threshold. Cell `(column, row)` covers source columns
/// `column·width/columns ..< (column+1)·width/columns` and rows likewise (integer floor),
/// so every pixel belongs to exactly one cell for any size.
///
/// Prepared once per frame size; `update` allocates nothing. It counts per image column
/// in `UInt8` lanes (16 columns per vector, whatever the cell boundaries) over at most 255
/// rows, then sums those column counts per cell: the vector loop never sees cell edges.
public struct ChangeMap: Sendable {
  /// Grid size in cells.
  public let columns: Int
  public let rows: Int
  /// Frame size in pixels that the grid divides.
  public let width: Int
  public let height: Int
  /// Changed-pixel counts per cell, row-major (`row * columns + column`).
  public var counts: [Int] { cellCounts }
  @usableFromInline var cellCounts: [Int]
  /// Per-image-column counters of the current band of rows (scratch, padded to 16).
  @usableFromInline var columnCounts: [UInt8]
  @usableFromInline let xEdges: [Int]
  @usableFromInline let yEdges: [Int]

  public init(width: Int, height: Int, columns: Int = 16, rows: Int = 9) {
    precondition(columns > 0 && rows > 0 && columns <= width && rows <= height, "ChangeMap: \(columns)x\(rows) cells on \(width)x\(height)")
    self.width = width
    self.height = height
    self.columns = columns
    self.rows = rows
    cellCounts = [Int](repeating: 0, count: columns * rows)
    columnCounts = [UInt8](repeating: 0, count: (width + 15) & ~15)
    xEdges = (0...columns).map { $0 * width / columns }
    yEdges = (0...rows).map { $0 * height / rows }
  }

  /// The pixel rectangle of cell `(column, row)`.
  public func cell(column: Int, row: Int) -> PixelRect {
    PixelRect(x: xEdges[column], y: yEdges[row], width: xEdges[column + 1] - xEdges[column], height: yEdges[row + 1] - yEdges[row])
  }

  /// Changed pixels in cell `(column, row)`.
  public func count(column: Int, row: Int) -> Int { cellCounts[row * columns + column] }

  /// Changed pixels in cell `(column, row)` as a fraction of the cell's pixels (0…1).
  public func fraction(column: Int, row: Int) -> Double {
    let r = cell(column: column, row: row)
    return Double(count(column: column, row: row)) / Double(max(1, r.width * r.height))
  }

  /// All changed pixels in the frame.
  public var changedPixels: Int { cellCounts.reduce(0, +) }

  /// Number of cells whose changed fraction is at least `minimumFraction` (0…1).
  public func changedCells(minimumFraction: Double) -> Int {
    var n = 0
    for r in 0..<rows { for c in 0..<columns where fraction(column: c, row: r) >= minimumFraction { n += 1 } }
    return n
  }

  /// Recounts from a difference image: a pixel is changed when its value is over
  /// `threshold` (gray levels). Allocates nothing.
  @inlinable
  public mutating func update(difference: GrayView, threshold: UInt8) {
    precondition(difference.width == width && difference.height == height, "ChangeMap: prepared for \(width)x\(height), got \(difference.width)x\(difference.height)")
    count(difference, nil, threshold: threshold)
  }

  /// Recounts from two frames, fusing the absolute difference: a pixel is changed when
  /// `|current - previous| > threshold` (gray levels). Allocates nothing.
  @inlinable
  public mutating func update(previous: GrayView, current: GrayView, threshold: UInt8) {
    precondition(previous.width == width && previous.height == height && current.width == width && current.height == height,
                 "ChangeMap: prepared for \(width)x\(height)")
    count(previous, current, threshold: threshold)
  }

  /// Marks changed pixels of one row in the column counters: 16 lanes at a time, the
  /// tail one by one. `b == nil` means `a` is already a difference image.
  @inlinable @inline(__always)
  static func addRow(_ pa: UnsafeRawPointer, _ pb: UnsafeRawPointer?, width: Int, threshold: UInt8, counters: UnsafeMutableRawPointer) {
    let blocks = width &>> 4
    let t = SIMD16<UInt8>(repeating: threshold), one = SIMD16<UInt8>(repeating: 1), zero = SIMD16<UInt8>()
    var i = 0
    if let pb {
      while i < blocks {
        let o = i &<< 4
        let d = PixelDifference.absoluteDifference(pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self),
                                                   pb.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self))
        let c = counters.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        counters.storeBytes(of: c &+ zero.replacing(with: one, where: d .> t), toByteOffset: o, as: SIMD16<UInt8>.self)
        i &+= 1
      }
    } else {
      while i < blocks {
        let o = i &<< 4
        let d = pa.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        let c = counters.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        counters.storeBytes(of: c &+ zero.replacing(with: one, where: d .> t), toByteOffset: o, as: SIMD16<UInt8>.self)
        i &+= 1
      }
    }
    var j = blocks &<< 4
    while j < width {
      let d = PixelDifference.difference(pa, pb, at: j)
      if d > threshold { counters.storeBytes(of: counters.load(fromByteOffset: j, as: UInt8.self) &+ 1, toByteOffset: j, as: UInt8.self) }
      j &+= 1
    }
  }

  @inlinable
  mutating func count(_ a: GrayView, _ b: GrayView?, threshold: UInt8) {
    let (w, cols, nrows) = (width, columns, rows)
    let xe = xEdges, ye = yEdges
    columnCounts.withUnsafeMutableBytes { counterBytes in
      cellCounts.withUnsafeMutableBufferPointer { cells in
        let counters = counterBytes.baseAddress!
        for r in 0..<nrows {
          for c in 0..<cols { cells[r &* cols &+ c] = 0 }
          var y = ye[r]
          let yEnd = ye[r &+ 1]
          while y < yEnd {
            let band = Swift.min(yEnd, y &+ 255)   // UInt8 column counters hold 255 rows
            counters.initializeMemory(as: UInt8.self, repeating: 0, count: counterBytes.count)
            while y < band {
              let pa = UnsafeRawPointer(a.base + y &* a.stride)
              let pb = b.map { UnsafeRawPointer($0.base + y &* $0.stride) }
              Self.addRow(pa, pb, width: w, threshold: threshold, counters: counters)
              y &+= 1
            }
            let bytes = counters.assumingMemoryBound(to: UInt8.self)
            for c in 0..<cols {
              var s = 0
              for x in xe[c]..<xe[c &+ 1] { s &+= Int(bytes[x]) }
              cells[r &* cols &+ c] &+= s
            }
          }
        }
      }
    }
  }

  /// Scalar twin of `update(previous:current:threshold:)` (pass `b: nil` for the
  /// difference-image form): the per-cell counts, row-major. One pixel at a time, with a
  /// column → cell table.
  public func countsReference(_ a: GrayView, _ b: GrayView?, threshold: UInt8) -> [Int] {
    var out = [Int](repeating: 0, count: columns * rows)
    var cellOfColumn = [Int](repeating: 0, count: width)
    for c in 0..<columns { for x in xEdges[c]..<xEdges[c + 1] { cellOfColumn[x] = c } }
    for r in 0..<rows {
      for y in yEdges[r]..<yEdges[r + 1] {
        let ra = a.base + y * a.stride, rb = b.map { $0.base + y * $0.stride }
        for x in 0..<width {
          let d = rb.map { abs(Int(ra[x]) - Int($0[x])) } ?? Int(ra[x])
          if d > Int(threshold) { out[r * columns + cellOfColumn[x]] += 1 }
        }
      }
    }
    return out
  }
}

/// Where changed pixels lie, as a bounding box: grown one rectangle at a time (`add`),
/// or from a difference image over a threshold (`include`). Allocates nothing.
public struct PixelBounds: Sendable, Hashable {
  public private(set) var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min

  public init() {}

  public var isEmpty: Bool { x0 >= x1 }
  /// The box (nil when empty).
  public var rect: PixelRect? { isEmpty ? nil : PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0) }

  /// Grows to cover `other`.
  public mutating func add(_ other: PixelBounds) {
    guard !other.isEmpty else { return }
    x0 = min(x0, other.x0); y0 = min(y0, other.y0); x1 = max(x1, other.x1); y1 = max(y1, other.y1)
  }

  /// Grows to cover the rectangle `cell`.
  public mutating func include(cell r: PixelRect) {
    guard r.width > 0 && r.height > 0 else { return }
    x0 = min(x0, r.x); y0 = min(y0, r.y); x1 = max(x1, r.x + r.width); y1 = max(y1, r.y + r.height)
  }

  /// Grows to cover every pixel of `difference` inside `area` whose value is over `threshold`.
  public mutating func include(_ difference: GrayView, over threshold: UInt8, in area: PixelRect) {
    for y in area.y..<(area.y + area.height) {
      let row = difference.base + y * difference.stride
      var first = -1, last = -1
      for x in area.x..<(area.x + area.width) where row[x] > threshold {
        if first < 0 { first = x }
        last = x
      }
      guard first >= 0 else { continue }
      x0 = min(x0, first); x1 = max(x1, last + 1); y0 = min(y0, y); y1 = max(y1, y + 1)
    }
  }
}
