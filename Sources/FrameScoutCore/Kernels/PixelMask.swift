// Masking and tone mapping of gray images: keep only the pixels a region mask lets
// through, and map gray levels through a 256-entry table (a brightness/contrast
// correction computed once per frame).
//
// `apply` is the per-frame kernel of `framescout scan` with regions: `SIMD16<UInt8>` AND,
// 16 pixels a block plus a scalar tail, with a plain scalar twin the tests hold it equal to.
// `map` runs only on frames where the lighting jumped (a few per clip), so it is a plain
// table lookup.

/// Namespace for mask and lookup-table kernels.
public enum PixelMask {
  /// `image[x, y] &= mask[x, y]` for every pixel: a mask of 0xFF keeps a pixel, 0 clears it.
  /// Both must have the same size. Allocates nothing.
  @inlinable
  public static func apply(_ mask: GrayView, to image: MutableGrayView) {
    precondition(mask.width == image.width && mask.height == image.height, "PixelMask: \(mask.width)x\(mask.height) mask on \(image.width)x\(image.height)")
    let width = image.width, blocks = width &>> 4
    for y in 0..<image.height {
      let m = UnsafeRawPointer(mask.base + y &* mask.stride)
      let p = UnsafeMutableRawPointer(image.base + y &* image.stride)
      var i = 0
      while i < blocks {
        let o = i &<< 4
        let v = p.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self) & m.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
        p.storeBytes(of: v, toByteOffset: o, as: SIMD16<UInt8>.self)
        i &+= 1
      }
      var j = blocks &<< 4
      while j < width {
        p.storeBytes(of: p.load(fromByteOffset: j, as: UInt8.self) & m.load(fromByteOffset: j, as: UInt8.self), toByteOffset: j, as: UInt8.self)
        j &+= 1
      }
    }
  }

  /// Scalar twin of `apply(_:to:)`.
  public static func applyReference(_ mask: GrayView, to image: MutableGrayView) {
    for y in 0..<image.height {
      for x in 0..<image.width { image.base[y * image.stride + x] &= mask[x, y] }
    }
  }

  /// Fills `table` (256 entries) with `clamp(round(gain · v + offset), 0, 255)`.
  public static func linearTable(gain: Double, offset: Double, into table: UnsafeMutablePointer<UInt8>) {
    for v in 0..<256 { table[v] = UInt8(max(0, min(255, (gain * Double(v) + offset).rounded()))) }
  }

  /// `output[x, y] = table[source[x, y]]`; `output` may be `source` itself. Allocates nothing.
  public static func map(_ source: GrayView, through table: UnsafePointer<UInt8>, into output: MutableGrayView) {
    precondition(source.width == output.width && source.height == output.height, "PixelMask.map: size mismatch")
    for y in 0..<source.height {
      let s = source.base + y &* source.stride, d = output.base + y &* output.stride
      for x in 0..<source.width { d[x] = table[Int(s[x])] }
    }
  }
}
