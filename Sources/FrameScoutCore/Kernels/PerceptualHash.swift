#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The three classic perceptual hashes of an image that has already been reduced to the
/// hash's working size, defined exactly as Python's `imagehash` 4.3 computes them on the
/// same pixels (the fixtures in Tests/FrameScoutCoreTests/Fixtures come from it):
///
/// - `average` (aHash), 8×8 pixels: bit set where the pixel is above the mean.
/// - `difference` (dHash), 9×8 pixels (9 wide): bit set where a pixel is brighter than its
///   left neighbour (`pixels[:, 1:] > pixels[:, :-1]`).
/// - `perceptual` (pHash), 32×32 pixels: the unnormalised type-II DCT along columns then
///   rows (scipy `fftpack.dct`, `2·Σ x[n]·cos(πk(2n+1)/2N)`), its 8×8 lowest frequencies,
///   bit set where a coefficient is above their median (mean of the 32nd and 33rd values).
///
/// To hash a region of a frame, `RegionHasher` first reduces it to these sizes. All three
/// allocate nothing (pHash scratch is on the stack).
public enum PerceptualHash {
  @inlinable @inline(__always)
  static func checkSize(_ p: GrayView, _ w: Int, _ h: Int) {
    precondition(p.width == w && p.height == h, "PerceptualHash: needs \(w)x\(h) pixels, got \(p.width)x\(p.height)")
  }

  /// aHash of 8×8 pixels. `p > mean` is tested as `64·p > Σp`, exactly.
  @inlinable
  public static func average(_ pixels: GrayView) -> Hash64 {
    checkSize(pixels, 8, 8)
    var sum = 0
    for y in 0..<8 { for x in 0..<8 { sum &+= Int(pixels.base[y &* pixels.stride &+ x]) } }
    var bits: UInt64 = 0
    for y in 0..<8 {
      for x in 0..<8 { bits = (bits &<< 1) | (64 &* Int(pixels.base[y &* pixels.stride &+ x]) > sum ? 1 : 0) }
    }
    return Hash64(bits: bits)
  }

  /// dHash of 9×8 pixels (9 columns, 8 rows).
  @inlinable
  public static func difference(_ pixels: GrayView) -> Hash64 {
    checkSize(pixels, 9, 8)
    var bits: UInt64 = 0
    for y in 0..<8 {
      let r = pixels.base + y &* pixels.stride
      for x in 0..<8 { bits = (bits &<< 1) | (r[x &+ 1] > r[x] ? 1 : 0) }
    }
    return Hash64(bits: bits)
  }

  /// pHash of 32×32 pixels.
  @inlinable
  public static func perceptual(_ pixels: GrayView) -> Hash64 {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 128) { buffer in
      let coefficients = buffer.baseAddress!
      lowFrequencies(pixels, into: coefficients)
      return hash(lowFrequencies: coefficients, scratch: coefficients + 64)
    }
  }

  /// Bits from 64 coefficients: above the median of all 64. `scratch` holds 64 Doubles.
  @inlinable
  static func hash(lowFrequencies c: UnsafeMutablePointer<Double>, scratch s: UnsafeMutablePointer<Double>) -> Hash64 {
    s.update(from: c, count: 64)
    for i in 1..<64 {                      // insertion sort: 64 values, no allocation
      let v = s[i]
      var j = i
      while j > 0 && s[j &- 1] > v { s[j] = s[j &- 1]; j &-= 1 }
      s[j] = v
    }
    let median = (s[31] + s[32]) / 2       // numpy.median: mean of the two middle values
    var bits: UInt64 = 0
    for i in 0..<64 { bits = (bits &<< 1) | (c[i] > median ? 1 : 0) }
    return Hash64(bits: bits)
  }

  /// `cos(π·k·(2n+1)/(2N))` tables for the odd-symmetric parts of the 32-point DCT:
  /// rows for N=32 (k = 1,3,5,7; 16 n), N=16 (k = 1,3; 8 n), N=8 (k = 1; 4 n).
  @usableFromInline static let cosines: [Double] = {
    var t: [Double] = []
    for k in [1, 3, 5, 7] { for n in 0..<16 { t.append(cos32(k, n, 64)) } }
    for k in [1, 3] { for n in 0..<8 { t.append(cos32(k, n, 32)) } }
    for n in 0..<4 { t.append(cos32(1, n, 16)) }
    return t
  }()

  @usableFromInline static func cos32(_ k: Int, _ n: Int, _ twoN: Int) -> Double {
    // cos(π·m/twoN) with m reduced so the argument is exact for the tabulated cases.
    let m = (k * (2 * n + 1)) % (2 * twoN)
    return _cos(Double.pi * Double(m) / Double(twoN))
  }

  /// The first 8 coefficients of the unnormalised 32-point DCT-II of `x` (stride `step`):
  /// `X[k] = 2·Σ x[n]·cos(πk(2n+1)/64)`. Computed by even/odd folding
  /// (`x[n] ± x[31−n]`, then again on the sums), so a constant or mirror-symmetric input
  /// gives exact zeros where scipy's pocketfft gives exact zeros; a plain sum of
  /// `x[n]·cos(…)` leaves 1e-13 residues there, which flip pHash bits of flat, ramp and
  /// checkerboard images (measured on the fixtures).
  @inlinable
  static func dct32Low8(_ x: UnsafePointer<Double>, step: Int, into out: UnsafeMutablePointer<Double>, outStep: Int) {
    cosines.withUnsafeBufferPointer { table in
      let c = table.baseAddress!
      withUnsafeTemporaryAllocation(of: Double.self, capacity: 32) { tmp in
        let u1 = tmp.baseAddress!, u2 = u1 + 16, u3 = u2 + 8
        var odd = (0.0, 0.0, 0.0, 0.0)
        for n in 0..<16 {
          let a = x[n &* step], b = x[(31 &- n) &* step]
          u1[n] = a + b
          let v = a - b
          odd.0 += v * c[n]; odd.1 += v * c[16 &+ n]; odd.2 += v * c[32 &+ n]; odd.3 += v * c[48 &+ n]
        }
        var mid = (0.0, 0.0)
        for n in 0..<8 {
          let a = u1[n], b = u1[15 &- n]
          u2[n] = a + b
          let v = a - b
          mid.0 += v * c[64 &+ n]; mid.1 += v * c[72 &+ n]
        }
        var x4 = 0.0, x0 = 0.0
        for n in 0..<4 {
          let a = u2[n], b = u2[7 &- n]
          u3[n] = a + b
          x4 += (a - b) * c[80 &+ n]
        }
        for n in 0..<4 { x0 += u3[n] }
        out[0] = 2 * x0
        out[outStep] = 2 * odd.0
        out[2 &* outStep] = 2 * mid.0
        out[3 &* outStep] = 2 * odd.1
        out[4 &* outStep] = 2 * x4
        out[5 &* outStep] = 2 * odd.2
        out[6 &* outStep] = 2 * mid.1
        out[7 &* outStep] = 2 * odd.3
      }
    }
  }

  /// The 8×8 lowest DCT frequencies of 32×32 pixels, row-major (`[vertical][horizontal]`,
  /// as scipy's `dct(dct(p, axis=0), axis=1)[:8, :8]`), into `out` (64 Doubles).
  @inlinable
  public static func lowFrequencies(_ pixels: GrayView, into out: UnsafeMutablePointer<Double>) {
    checkSize(pixels, 32, 32)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 32 * 32 + 8 * 32) { buffer in
      let p = buffer.baseAddress!, columns = p + 1024      // columns: 8 rows × 32 columns
      for y in 0..<32 { for x in 0..<32 { p[y &* 32 &+ x] = Double(pixels.base[y &* pixels.stride &+ x]) } }
      for x in 0..<32 { dct32Low8(p + x, step: 32, into: columns + x, outStep: 32) }          // axis 0
      for k in 0..<8 { dct32Low8(columns + k &* 32, step: 1, into: out + k &* 8, outStep: 1) }  // axis 1
    }
  }

  /// The definition, summed directly in Double: `2·Σ x·cos` along columns, then rows, all
  /// 64 coefficients. For tests (equal to `lowFrequencies` within 1e-9).
  public static func lowFrequenciesReference(_ pixels: GrayView) -> [Double] {
    checkSize(pixels, 32, 32)
    var columns = [Double](repeating: 0, count: 8 * 32)
    for k in 0..<8 {
      for x in 0..<32 {
        var s = 0.0
        for n in 0..<32 { s += Double(pixels[x, n]) * _cos(Double.pi * Double(k * (2 * n + 1)) / 64) }
        columns[k * 32 + x] = 2 * s
      }
    }
    var out = [Double](repeating: 0, count: 64)
    for k in 0..<8 {
      for l in 0..<8 {
        var s = 0.0
        for n in 0..<32 { s += columns[k * 32 + n] * _cos(Double.pi * Double(l * (2 * n + 1)) / 64) }
        out[k * 8 + l] = 2 * s
      }
    }
    return out
  }
}

/// `cos` without Foundation (Core's hot files do not import it): the C library's libm.
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
