/// Summed-area tables of a gray image: `sum(in:)` and `sumOfSquares(in:)` of any
/// rectangle in four lookups, so region statistics at many positions (template search,
/// per-window lighting normalisation) cost O(1) each.
///
/// Entry `(x, y)` of the tables (0…width, 0…height) holds the sum over pixels `[0, x) × [0, y)`.
/// Sums are `UInt32` (exact up to 16.8 million pixels: 255·w·h < 2³²), squares `UInt64`.
/// Prepared once per size; `compute` refills without allocating.
public struct IntegralImage: Sendable {
  public let width: Int
  public let height: Int
  /// (width+1)·(height+1) entries, row-major.
  public private(set) var sums: [UInt32]
  public private(set) var squares: [UInt64]

  public init(width: Int, height: Int) {
    precondition(width >= 0 && height >= 0 && width * height <= Int(UInt32.max) / 255, "IntegralImage: \(width)x\(height) too large for UInt32 sums")
    self.width = width
    self.height = height
    sums = [UInt32](repeating: 0, count: (width + 1) * (height + 1))
    squares = [UInt64](repeating: 0, count: (width + 1) * (height + 1))
  }

  /// Builds the tables of `image`.
  public init(_ image: GrayView) {
    self.init(width: image.width, height: image.height)
    compute(image)
  }

  /// Refills the tables from `image` (same size). Allocates nothing.
  ///
  /// Row by row: a running prefix of the row (inherently sequential) added to the row
  /// above. The scalar form is already the fast one; LLVM vectorises the row-above adds.
  public mutating func compute(_ image: GrayView) {
    precondition(image.width == width && image.height == height, "IntegralImage: prepared for \(width)x\(height)")
    let w1 = width + 1
    let h = height, w = width
    sums.withUnsafeMutableBufferPointer { s in
      squares.withUnsafeMutableBufferPointer { q in
        for x in 0..<w1 { s[x] = 0; q[x] = 0 }
        for y in 0..<h {
          let row = image.base + y &* image.stride
          let above = y &* w1, here = above &+ w1
          s[here] = 0; q[here] = 0
          var run: UInt32 = 0, runSq: UInt64 = 0
          for x in 0..<w {
            let v = UInt32(row[x])
            run &+= v
            runSq &+= UInt64(v &* v)
            s[here &+ x &+ 1] = s[above &+ x &+ 1] &+ run
            q[here &+ x &+ 1] = q[above &+ x &+ 1] &+ runSq
          }
        }
      }
    }
  }

  /// Obvious twin of `compute(_:)`: each entry from the one above, the one to the left
  /// and the one diagonally above-left.
  public static func reference(_ image: GrayView) -> IntegralImage {
    var out = IntegralImage(width: image.width, height: image.height)
    let w1 = image.width + 1
    for y in 1..<(image.height + 1) {
      for x in 1..<(image.width + 1) {
        let v = Int(image[x - 1, y - 1])
        out.sums[y * w1 + x] = UInt32(Int(out.sums[(y - 1) * w1 + x]) + Int(out.sums[y * w1 + x - 1]) - Int(out.sums[(y - 1) * w1 + x - 1]) + v)
        out.squares[y * w1 + x] = UInt64(Int(out.squares[(y - 1) * w1 + x]) + Int(out.squares[y * w1 + x - 1]) - Int(out.squares[(y - 1) * w1 + x - 1]) + v * v)
      }
    }
    return out
  }

  @inlinable @inline(__always)
  func check(_ r: PixelRect) {
    precondition(r.x >= 0 && r.y >= 0 && r.width >= 0 && r.height >= 0 && r.x + r.width <= width && r.y + r.height <= height,
                 "IntegralImage: \(r) outside \(width)x\(height)")
  }

  /// Σ p over the rectangle (gray levels).
  public func sum(in r: PixelRect) -> Int {
    check(r)
    let w1 = width + 1, x1 = r.x + r.width, y1 = r.y + r.height
    return Int(sums[y1 * w1 + x1]) - Int(sums[r.y * w1 + x1]) - Int(sums[y1 * w1 + r.x]) + Int(sums[r.y * w1 + r.x])
  }

  /// Σ p² over the rectangle (gray levels²).
  public func sumOfSquares(in r: PixelRect) -> Int {
    check(r)
    let w1 = width + 1, x1 = r.x + r.width, y1 = r.y + r.height
    return Int(squares[y1 * w1 + x1]) - Int(squares[r.y * w1 + x1]) - Int(squares[y1 * w1 + r.x]) + Int(squares[r.y * w1 + r.x])
  }

  /// Count, sum and sum of squares of the rectangle.
  public func statistics(in r: PixelRect) -> RegionStatistics {
    RegionStatistics(count: r.width * r.height, sum: sum(in: r), sumOfSquares: sumOfSquares(in: r))
  }
}
