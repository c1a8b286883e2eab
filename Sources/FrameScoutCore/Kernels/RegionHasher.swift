/// Perceptual hashes of a region of a frame: the region is reduced to the hash's working
/// size (32×32 for pHash, 9×8 for dHash, 8×8 for aHash) by area averaging, then hashed by
/// `PerceptualHash`. Prepared once per region size (the watched region of an engine);
/// hashing allocates nothing.
///
/// Reduction uses `AreaDownsampler` when the region is at least the working size in both
/// directions, and a fractional-coverage box filter (`resampleArea`) otherwise. Note that
/// `imagehash` reduces with Pillow's Lanczos filter instead, so hashes of the same region
/// from the two libraries may differ by a few bits; on identical reduced pixels they are
/// identical.
public final class RegionHasher {
  public let regionWidth: Int
  public let regionHeight: Int
  @usableFromInline let reduced32 = PixelBuffer(), reduced9x8 = PixelBuffer(), reduced8 = PixelBuffer()
  @usableFromInline let to32: AreaDownsampler?, to9x8: AreaDownsampler?, to8: AreaDownsampler?

  public init(regionWidth: Int, regionHeight: Int) {
    precondition(regionWidth > 0 && regionHeight > 0, "RegionHasher: empty region")
    self.regionWidth = regionWidth
    self.regionHeight = regionHeight
    func downsampler(_ w: Int, _ h: Int) -> AreaDownsampler? {
      regionWidth >= w && regionHeight >= h ? AreaDownsampler(sourceWidth: regionWidth, sourceHeight: regionHeight, width: w, height: h) : nil
    }
    to32 = downsampler(32, 32)
    to9x8 = downsampler(9, 8)
    to8 = downsampler(8, 8)
    reduced32.resize(width: 32, height: 32)
    reduced9x8.resize(width: 9, height: 8)
    reduced8.resize(width: 8, height: 8)
  }

  @inlinable
  func reduce(_ region: GrayView, _ downsampler: AreaDownsampler?, into buffer: PixelBuffer) -> GrayView {
    precondition(region.width == regionWidth && region.height == regionHeight,
                 "RegionHasher: prepared for \(regionWidth)x\(regionHeight), got \(region.width)x\(region.height)")
    if let downsampler { downsampler.downsample(region, into: buffer.mutableView) }
    else { Self.resampleArea(region, into: buffer.mutableView) }
    return buffer.view
  }

  /// The region reduced to 32×32 (the pHash input), valid until the next call.
  @inlinable
  public func reduce32(_ region: GrayView) -> GrayView { reduce(region, to32, into: reduced32) }

  /// pHash of the region.
  @inlinable
  public func perceptual(_ region: GrayView) -> Hash64 { PerceptualHash.perceptual(reduce32(region)) }

  /// dHash of the region.
  @inlinable
  public func difference(_ region: GrayView) -> Hash64 { PerceptualHash.difference(reduce(region, to9x8, into: reduced9x8)) }

  /// aHash of the region.
  @inlinable
  public func average(_ region: GrayView) -> Hash64 { PerceptualHash.average(reduce(region, to8, into: reduced8)) }

  /// Resamples `source` to the size of `destination` in either direction: each
  /// destination pixel is the coverage-weighted mean of the source pixels its footprint
  /// (`i·sw/dw …(i+1)·sw/dw` by `j·sh/dh …`) overlaps, rounded. Enlarging replicates pixels
  /// with blended seams. Meant for small regions (no scratch, Double weights).
  public static func resampleArea(_ source: GrayView, into destination: MutableGrayView) {
    let (sw, sh, dw, dh) = (source.width, source.height, destination.width, destination.height)
    precondition(sw > 0 && sh > 0 && dw > 0 && dh > 0, "resampleArea: empty image")
    let fx = Double(sw) / Double(dw), fy = Double(sh) / Double(dh)
    for j in 0..<dh {
      let y0 = Double(j) * fy, y1 = Double(j + 1) * fy
      for i in 0..<dw {
        let x0 = Double(i) * fx, x1 = Double(i + 1) * fx
        var sum = 0.0
        var y = Int(y0)
        while Double(y) < y1 && y < sh {
          let wy = min(y1, Double(y + 1)) - max(y0, Double(y))
          let row = source.base + y * source.stride
          var x = Int(x0)
          while Double(x) < x1 && x < sw {
            let wx = min(x1, Double(x + 1)) - max(x0, Double(x))
            sum += wx * wy * Double(row[x])
            x += 1
          }
          y += 1
        }
        destination.base[j * destination.stride + i] = UInt8(min(255, max(0, (sum / (fx * fy)).rounded())))
      }
    }
  }
}
