import Foundation
import FrameScoutCore
import XCTest

/// aHash, dHash and pHash against Python's `imagehash` on the same reduced pixels
/// (Fixtures/imagehash.json, written by tools/make-hash-fixtures), plus Hamming distance
/// and region hashing.
final class PerceptualHashTests: XCTestCase {
  struct Fixtures: Decodable {
    struct Case: Decodable {
      struct PHash: Decodable { let pixels32x32: String; let hash: String; let dct8x8: [Double]; let median: Double }
      struct DHash: Decodable { let pixels9x8: String; let hash: String }
      struct AHash: Decodable { let pixels8x8: String; let hash: String }
      let name: String, kind: String
      let phash: PHash, dhash: DHash, ahash: AHash
    }
    let cases: [Case]
  }

  static let fixtures: Fixtures = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/imagehash.json")
    return try! JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
  }()

  func image(hex: String, width: Int, height: Int) -> GrayImage {
    var img = GrayImage(width: width, height: height)
    let bytes = Array(hex.utf8)
    precondition(bytes.count == 2 * width * height, "fixture pixel count")
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
    for i in 0..<(width * height) { img[i % width, i / width] = nibble(bytes[2 * i]) << 4 | nibble(bytes[2 * i + 1]) }
    return img
  }

  func testFixturesAreEnoughAndVaried() {
    let cases = Self.fixtures.cases
    XCTAssertGreaterThanOrEqual(cases.count, 50)
    XCTAssertGreaterThanOrEqual(cases.filter { $0.kind == "natural" }.count, 20)
    XCTAssertGreaterThanOrEqual(cases.filter { $0.kind == "synthetic" }.count, 15)
    XCTAssertGreaterThan(Set(cases.map(\.phash.hash)).count, 40, "fixtures should not all hash alike")
  }

  func testPHashMatchesImagehashBitForBit() {
    var mismatches: [String] = []
    for c in Self.fixtures.cases {
      let img = image(hex: c.phash.pixels32x32, width: 32, height: 32)
      let h = img.withView { PerceptualHash.perceptual($0) }
      if h.description != c.phash.hash { mismatches.append("\(c.name): \(h) vs imagehash \(c.phash.hash)") }
    }
    XCTAssertEqual(mismatches, [])
  }

  func testDCTMatchesScipy() {
    for c in Self.fixtures.cases {
      let img = image(hex: c.phash.pixels32x32, width: 32, height: 32)
      var fast = [Double](repeating: 0, count: 64)
      img.withView { v in fast.withUnsafeMutableBufferPointer { PerceptualHash.lowFrequencies(v, into: $0.baseAddress!) } }
      let direct = img.withView { PerceptualHash.lowFrequenciesReference($0) }
      for k in 0..<64 {
        let scipy = c.phash.dct8x8[k]
        XCTAssertEqual(fast[k], scipy, accuracy: 1e-9 * max(1, abs(scipy)), "\(c.name) coefficient \(k)")
        XCTAssertEqual(direct[k], scipy, accuracy: 1e-9 * max(1, abs(scipy)), "\(c.name) coefficient \(k) (reference)")
        if scipy == 0 { XCTAssertEqual(fast[k], 0, "\(c.name) coefficient \(k): scipy's exact zero must stay exact") }
      }
    }
  }

  func testDHashMatchesImagehashBitForBit() {
    for c in Self.fixtures.cases {
      let img = image(hex: c.dhash.pixels9x8, width: 9, height: 8)
      XCTAssertEqual(img.withView { PerceptualHash.difference($0) }.description, c.dhash.hash, c.name)
    }
  }

  func testAHashMatchesImagehashBitForBit() {
    for c in Self.fixtures.cases {
      let img = image(hex: c.ahash.pixels8x8, width: 8, height: 8)
      XCTAssertEqual(img.withView { PerceptualHash.average($0) }.description, c.ahash.hash, c.name)
    }
  }

  func testHammingDistance() {
    let a = Hash64(bits: 0), b = Hash64(bits: .max), c = Hash64(hex: "8000000000000001")!
    XCTAssertEqual(a.distance(to: b), 64)
    XCTAssertEqual(a.distance(to: c), 2)
    XCTAssertEqual(c.description, "8000000000000001")
    XCTAssertTrue(c[0] && c[63] && !c[1])
    XCTAssertNil(Hash64(hex: "xyz"))
    var rng = SplitMix64(seed: 3)
    let hashes = (0..<500).map { _ in Hash64(bits: rng.next()) }
    for _ in 0..<50 {
      let x = Hash64(bits: rng.next()), y = Hash64(bits: rng.next())
      let slow = (0..<64).filter { x[$0] != y[$0] }.count
      XCTAssertEqual(x.distance(to: y), slow)
    }
    let q = Hash64(bits: hashes[123].bits ^ 0b1011)
    let found = hashes.withUnsafeBufferPointer { Hash64.nearest(to: q, in: $0) }
    XCTAssertEqual(found?.index, 123)
    XCTAssertEqual(found?.distance, 3)
  }

  /// Region hashing: stable under noise and brightness, changed by an object.
  func testRegionHashesBehave() {
    let plain = Scene(noiseSigma: 3).render(), noisy = Scene(noiseSigma: 3, noiseSeed: 5).render()
    let brighter = Scene(gain: 1.15, offset: 12, noiseSigma: 3, noiseSeed: 6).render()
    let withObject = Scene(object: Scene.objectRect, noiseSigma: 3, noiseSeed: 7).render()
    let roi = PixelRect(x: 144, y: 80, width: 144, height: 80)
    let hasher = RegionHasher(regionWidth: roi.width, regionHeight: roi.height)
    func hashes(_ img: GrayImage) -> [Hash64] {
      img.withView { v in let r = v.cropped(to: roi); return [hasher.perceptual(r), hasher.difference(r), hasher.average(r)] }
    }
    let h0 = hashes(plain), hn = hashes(noisy), hb = hashes(brighter), ho = hashes(withObject)
    for k in 0..<3 {
      let same = max(h0[k].distance(to: hn[k]), h0[k].distance(to: hb[k]))
      XCTAssertLessThanOrEqual(same, 6, "noise/lighting, hash \(k)")
      XCTAssertGreaterThanOrEqual(h0[k].distance(to: ho[k]), same + 5, "object, hash \(k)")
    }
  }

  /// Regions smaller than the hash size are enlarged by the area resampler.
  func testSmallRegionsAndResampler() {
    let img = PaddedImage(width: 20, height: 12, offsetX: 3, padding: 2) { x, y in UInt8(x * 12 + y) }
    let hasher = RegionHasher(regionWidth: 20, regionHeight: 12)
    img.withView { v in
      XCTAssertEqual(hasher.perceptual(v), hasher.perceptual(v))
      _ = hasher.difference(v); _ = hasher.average(v)
    }
    // Exact for integer factors: resampling 4×4 → 2×2 averages blocks; 2×2 → 4×4 replicates.
    let src = PaddedImage(width: 2, height: 2) { x, y in UInt8(10 + 100 * x + 50 * y) }
    var big = PaddedImage(width: 4, height: 4) { _, _ in 0 }
    src.withView { s in big.withMutableView { RegionHasher.resampleArea(s, into: $0) } }
    XCTAssertEqual(big.pixels, [10, 10, 110, 110, 10, 10, 110, 110, 60, 60, 160, 160, 60, 60, 160, 160])
  }
}
