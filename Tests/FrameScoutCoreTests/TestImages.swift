import FrameScoutCore

/// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Standard normal (Box–Muller).
  mutating func gaussian() -> Double {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
    return (-2 * _log(u)).squareRoot() * _cosine(2 * Double.pi * v)
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
func _log(_ x: Double) -> Double { log(x) }
func _cosine(_ x: Double) -> Double { cos(x) }

/// A test picture inside a larger allocation: the view starts `offsetX` bytes into each
/// row of a wider image (unaligned start, stride > width), `offsetY` rows down.
struct PaddedImage {
  var storage: GrayImage
  let rect: PixelRect

  init(width: Int, height: Int, offsetX: Int = 0, offsetY: Int = 0, padding: Int = 0, fill: (Int, Int) -> UInt8) {
    storage = GrayImage(width: width + offsetX + padding, height: height + offsetY, fill: 0x5A)
    rect = PixelRect(x: offsetX, y: offsetY, width: width, height: height)
    for y in 0..<height { for x in 0..<width { storage[offsetX + x, offsetY + y] = fill(x, y) } }
  }

  var width: Int { rect.width }
  var height: Int { rect.height }

  func withView<R>(_ body: (GrayView) throws -> R) rethrows -> R {
    try storage.withView { try body($0.cropped(to: rect)) }
  }

  mutating func withMutableView<R>(_ body: (MutableGrayView) throws -> R) rethrows -> R {
    let r = rect
    return try storage.withMutableView { v in
      try body(MutableGrayView(base: v.base + r.y * v.stride + r.x, width: r.width, height: r.height, stride: v.stride))
    }
  }

  /// The pixels of the view, row by row (for equality checks).
  var pixels: [UInt8] { withView { v in (0..<v.height).flatMap { Array(v.row($0)) } } }
}

/// Kinds of pixel content the property tests run over.
enum Content: CaseIterable {
  case random, zeros, full, alternating, lowNoise
  func make(_ rng: inout SplitMix64, base: PaddedImage? = nil) -> (Int, Int) -> UInt8 {
    var local = rng
    rng = SplitMix64(seed: rng.next())
    switch self {
    case .random: return { _, _ in UInt8.random(in: 0...255, using: &local) }
    case .zeros: return { _, _ in 0 }
    case .full: return { _, _ in 255 }
    case .alternating: return { x, y in (x + y) % 2 == 0 ? 0 : 255 }
    case .lowNoise: return { x, y in UInt8(clamping: 128 + (x * 7 + y * 3) % 9 - 4 + Int.random(in: -3...3, using: &local)) }
    }
  }
}

/// The geometry grid: odd widths around the 16-pixel block size, strides and offsets.
struct Geometry: CustomStringConvertible {
  var width: Int, height: Int, offsetX: Int, offsetY: Int, padding: Int
  var description: String { "\(width)x\(height)+\(offsetX)+\(offsetY) pad \(padding)" }

  static let grid: [Geometry] = {
    var out: [Geometry] = []
    let widths = [1, 2, 7, 15, 16, 17, 31, 32, 33, 47, 100, 257, 320]
    let heights = [1, 3, 9, 20]
    var k = 0
    for w in widths {
      for h in heights {
        out.append(Geometry(width: w, height: h, offsetX: [0, 1, 5, 13][k % 4], offsetY: k % 3, padding: [0, 3, 16, 1][(k / 4) % 4]))
        k += 1
      }
    }
    out.append(Geometry(width: 320, height: 180, offsetX: 0, offsetY: 0, padding: 0))
    out.append(Geometry(width: 319, height: 181, offsetX: 3, offsetY: 1, padding: 7))
    out.append(Geometry(width: 1000, height: 45, offsetX: 9, offsetY: 0, padding: 0))   // > 255 blocks per flush
    return out
  }()

  func image(_ content: Content, _ rng: inout SplitMix64) -> PaddedImage {
    PaddedImage(width: width, height: height, offsetX: offsetX, offsetY: offsetY, padding: padding, fill: content.make(&rng))
  }
}

/// A CCTV-like scene for signature tests: lit wall and floor with texture at two scales,
/// a few fixed shapes (a door, a shelf), optionally an object, then lighting and noise.
struct Scene {
  var width = 320, height = 180
  var seed: UInt64 = 1
  /// The object: a textured box of ~5% of the frame (72×40 at 320×180).
  var object: PixelRect? = nil
  var objectLevel = 60.0
  var gain = 1.0, offset = 0.0
  var noiseSigma = 3.0
  var noiseSeed: UInt64 = 99
  /// Simulated re-compression: 8×8 block means kept, detail quantised in steps of this.
  var compressionStep = 0.0

  static let objectRect = PixelRect(x: 180, y: 100, width: 72, height: 40)

  func render() -> GrayImage {
    var rng = SplitMix64(seed: seed)
    // Coarse texture: random values on a 10-pixel lattice, bilinearly interpolated.
    let gx = width / 10 + 2, gy = height / 10 + 2
    let lattice = (0..<(gx * gy)).map { _ in rng.gaussian() }
    let fine = (0..<(width * height)).map { _ in rng.gaussian() }
    var base = [Double](repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width {
        let fx = Double(x) / 10, fy = Double(y) / 10
        let ix = Int(fx), iy = Int(fy), tx = fx - Double(ix), ty = fy - Double(iy)
        let l = { (i: Int, j: Int) in lattice[j * gx + i] }
        let coarse = (l(ix, iy) * (1 - tx) + l(ix + 1, iy) * tx) * (1 - ty) + (l(ix, iy + 1) * (1 - tx) + l(ix + 1, iy + 1) * tx) * ty
        var v = y < height * 2 / 3 ? 150 - 0.15 * Double(y) + 0.05 * Double(x) : 95 + 0.1 * Double(y)   // wall / floor
        v += 18 * coarse + 6 * fine[y * width + x]
        if x >= 30 && x < 80 && y >= 20 && y < 120 { v = 70 + 8 * coarse }                   // door
        if y >= 60 && y < 66 && x >= 120 { v = 200 + 4 * fine[y * width + x] }                 // shelf
        base[y * width + x] = v
      }
    }
    if let o = object {
      for y in o.y..<(o.y + o.height) {
        for x in o.x..<(o.x + o.width) {
          let stripe = ((x - o.x) / 12 + (y - o.y) / 10) % 2 == 0 ? 0.0 : 25.0
          base[y * width + x] = objectLevel + stripe + 3 * fine[(y * 7 + x) % fine.count]
        }
      }
    }
    if compressionStep > 0 {
      for by in stride(from: 0, to: height, by: 8) {
        for bx in stride(from: 0, to: width, by: 8) {
          var m = 0.0, n = 0.0
          for y in by..<min(height, by + 8) { for x in bx..<min(width, bx + 8) { m += base[y * width + x]; n += 1 } }
          m /= n
          for y in by..<min(height, by + 8) {
            for x in bx..<min(width, bx + 8) {
              let d = base[y * width + x] - m
              base[y * width + x] = m + (d / compressionStep).rounded() * compressionStep
            }
          }
        }
      }
    }
    var noise = SplitMix64(seed: noiseSeed)
    var img = GrayImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let v = base[y * width + x] * gain + offset + noiseSigma * noise.gaussian()
        img[x, y] = UInt8(max(0, min(255, v.rounded())))
      }
    }
    return img
  }
}
