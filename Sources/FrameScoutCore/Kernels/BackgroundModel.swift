/// What the scene normally looks like: a running average of past frames,
/// `background ← background + α · (frame − background)`, kept per pixel in 8.8 fixed point
/// (`UInt16`, gray level × 256), and the difference of a frame from it.
///
/// The learning rate α is quantised to `rateNumerator / 256` (1…256; α = 1 copies the
/// frame). The smallest rate, 1/256, forgets with a time constant of 256 updates (about
/// 10 s at 25 updates/s); for slower adaptation update less often. Each step moves the
/// background by `⌊|frame − background| · α⌋` (in 1/256 gray levels) towards the frame,
/// so the rounded background stays within one gray level of a steady scene.
///
/// Storage layout: each 16-pixel block of a row stores its 8 even pixels and then its 8
/// odd pixels, so a `SIMD16<UInt8>` load bit-cast to `SIMD8<UInt16>` lines up with two
/// `SIMD8<UInt16>` background loads without any shuffle (`storageIndex(x:)`). Rows are
/// padded to a multiple of 16. Updating and differencing allocate nothing.
public struct BackgroundModel: Sendable {
  public let width: Int
  public let height: Int
  /// α in 1/256 steps, 1…256.
  public let rateNumerator: Int
  /// `UInt16` elements per stored row (width rounded up to 16).
  public let rowLength: Int
  @usableFromInline var storage: [UInt16]

  /// The learning rate α actually used (0 < α ≤ 1).
  public var learningRate: Double { Double(rateNumerator) / 256 }

  /// Starts the model from `first`: the background is that frame. `learningRate` (0…1] is
  /// rounded to the nearest 1/256 (at least 1/256).
  public init(first: GrayView, learningRate: Double) {
    precondition(learningRate > 0 && learningRate <= 1, "BackgroundModel: learning rate \(learningRate) outside (0, 1]")
    width = first.width
    height = first.height
    rateNumerator = max(1, min(256, Int((learningRate * 256).rounded())))
    rowLength = (first.width + 15) & ~15
    storage = [UInt16](repeating: 0, count: rowLength * first.height)
    reset(to: first)
  }

  /// Where pixel `x` of a row lives in that row's storage.
  @inlinable @inline(__always)
  public static func storageIndex(x: Int) -> Int { (x & ~15) | ((x & 1) << 3) | ((x & 15) >> 1) }

  /// The background at `(x, y)` in 1/256 gray levels.
  public func value(x: Int, y: Int) -> UInt16 {
    precondition(x >= 0 && x < width && y >= 0 && y < height)
    return storage[y * rowLength + Self.storageIndex(x: x)]
  }

  /// Forgets the past: the background becomes `frame`.
  public mutating func reset(to frame: GrayView) {
    checkSize(frame)
    for y in 0..<height { for x in 0..<width { storage[y * rowLength + Self.storageIndex(x: x)] = UInt16(frame[x, y]) << 8 } }
  }

  @inlinable @inline(__always)
  func checkSize(_ v: GrayView) {
    precondition(v.width == width && v.height == height, "BackgroundModel: prepared for \(width)x\(height), got \(v.width)x\(v.height)")
  }

  /// One fixed-point step of 8 lanes towards `target` (both ×256): `⌊|t − b| · a / 256⌋`
  /// computed as `(d >> 8)·a + ((d & 255)·a >> 8)`, exact and without 16-bit overflow.
  @inlinable @inline(__always)
  static func step(_ b: SIMD8<UInt16>, toward t: SIMD8<UInt16>, _ a: SIMD8<UInt16>) -> SIMD8<UInt16> {
    let rising = b .< t
    let d = (b &- t).replacing(with: t &- b, where: rising)
    let inc = ((d &>> 8) &* a) &+ (((d & SIMD8(repeating: 0xFF)) &* a) &>> 8)
    return (b &- inc).replacing(with: b &+ inc, where: rising)
  }

  @inlinable @inline(__always)
  static func stepScalar(_ b: UInt16, toward t: UInt16, _ a: UInt16) -> UInt16 {
    let d = b < t ? t &- b : b &- t
    let inc = ((d &>> 8) &* a) &+ (((d & 0xFF) &* a) &>> 8)
    return b < t ? b &+ inc : b &- inc
  }

  /// Moves the background one step towards `frame` at the learning rate. Allocates nothing.
  @inlinable
  public mutating func update(with frame: GrayView) {
    checkSize(frame)
    let (w, h, rl) = (width, height, rowLength)
    let a = SIMD8<UInt16>(repeating: UInt16(rateNumerator)), a1 = UInt16(rateNumerator)
    let high = SIMD8<UInt16>(repeating: 0xFF00)
    storage.withUnsafeMutableBufferPointer { store in
      let blocks = w &>> 4
      for y in 0..<h {
        let p = UnsafeRawPointer(frame.base + y &* frame.stride)
        let bg = UnsafeMutableRawPointer(store.baseAddress! + y &* rl)
        var i = 0
        while i < blocks {
          let px = unsafeBitCast(p.loadUnaligned(fromByteOffset: i &<< 4, as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
          let o = i &<< 5
          let even = bg.loadUnaligned(fromByteOffset: o, as: SIMD8<UInt16>.self)
          let odd = bg.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<UInt16>.self)
          bg.storeBytes(of: Self.step(even, toward: px &<< 8, a), toByteOffset: o, as: SIMD8<UInt16>.self)
          bg.storeBytes(of: Self.step(odd, toward: px & high, a), toByteOffset: o &+ 16, as: SIMD8<UInt16>.self)
          i &+= 1
        }
        var x = blocks &<< 4
        let b16 = bg.assumingMemoryBound(to: UInt16.self)
        while x < w {
          let k = Self.storageIndex(x: x)
          b16[k] = Self.stepScalar(b16[k], toward: UInt16(p.load(fromByteOffset: x, as: UInt8.self)) &<< 8, a1)
          x &+= 1
        }
      }
    }
  }

  /// Scalar twin of `update(with:)`: one pixel at a time, `inc = ⌊|t − b|·a / 256⌋` in `Int`.
  public mutating func updateReference(with frame: GrayView) {
    checkSize(frame)
    let a = rateNumerator
    for y in 0..<height {
      let row = frame.base + y * frame.stride
      for x in 0..<width {
        let k = y * rowLength + Self.storageIndex(x: x)
        let b = Int(storage[k]), t = Int(row[x]) << 8
        let inc = abs(t - b) * a / 256
        storage[k] = UInt16(b < t ? b + inc : b - inc)
      }
    }
  }

  /// Writes `|frame − round(background)|` per pixel (gray levels) into `output`.
  /// Allocates nothing.
  @inlinable
  public func difference(_ frame: GrayView, into output: MutableGrayView) {
    checkSize(frame)
    precondition(output.width == width && output.height == height, "BackgroundModel: output size mismatch")
    let (w, h, rl) = (width, height, rowLength)
    let half = SIMD8<UInt16>(repeating: 128), low = SIMD8<UInt16>(repeating: 0xFF)
    storage.withUnsafeBufferPointer { store in
      let blocks = w &>> 4
      for y in 0..<h {
        let p = UnsafeRawPointer(frame.base + y &* frame.stride)
        let po = UnsafeMutableRawPointer(output.base + y &* output.stride)
        let bg = UnsafeRawPointer(store.baseAddress! + y &* rl)
        var i = 0
        while i < blocks {
          let px = unsafeBitCast(p.loadUnaligned(fromByteOffset: i &<< 4, as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
          let o = i &<< 5
          let even = (bg.loadUnaligned(fromByteOffset: o, as: SIMD8<UInt16>.self) &+ half) &>> 8
          let odd = (bg.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<UInt16>.self) &+ half) &>> 8
          let xe = px & low, xo = px &>> 8
          let de = (xe &- even).replacing(with: even &- xe, where: xe .< even)
          let dd = (xo &- odd).replacing(with: odd &- xo, where: xo .< odd)
          po.storeBytes(of: unsafeBitCast(de | (dd &<< 8), to: SIMD16<UInt8>.self), toByteOffset: i &<< 4, as: SIMD16<UInt8>.self)
          i &+= 1
        }
        var x = blocks &<< 4
        let b16 = bg.assumingMemoryBound(to: UInt16.self)
        while x < w {
          let r = UInt8(truncatingIfNeeded: (b16[Self.storageIndex(x: x)] &+ 128) &>> 8)
          let v = p.load(fromByteOffset: x, as: UInt8.self)
          po.storeBytes(of: v > r ? v &- r : r &- v, toByteOffset: x, as: UInt8.self)
          x &+= 1
        }
      }
    }
  }

  /// Scalar twin of `difference(_:into:)`.
  public func differenceReference(_ frame: GrayView, into output: MutableGrayView) {
    checkSize(frame)
    precondition(output.width == width && output.height == height)
    for y in 0..<height {
      let row = frame.base + y * frame.stride, out = output.base + y * output.stride
      for x in 0..<width {
        let r = (Int(storage[y * rowLength + Self.storageIndex(x: x)]) + 128) >> 8
        out[x] = UInt8(abs(Int(row[x]) - r))
      }
    }
  }

  /// Writes the background rounded to gray levels into `output` (for thumbnails and tests).
  public func render(into output: MutableGrayView) {
    precondition(output.width == width && output.height == height)
    for y in 0..<height {
      for x in 0..<width { output.base[y * output.stride + x] = UInt8((Int(value(x: x, y: y)) + 128) >> 8) }
    }
  }
}
