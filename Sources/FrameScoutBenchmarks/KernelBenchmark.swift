import FrameScout
import FrameScoutScalarBaseline
import Foundation

/// The per-frame cost of every FrameScoutCore kernel at the analysis size, scalar reference
/// twin against the SIMD kernel, measured in one run (see `framescout bench core --help`).
/// Frames are built before timing; lines of the table go to `emit`.
public struct KernelBenchmark {
  public var width = 320
  public var height = 180
  public var `repeat` = 7
  public var minMs = 30.0
  /// A video whose bare decode loop is timed in the same run.
  public var decode: String?
  public var emit: (String) -> Void = { print($0) }

  public init() {}

  /// One row of the table: a SIMD kernel and, where it has one, its scalar twin. Each
  /// closure returns a checksum that is accumulated so the work cannot be optimised away.
  struct Kernel {
    let name: String
    let scalar: (() -> Int)?
    let simd: () -> Int
  }

  public func run() throws {
    let (w, h) = (width, height)
    let previous = Self.syntheticFrame(width: w, height: h, seed: 1, object: nil)
    let current = Self.syntheticFrame(width: w, height: h, seed: 2, object: PixelRect(x: w * 9 / 16, y: h * 5 / 9, width: w * 9 / 40, height: h * 2 / 9))
    let diff = PixelBuffer(), diff2 = PixelBuffer()
    diff.resize(width: w, height: h)
    diff2.resize(width: w, height: h)
    let region = PixelRect(x: w * 9 / 20, y: h * 4 / 9, width: w * 9 / 20, height: h * 4 / 9)   // 144×80 at 320×180
    let maker = SignatureMaker(regionWidth: region.width, regionHeight: region.height)
    let hasher = maker.hasher
    let template = PixelRect(x: w / 2, y: h / 2, width: 48, height: 32)
    var checksum = 0
    var analysisMicros = Double.nan

    previous.withView { a in
      current.withView { b in
        let out = diff.mutableView, out2 = diff2.mutableView
        PixelDifference.absolute(a, b, into: out)
        var map = ChangeMap(width: w, height: h)
        var model = BackgroundModel(first: a, learningRate: 0.05)
        var modelRef = model
        var integral = IntegralImage(width: w, height: h)
        var signature = maker.signature(of: b.cropped(to: region))
        let matcher = TemplateMatcher(template: a.cropped(to: template))
        let hashes = (0..<4096).map { Hash64(bits: UInt64($0) &* 0x9E37_79B9_7F4A_7C15) }
        let query = Hash64(bits: 0x0123_4567_89AB_CDEF)
        let kernels: [Kernel] = [
          Kernel(name: "absolute difference image", scalar: { ScalarBaseline.absolute(a, b, into: out2); return Int(out2.base[7]) },
                 simd: { PixelDifference.absolute(a, b, into: out); return Int(out.base[7]) }),
          Kernel(name: "sum of absolute differences", scalar: { ScalarBaseline.sumOfAbsoluteDifferences(a, b) },
                 simd: { PixelDifference.sumOfAbsoluteDifferences(a, b) }),
          Kernel(name: "count over threshold (diff image)", scalar: { ScalarBaseline.countOver(20, in: out.readOnly) },
                 simd: { PixelDifference.countOver(20, in: out.readOnly) }),
          Kernel(name: "count changed (fused |a-b| > t)", scalar: { ScalarBaseline.countChanged(a, b, threshold: 20) },
                 simd: { PixelDifference.countChanged(a, b, threshold: 20) }),
          Kernel(name: "change map 16x9 (fused)", scalar: { map.countsReference(a, b, threshold: 20)[0] },
                 simd: { map.update(previous: a, current: b, threshold: 20); return map.counts[0] }),
          Kernel(name: "change map 16x9 (diff image)", scalar: { map.countsReference(out.readOnly, nil, threshold: 20)[0] },
                 simd: { map.update(difference: out.readOnly, threshold: 20); return map.counts[0] }),
          Kernel(name: "background update (a=0.05)", scalar: { modelRef.updateReference(with: b); return Int(modelRef.value(x: 3, y: 3)) },
                 simd: { model.update(with: b); return Int(model.value(x: 3, y: 3)) }),
          Kernel(name: "background difference", scalar: { model.differenceReference(b, into: out2); return Int(out2.base[9]) },
                 simd: { model.difference(b, into: out); return Int(out.base[9]) }),
          Kernel(name: "mean + variance (whole frame)", scalar: { RegionStatistics.measureReference(a).sumOfSquares },
                 simd: { RegionStatistics.measure(a).sumOfSquares }),
          Kernel(name: "dot product (whole frame)", scalar: { RegionStatistics.dotProductReference(a, b) },
                 simd: { RegionStatistics.dotProduct(a, b) }),
          Kernel(name: "integral image (sums + squares)", scalar: { Int(IntegralImage.reference(a).sums[w + 2]) },
                 simd: { integral.compute(a); return Int(integral.sums[w + 2]) }),
          Kernel(name: "NCC 48x32 template, one position", scalar: { Int(matcher.correlationReference(in: b, x: 100, y: 60) * 1e6) },
                 simd: { Int(matcher.correlation(in: b, x: 100, y: 60) * 1e6) }),
          Kernel(name: "noise estimate (MAD of a-b)", scalar: { NoiseEstimate.reference(a, b).medianAbsoluteDifference },
                 simd: { NoiseEstimate.between(a, b).medianAbsoluteDifference }),
          Kernel(name: "pHash of 144x80 region", scalar: nil, simd: { Int(truncatingIfNeeded: hasher.perceptual(b.cropped(to: region)).bits) }),
          Kernel(name: "dHash of 144x80 region", scalar: nil, simd: { Int(truncatingIfNeeded: hasher.difference(b.cropped(to: region)).bits) }),
          Kernel(name: "aHash of 144x80 region", scalar: nil, simd: { Int(truncatingIfNeeded: hasher.average(b.cropped(to: region)).bits) }),
          Kernel(name: "signature of 144x80 region", scalar: nil, simd: { maker.update(&signature, from: b.cropped(to: region)); return Int(signature.thumbnail[3]) }),
          Kernel(name: "Hamming nearest of 4096 hashes", scalar: nil,
                 simd: { hashes.withUnsafeBufferPointer { Hash64.nearest(to: query, in: $0)!.index } }),
          Kernel(name: "per-frame analysis: diff + map + signature",
                 scalar: {
                   PixelDifference.absoluteReference(a, b, into: out2)
                   let counts = map.countsReference(out2.readOnly, nil, threshold: 20)
                   maker.update(&signature, from: b.cropped(to: region))
                   return counts[0] &+ Int(signature.thumbnail[0])
                 },
                 simd: {
                   PixelDifference.absolute(a, b, into: out)
                   map.update(difference: out.readOnly, threshold: 20)
                   maker.update(&signature, from: b.cropped(to: region))
                   return map.counts[0] &+ Int(signature.thumbnail[0])
                 }),
        ]

        (checksum, analysisMicros) = measure(kernels)
      }
    }
    emit("(checksum \(checksum & 0xFFFF); ratio = scalar / SIMD; the per-frame analysis reuses the signature code in both columns)")
    if let file = decode { try printDecodeShare(file, analysisMicros: analysisMicros) }
  }

  /// Each kernel's fastest batch, scalar and SIMD, printed as a table row; the checksum of
  /// every call, and the per-frame analysis time (us).
  func measure(_ kernels: [Kernel]) -> (checksum: Int, analysisMicros: Double) {
    var checksum = 0, analysisMicros = Double.nan
    emit("FrameScoutCore kernels, \(width)x\(height) frame, fastest of \(`repeat`) batches of >= \(Int(minMs)) ms")
    emit("kernel".padding(toLength: 44, withPad: " ", startingAt: 0) + "  scalar us    SIMD us   ratio")
    for k in kernels {
      var best = (scalar: Double.infinity, simd: Double.infinity)
      let scalarBatch = k.scalar.map { f in Self.calibrate(f, minMs: minMs) }
      let simdBatch = Self.calibrate(k.simd, minMs: minMs)
      for _ in 0..<`repeat` {
        if let f = k.scalar, let n = scalarBatch {
          let (t, c) = Self.time(f, n); best.scalar = min(best.scalar, t); checksum &+= c
        }
        let (t, c) = Self.time(k.simd, simdBatch); best.simd = min(best.simd, t); checksum &+= c
      }
      let scalarText = best.scalar.isFinite ? String(format: "%9.2f", best.scalar) : "        -"
      let ratioText = best.scalar.isFinite ? String(format: "%6.1fx", best.scalar / best.simd) : "      -"
      if k.name.hasPrefix("per-frame analysis") { analysisMicros = best.simd }
      emit(k.name.padding(toLength: 44, withPad: " ", startingAt: 0) + "  " + scalarText + "  " + String(format: "%9.2f", best.simd) + "  " + ratioText)
    }
    return (checksum, analysisMicros)
  }

  /// The bare decode loop (all cores, frames dropped): wall and CPU time per frame, and the
  /// per-frame analysis as a share of it.
  func printDecodeShare(_ file: String, analysisMicros: Double) throws {
    let decoder = try VideoDecoder(path: file, options: DecodeOptions(analysisWidth: nil))
    let cpu0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
    var frames = 0
    try decoder.forEachFrame { _ in frames += 1; return .next }
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3 / Double(max(1, frames))
    let cpu = (cpuSeconds() - cpu0) * 1e6 / Double(max(1, frames))
    let info = decoder.info
    emit(String(format: "decoding one %dx%d %@ frame (bare loop, %d frames): %.0f us wall, %.0f us CPU", info.width, info.height,
                 info.codec, frames, wall, cpu))
    emit(String(format: "per-frame analysis = %.1f%% of decoding one frame by wall time, %.1f%% by CPU time (target < 5%%)",
                 100 * analysisMicros / wall, 100 * analysisMicros / cpu))
  }

  /// Calls per batch so that one batch lasts at least `minMs`.
  static func calibrate(_ f: () -> Int, minMs: Double) -> Int {
    var n = 1
    while true {
      let (perCall, _) = time(f, n)
      if perCall * Double(n) >= minMs * 1000 / 4 || n >= 1 << 24 { return max(1, Int((minMs * 1000 / perCall).rounded(.up))) }
      n *= 4
    }
  }

  /// Microseconds per call over `n` calls, and the accumulated checksum.
  static func time(_ f: () -> Int, _ n: Int) -> (Double, Int) {
    var c = 0
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { c &+= f() }
    let t1 = DispatchTime.now().uptimeNanoseconds
    return (Double(t1 - t0) / 1000 / Double(n), c)
  }

  /// A CCTV-like gray frame: lit gradient, coarse texture, grain, optionally an object.
  static func syntheticFrame(width: Int, height: Int, seed: UInt64, object: PixelRect?) -> GrayImage {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    func random() -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int(truncatingIfNeeded: (z ^ (z >> 31)) & 0xFFFF)
    }
    var img = GrayImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        var v = 140 - y / 3 + x / 8 + ((x / 10 + y / 10) % 3) * 12 + (random() % 9) - 4
        if let o = object, x >= o.x, x < o.x + o.width, y >= o.y, y < o.y + o.height { v = 60 + ((x - o.x) / 12 % 2) * 25 }
        img[x, y] = UInt8(max(0, min(255, v)))
      }
    }
    return img
  }
}
