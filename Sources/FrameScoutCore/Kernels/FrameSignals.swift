/// A fast, non-cryptographic 64-bit hash of raw bytes, to tell bit-identical decoded frames
/// apart from merely similar ones (duplicate frames, identical streams).
///
/// Four independent multiply–rotate lanes over 32-byte blocks, so the multiplies overlap
/// instead of forming one long dependency chain; the tail and the length are mixed in at
/// the end. Rows are added one by one (padding is never hashed), and a row split at any
/// place hashes the same as long as the concatenated bytes are the same.
public struct ContentHasher {
  var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5)
  var pending = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
  var pendingBytes = 0
  var length = 0
  static let prime: UInt64 = 0x9FB2_1C65_1E98_DF25

  public init() {}

  @inline(__always)
  static func mix(_ lane: UInt64, _ word: UInt64) -> UInt64 {
    let x = (lane ^ word) &* prime
    return (x << 29) | (x >> 35)
  }

  /// Adds `count` bytes at `bytes`.
  public mutating func add(_ bytes: UnsafePointer<UInt8>, count: Int) {
    var p = UnsafeRawPointer(bytes)
    var n = count
    length &+= count
    // Finish a partly filled block byte by byte (only when rows are not multiples of 32).
    while pendingBytes > 0 && n > 0 {
      addByte(p.load(as: UInt8.self)); p += 1; n -= 1
    }
    var a = lanes
    while n >= 32 {
      a.0 = Self.mix(a.0, p.loadUnaligned(as: UInt64.self))
      a.1 = Self.mix(a.1, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
      a.2 = Self.mix(a.2, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
      a.3 = Self.mix(a.3, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
      p += 32; n -= 32
    }
    lanes = a
    while n > 0 { addByte(p.load(as: UInt8.self)); p += 1; n -= 1 }
  }

  @inline(__always)
  mutating func addByte(_ b: UInt8) {
    let word = pendingBytes / 8, shift = UInt64((pendingBytes % 8) * 8)
    switch word {
    case 0: pending.0 |= UInt64(b) << shift
    case 1: pending.1 |= UInt64(b) << shift
    case 2: pending.2 |= UInt64(b) << shift
    default: pending.3 |= UInt64(b) << shift
    }
    pendingBytes += 1
    if pendingBytes == 32 {
      lanes.0 = Self.mix(lanes.0, pending.0); lanes.1 = Self.mix(lanes.1, pending.1)
      lanes.2 = Self.mix(lanes.2, pending.2); lanes.3 = Self.mix(lanes.3, pending.3)
      pending = (0, 0, 0, 0); pendingBytes = 0
    }
  }

  /// The hash of everything added.
  public func finish() -> UInt64 {
    var h = UInt64(truncatingIfNeeded: length) &* Self.prime
    h = Self.mix(h, lanes.0); h = Self.mix(h, lanes.1); h = Self.mix(h, lanes.2); h = Self.mix(h, lanes.3)
    h = Self.mix(h, pending.0); h = Self.mix(h, pending.1); h = Self.mix(h, pending.2); h = Self.mix(h, pending.3)
    h ^= h >> 31
    h = h &* 0xD6E8_FEB8_6659_FD93
    return h ^ (h >> 32)
  }
}

/// Coarse layout of a picture: the mean luma of each cell of a `columns`×`rows` grid, and
/// its brightness/contrast-normalised form. Allocates nothing: the caller owns `out`.
public enum GridMeans {
  /// Writes `columns * rows` cell means (row-major) of `pixels` into `out`. Cells split
  /// the picture as evenly as integer pixel bounds allow; every pixel belongs to one cell.
  public static func measure(_ pixels: GrayView, columns: Int, rows: Int, into out: UnsafeMutablePointer<Float>) {
    precondition(columns > 0 && rows > 0 && pixels.width >= columns && pixels.height >= rows)
    for cy in 0..<rows {
      let y0 = cy * pixels.height / rows, y1 = (cy + 1) * pixels.height / rows
      for cx in 0..<columns {
        let x0 = cx * pixels.width / columns, x1 = (cx + 1) * pixels.width / columns
        var sum = 0
        for y in y0..<y1 {
          let r = pixels.base + y &* pixels.stride
          for x in x0..<x1 { sum &+= Int(r[x]) }
        }
        out[cy * columns + cx] = Float(sum) / Float((y1 - y0) * (x1 - x0))
      }
    }
  }

  /// Normalises `n` values in place to zero mean and unit standard deviation (a flat grid
  /// becomes all zeros): what is left does not change with brightness or contrast.
  public static func normalise(_ v: UnsafeMutablePointer<Float>, count n: Int) {
    var mean: Float = 0
    for i in 0..<n { mean += v[i] }
    mean /= Float(n)
    var variance: Float = 0
    for i in 0..<n { let d = v[i] - mean; variance += d * d }
    let sd = (variance / Float(n)).squareRoot()
    let scale: Float = sd > 0.5 ? 1 / sd : 0
    for i in 0..<n { v[i] = (v[i] - mean) * scale }
  }

  /// Mean absolute difference of two grids of `n` cells.
  @inlinable
  public static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
    var s: Float = 0
    for i in 0..<n { s += abs(a[i] - b[i]) }
    return s / Float(n)
  }
}
