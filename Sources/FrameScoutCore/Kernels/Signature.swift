/// What a region looks like, in a form that survives lighting changes and compression but
/// not an object being put there or taken away. Made by `SignatureMaker`; compared with
/// `distance(to:)`.
///
/// - `hash`: the region's pHash (for indexing and quick look-ups by Hamming distance).
/// - `statistics`: mean and variance of the region at full resolution (gray levels).
/// - `thumbnail`: the region reduced to 16×16 and normalised for lighting: each cell is
///   `(t − μ) / max(σ, contrastFloor)` of the thumbnail's own mean μ and deviation σ,
///   stored ×32 as `Int8` (±3.97 σ). A brightness offset or gain leaves it unchanged; the
///   contrast floor keeps a featureless region's noise from being blown up into "texture".
public struct Signature: Sendable {
  /// Thumbnail side in cells.
  public static let thumbnailSide = 16
  /// Quantisation of the normalised thumbnail: units per standard deviation.
  public static let thumbnailScale = 32.0

  public var hash: Hash64
  public var statistics: RegionStatistics
  /// 16×16 lighting-normalised cells, row-major.
  public var thumbnail: [Int8]
  /// σ of the 16×16 thumbnail before normalisation (gray levels).
  public var thumbnailContrast: Double

  public var mean: Double { statistics.mean }
  public var variance: Double { statistics.variance }

  public init(hash: Hash64, statistics: RegionStatistics, thumbnail: [Int8], thumbnailContrast: Double) {
    precondition(thumbnail.count == Self.thumbnailSide * Self.thumbnailSide, "Signature: thumbnail must have 256 cells")
    self.hash = hash
    self.statistics = statistics
    self.thumbnail = thumbnail
    self.thumbnailContrast = thumbnailContrast
  }

  /// How different two signatures of the same region are, 0 (same scene) … 1: half the RMS
  /// difference of the normalised thumbnails, in standard deviations. For two textured
  /// thumbnails it equals `√((1 − ρ)/2)` of their correlation ρ; a brightness or contrast
  /// change gives ~0, sensor or compression noise a few hundredths, an object added to or
  /// removed from a quarter of the region typically 0.3 or more (see the tests for the
  /// margin that is asserted).
  @inlinable
  public func distance(to other: Signature) -> Double {
    var s = 0
    for i in 0..<thumbnail.count {
      let d = Int(thumbnail[i]) - Int(other.thumbnail[i])
      s &+= d &* d
    }
    return (Double(s) / Double(thumbnail.count)).squareRoot() / Self.thumbnailScale / 2
  }

  /// The parts of a comparison, for reports that say why two signatures differ.
  public func comparison(with other: Signature) -> SignatureComparison {
    SignatureComparison(
      distance: distance(to: other),
      hashDistance: hash.distance(to: other.hash),
      brightnessChange: other.mean - mean,
      contrastRatio: statistics.variance > 0 ? (other.statistics.variance / statistics.variance).squareRoot() : .infinity)
  }
}

/// The components of `Signature.comparison(with:)`.
public struct SignatureComparison: Hashable, Sendable {
  /// `Signature.distance(to:)`, 0…1.
  public var distance: Double
  /// Hamming distance of the pHashes, 0…64.
  public var hashDistance: Int
  /// Mean of the second minus mean of the first, gray levels.
  public var brightnessChange: Double
  /// Standard deviation of the second over that of the first.
  public var contrastRatio: Double
}

/// Makes `Signature`s of regions of one size. Prepared once (owns the reduction scratch);
/// `update(_:from:)` refills an existing signature without allocating.
public final class SignatureMaker {
  public let regionWidth: Int
  public let regionHeight: Int
  /// Smallest thumbnail deviation used for normalisation, gray levels.
  public let contrastFloor: Double
  public let hasher: RegionHasher

  /// `contrastFloor` (gray levels of the 16×16 thumbnail's standard deviation): regions
  /// flatter than this are normalised by it instead of by their own deviation. The default
  /// 6 suits regions of a few thousand pixels or more, where a thumbnail cell averages
  /// dozens of pixels (per-pixel grain of σ 10 becomes ~1.5). Small regions average less:
  /// on a flat 64×48 region grain alone scores up to 0.23 against 0.5 for an object (see
  /// SignatureTests), so compare against a threshold measured for the region, or raise
  /// the floor.
  public init(regionWidth: Int, regionHeight: Int, contrastFloor: Double = 6) {
    precondition(contrastFloor > 0, "SignatureMaker: contrast floor must be positive")
    self.regionWidth = regionWidth
    self.regionHeight = regionHeight
    self.contrastFloor = contrastFloor
    hasher = RegionHasher(regionWidth: regionWidth, regionHeight: regionHeight)
  }

  /// The signature of `region` (allocates the thumbnail array once).
  public func signature(of region: GrayView) -> Signature {
    var s = Signature(hash: Hash64(bits: 0), statistics: RegionStatistics(count: 0, sum: 0, sumOfSquares: 0),
                      thumbnail: [Int8](repeating: 0, count: 256), thumbnailContrast: 0)
    update(&s, from: region)
    return s
  }

  /// Recomputes `signature` from `region`, reusing its storage.
  public func update(_ signature: inout Signature, from region: GrayView) {
    let small = hasher.reduce32(region)
    signature.hash = PerceptualHash.perceptual(small)
    signature.statistics = RegionStatistics.measure(region)
    // 2×2 sums of the 32×32 reduction: thumbnail cells ×4, exact integers.
    var sum = 0, squares = 0
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { cells in
      for j in 0..<16 {
        let r0 = small.base + 2 * j * small.stride, r1 = r0 + small.stride
        for i in 0..<16 {
          let v = Int(r0[2 * i]) + Int(r0[2 * i + 1]) + Int(r1[2 * i]) + Int(r1[2 * i + 1])
          cells[j * 16 + i] = Int32(v)
          sum += v
          squares += v * v
        }
      }
      let mean = Double(sum) / 256
      let sigma = max(0, Double(squares) / 256 - mean * mean).squareRoot()   // in units of 4 gray levels
      signature.thumbnailContrast = sigma / 4
      let scale = Signature.thumbnailScale / max(sigma, 4 * contrastFloor)
      signature.thumbnail.withUnsafeMutableBufferPointer { out in
        for k in 0..<256 {
          out[k] = Int8(max(-127, min(127, ((Double(cells[k]) - mean) * scale).rounded())))
        }
      }
    }
  }
}
