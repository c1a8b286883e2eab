/// Box blur: each pixel becomes the mean (rounded to nearest) of the (2r+1)² window around it,
/// clipped to the image, read from the image's integral in four lookups a pixel. The coarse
/// stage of template search runs on blurred copies of frame and template, so that a grid
/// `step` pixels apart cannot step over a textured target's narrow correlation peak.
public enum BoxBlur {
  /// Blurs the image whose `integral` is given into `out` (same size). Allocates nothing.
  public static func apply(integral: IntegralImage, radius r: Int, into out: MutableGrayView) {
    precondition(out.width == integral.width && out.height == integral.height && r >= 0, "BoxBlur: sizes differ")
    let (w, h) = (out.width, out.height)
    integral.sums.withUnsafeBufferPointer { s in
      let w1 = w + 1
      for y in 0..<h {
        let y0 = max(0, y - r), y1 = min(h, y + r + 1)
        let row = out.base + y * out.stride
        for x in 0..<w {
          let x0 = max(0, x - r), x1 = min(w, x + r + 1)
          let sum = Int(s[y1 * w1 + x1]) - Int(s[y0 * w1 + x1]) - Int(s[y1 * w1 + x0]) + Int(s[y0 * w1 + x0])
          let n = (x1 - x0) * (y1 - y0)
          row[x] = UInt8((sum + n / 2) / n)
        }
      }
    }
  }

  /// Scalar twin: the window summed pixel by pixel.
  public static func applyReference(_ image: GrayView, radius r: Int, into out: MutableGrayView) {
    let (w, h) = (image.width, image.height)
    for y in 0..<h {
      for x in 0..<w {
        var sum = 0, n = 0
        for yy in max(0, y - r)..<min(h, y + r + 1) {
          for xx in max(0, x - r)..<min(w, x + r + 1) { sum += Int(image[xx, yy]); n += 1 }
        }
        out.base[y * out.stride + x] = UInt8((sum + n / 2) / n)
      }
    }
  }
}
