import XCTest
@testable import FrameScoutCore

final class AreaDownsamplerTests: XCTestCase {
  /// A deterministic pseudo-random image with a given stride (padding bytes differ so a
  /// kernel reading past a row's end would change the result).
  func randomImage(_ w: Int, _ h: Int, stride: Int, seed: UInt64, values: ClosedRange<UInt8> = 0...255) -> [UInt8] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<(stride * h)).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let r = UInt8(truncatingIfNeeded: state >> 33)
      return values.lowerBound + UInt8(Int(r) % (Int(values.upperBound) - Int(values.lowerBound) + 1))
    }
  }

  func check(_ sw: Int, _ sh: Int, _ w: Int, _ h: Int, pad: Int, seed: UInt64, values: ClosedRange<UInt8> = 0...255,
             file: StaticString = #filePath, line: UInt = #line) {
    let stride = sw + pad
    let pixels = randomImage(sw, sh, stride: stride, seed: seed, values: values)
    pixels.withUnsafeBufferPointer { buf in
      let view = GrayView(base: buf.baseAddress!, width: sw, height: sh, stride: stride)
      let expected = AreaDownsampler.downsampleReference(view, width: w, height: h)
      let d = AreaDownsampler(sourceWidth: sw, sourceHeight: sh, width: w, height: h)
      var out = GrayImage(width: w, height: h)
      out.withMutableView { d.downsample(view, into: $0) }
      XCTAssertEqual(out.pixels, expected.pixels, "\(sw)x\(sh) -> \(w)x\(h) stride \(stride) (pair path: \(d.usesPairPath))", file: file, line: line)
    }
  }

  func testFastPathsEqualReferenceOverAGrid() {
    var seed: UInt64 = 1
    // Even integer factors (SIMD pair path), with and without a 16-column tail, odd strides.
    for (sw, sh, w, h) in [(1280, 720, 320, 180), (640, 360, 320, 180), (1920, 1080, 320, 180), (2560, 1440, 320, 180),
                           (40, 8, 10, 2), (36, 12, 9, 3), (24, 6, 6, 6), (2, 2, 1, 1), (260, 130, 65, 65), (16, 16, 4, 4),
                           // fx = 8 (the audit's 1280→160), with an 8-column tail, no full block, odd fy.
                           (1280, 720, 160, 90), (1288, 24, 161, 3), (8, 8, 1, 1), (24, 21, 3, 3), (640, 480, 80, 5)] {
      for pad in [0, 1, 7, 16] { check(sw, sh, w, h, pad: pad, seed: seed); seed += 1 }
    }
  }

  func testArbitraryFactorsEqualReference() {
    var seed: UInt64 = 100
    for (sw, sh, w, h) in [(704, 576, 320, 262), (960, 540, 320, 180), (33, 17, 10, 5), (100, 100, 100, 100),
                           (101, 7, 3, 2), (1, 1, 1, 1), (5, 300, 5, 7), (355, 201, 320, 180)] {
      for pad in [0, 3] { check(sw, sh, w, h, pad: pad, seed: seed); seed += 1 }
    }
  }

  func testExtremeValuesAndLargeBoxes() {
    check(1280, 720, 320, 180, pad: 0, seed: 7, values: 255...255)
    check(1280, 720, 320, 180, pad: 0, seed: 7, values: 0...0)
    check(1280, 720, 320, 180, pad: 5, seed: 8, values: 250...255)
    // Vertical factor 128 (the limit of 16-bit pair sums), and past it (scalar path).
    check(64, 256, 16, 2, pad: 0, seed: 9, values: 255...255)
    check(64, 258, 16, 1, pad: 0, seed: 9, values: 255...255)
    // Boxes over 2,048 pixels use a division instead of the reciprocal.
    check(400, 400, 4, 4, pad: 0, seed: 10)
  }

  /// The fused hash (`downsample(_:into:hashing:)`) hashes the rows as adding them one by one
  /// does, and reduces as `downsample(_:into:)` does, on the pair path and off it.
  func testFusedHashEqualsRowByRowHash() {
    var seed: UInt64 = 300
    for (sw, sh, w, h) in [(1280, 720, 160, 90), (1280, 720, 320, 180), (1288, 24, 161, 3), (36, 12, 9, 3), (704, 576, 320, 262),
                           (33, 17, 10, 5), (64, 256, 16, 2), (100, 100, 100, 100)] {
      for pad in [0, 3, 64] {
        let stride = sw + pad
        let pixels = randomImage(sw, sh, stride: stride, seed: seed)
        seed += 1
        pixels.withUnsafeBufferPointer { buf in
          let view = GrayView(base: buf.baseAddress!, width: sw, height: sh, stride: stride)
          var rowByRow = ContentHasher()
          for y in 0..<sh { rowByRow.add(buf.baseAddress! + y * stride, count: sw) }
          let d = AreaDownsampler(sourceWidth: sw, sourceHeight: sh, width: w, height: h)
          var plain = GrayImage(width: w, height: h), fused = GrayImage(width: w, height: h)
          plain.withMutableView { d.downsample(view, into: $0) }
          var hasher = ContentHasher()
          fused.withMutableView { d.downsample(view, into: $0, hashing: &hasher) }
          // Something after the plane (the chroma planes) hashes on alike.
          hasher.add(buf.baseAddress!, count: 7); rowByRow.add(buf.baseAddress!, count: 7)
          XCTAssertEqual(hasher.finish(), rowByRow.finish(), "\(sw)x\(sh) -> \(w)x\(h) pad \(pad)")
          XCTAssertEqual(fused.pixels, plain.pixels, "\(sw)x\(sh) -> \(w)x\(h) pad \(pad)")
        }
      }
    }
  }

  func testRoundsHalfUp() {
    // 2x1 boxes of (0, 1) average 0.5 -> 1; (0, 0) -> 0; (254, 255) -> 255.
    let px: [UInt8] = [0, 1, 0, 0, 254, 255, 3, 4]
    px.withUnsafeBufferPointer { buf in
      let v = GrayView(base: buf.baseAddress!, width: 8, height: 1, stride: 8)
      let d = AreaDownsampler(sourceWidth: 8, sourceHeight: 1, width: 4, height: 1)
      var out = GrayImage(width: 4, height: 1)
      out.withMutableView { d.downsample(v, into: $0) }
      XCTAssertEqual(out.pixels, [1, 0, 255, 4])
    }
  }

  func testSizeKeepsAspectAndNeverEnlarges() {
    XCTAssertTrue(AreaDownsampler.size(forSourceWidth: 1280, sourceHeight: 720, width: 320) == (320, 180))
    XCTAssertTrue(AreaDownsampler.size(forSourceWidth: 200, sourceHeight: 100, width: 320) == (200, 100))
    XCTAssertTrue(AreaDownsampler.size(forSourceWidth: 704, sourceHeight: 576, width: 320) == (320, 262))
  }
}
