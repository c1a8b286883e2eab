/// Mean and variance of the gray levels of a region, kept as exact integer sums so that a
/// SIMD computation and its scalar reference agree exactly, and so that two regions'
/// statistics can be combined. Used for lighting-normalised comparisons: subtract the mean,
/// divide by the standard deviation.
public struct RegionStatistics: Hashable, Sendable {
  /// Number of pixels.
  public var count: Int
  /// Σ p, in gray levels.
  public var sum: Int
  /// Σ p², in gray levels².
  public var sumOfSquares: Int

  public init(count: Int, sum: Int, sumOfSquares: Int) {
    self.count = count
    self.sum = sum
    self.sumOfSquares = sumOfSquares
  }

  /// Mean gray level (0…255); 0 for an empty region.
  public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

  /// Population variance in gray levels², `(n·Σp² − (Σp)²) / n²` computed in integers.
  public var variance: Double {
    count == 0 ? 0 : Double(count &* sumOfSquares &- sum &* sum) / (Double(count) * Double(count))
  }

  /// Standard deviation in gray levels.
  public var standardDeviation: Double { variance.squareRoot() }

  /// Measures `region` (any stride, any width). Allocates nothing.
  ///
  /// Per 16-pixel block the even and odd bytes are split by a bit-cast to `SIMD8<UInt16>`;
  /// sums accumulate in `UInt16` lanes and squares (≤ 65,025, products of `UInt16` lanes)
  /// are split again into `SIMD4<UInt32>` lanes; both are flushed every 128 blocks.
  @inlinable
  public static func measure(_ region: GrayView) -> RegionStatistics {
    let width = region.width, blocks = width &>> 4
    let low8 = SIMD8<UInt16>(repeating: 0xFF), low16 = SIMD4<UInt32>(repeating: 0xFFFF)
    var sum = 0, squares = 0
    var accSum = SIMD8<UInt16>(), accSquares = SIMD4<UInt32>()
    var room = 128
    for y in 0..<region.height {
      let p = UnsafeRawPointer(region.base + y &* region.stride)
      var i = 0
      while i < blocks {
        let end = Swift.min(blocks, i &+ room)
        room &-= end &- i
        while i < end {
          let w = unsafeBitCast(p.loadUnaligned(fromByteOffset: i &<< 4, as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
          let even = w & low8, odd = w &>> 8
          accSum &+= even &+ odd
          let se = unsafeBitCast(even &* even, to: SIMD4<UInt32>.self)
          let so = unsafeBitCast(odd &* odd, to: SIMD4<UInt32>.self)
          accSquares &+= (se & low16) &+ (se &>> 16) &+ (so & low16) &+ (so &>> 16)
          i &+= 1
        }
        if room == 0 {
          sum &+= PixelDifference.widenedSum(accSum)
          for k in 0..<4 { squares &+= Int(accSquares[k]) }
          accSum = SIMD8<UInt16>(); accSquares = SIMD4<UInt32>(); room = 128
        }
      }
      var j = blocks &<< 4
      while j < width {
        let v = Int(p.load(fromByteOffset: j, as: UInt8.self))
        sum &+= v
        squares &+= v &* v
        j &+= 1
      }
    }
    sum &+= PixelDifference.widenedSum(accSum)
    for k in 0..<4 { squares &+= Int(accSquares[k]) }
    return RegionStatistics(count: region.width &* region.height, sum: sum, sumOfSquares: squares)
  }

  /// Scalar twin of `measure(_:)`.
  public static func measureReference(_ region: GrayView) -> RegionStatistics {
    var sum = 0, squares = 0
    for y in 0..<region.height {
      let r = region.base + y * region.stride
      for x in 0..<region.width { let v = Int(r[x]); sum += v; squares += v * v }
    }
    return RegionStatistics(count: region.width * region.height, sum: sum, sumOfSquares: squares)
  }

  /// Σ a·b over two regions of the same size (gray levels²): the correlation term of
  /// normalised cross-correlation. Allocates nothing.
  @inlinable
  public static func dotProduct(_ a: GrayView, _ b: GrayView) -> Int {
    var product = DotProduct()
    PixelDifference.accumulate(a, b, into: &product)
    return product.total
  }

  /// Scalar twin of `dotProduct(_:_:)`.
  public static func dotProductReference(_ a: GrayView, _ b: GrayView) -> Int {
    PixelDifference.checkSameSize(a, b)
    var total = 0
    for y in 0..<a.height {
      let ra = a.base + y * a.stride, rb = b.base + y * b.stride
      for x in 0..<a.width { total += Int(ra[x]) * Int(rb[x]) }
    }
    return total
  }
}

/// Σ a·b: 4 products ≤ 65,025 per lane per block, so 4096 blocks stay < 2³².
@usableFromInline
struct DotProduct: BlockPairAccumulator {
  @usableFromInline static var room: Int { 4096 }
  @usableFromInline var total = 0
  @usableFromInline var lanes = SIMD4<UInt32>()
  @inlinable init() {}
  @inlinable @inline(__always) mutating func add(_ xb: SIMD16<UInt8>, _ zb: SIMD16<UInt8>) {
    let low8 = SIMD8<UInt16>(repeating: 0xFF), low16 = SIMD4<UInt32>(repeating: 0xFFFF)
    let x = unsafeBitCast(xb, to: SIMD8<UInt16>.self), z = unsafeBitCast(zb, to: SIMD8<UInt16>.self)
    let pe = unsafeBitCast((x & low8) &* (z & low8), to: SIMD4<UInt32>.self)
    let po = unsafeBitCast((x &>> 8) &* (z &>> 8), to: SIMD4<UInt32>.self)
    lanes &+= (pe & low16) &+ (pe &>> 16) &+ (po & low16) &+ (po &>> 16)
  }
  @inlinable @inline(__always) mutating func add(_ x: UInt8, _ z: UInt8) { total &+= Int(x) &* Int(z) }
  @inlinable @inline(__always) mutating func flush() {
    for k in 0..<4 { total &+= Int(lanes[k]) }
    lanes = SIMD4<UInt32>()
  }
}

extension RegionStatistics {
  /// Measures each cell of a `side`×`side` grid over `region` (cell edges at
  /// `i·width/side`, `j·height/side`) and hands `body` the cell's row-major index and its
  /// statistics. Allocates nothing.
  @inlinable
  public static func forEachCell(_ region: GrayView, side: Int, _ body: (Int, RegionStatistics) -> Void) {
    for j in 0..<side {
      let y0 = j * region.height / side, y1 = (j + 1) * region.height / side
      for i in 0..<side {
        let x0 = i * region.width / side, x1 = (i + 1) * region.width / side
        body(j * side + i, measure(region.cropped(to: PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0))))
      }
    }
  }

  /// The standard deviation of each cell of a `side`×`side` grid over `region` (see
  /// `forEachCell`), row-major into `deviations` from index `start` (reused: allocates
  /// nothing). The texture inside each cell: a shadow scales it with the gray level, a
  /// smooth surface (a coat, a box) has little.
  @inlinable
  public static func cellDeviations(_ region: GrayView, side: Int, into deviations: inout [Float], at start: Int = 0) {
    precondition(deviations.count >= start + side * side, "RegionStatistics.cellDeviations: need side² outputs")
    forEachCell(region, side: side) { k, cell in deviations[start + k] = Float(cell.standardDeviation) }
  }
}
