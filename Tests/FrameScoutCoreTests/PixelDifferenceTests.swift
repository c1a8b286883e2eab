import FrameScoutCore
import XCTest

/// Every SIMD kernel against its scalar reference over the geometry grid (odd widths,
/// strides, unaligned starts) and content kinds (random, 0, 255, alternating, low noise).
final class PixelDifferenceTests: XCTestCase {
  func forEveryPair(_ body: (PaddedImage, PaddedImage, String) throws -> Void) rethrows {
    var rng = SplitMix64(seed: 7)
    for g in Geometry.grid {
      for (ca, cb) in [(Content.random, Content.random), (.zeros, .full), (.full, .zeros), (.alternating, .random), (.lowNoise, .lowNoise), (.full, .full)] {
        var g2 = g
        g2.offsetX = (g.offsetX + 3) % 16      // the second image has another alignment
        g2.padding = g.padding + 2
        try body(g.image(ca, &rng), g2.image(cb, &rng), "\(g) \(ca)/\(cb)")
      }
    }
  }

  func testAbsoluteDifferenceImageEqualsReference() {
    forEveryPair { a, b, label in
      var fast = PaddedImage(width: a.width, height: a.height, offsetX: 1, padding: 5) { _, _ in 0 }
      var slow = PaddedImage(width: a.width, height: a.height, offsetX: 2) { _, _ in 0 }
      a.withView { va in b.withView { vb in
        fast.withMutableView { PixelDifference.absolute(va, vb, into: $0) }
        slow.withMutableView { PixelDifference.absoluteReference(va, vb, into: $0) }
      } }
      XCTAssertEqual(fast.pixels, slow.pixels, label)
    }
  }

  func testSumOfAbsoluteDifferencesEqualsReference() {
    forEveryPair { a, b, label in
      a.withView { va in b.withView { vb in
        XCTAssertEqual(PixelDifference.sumOfAbsoluteDifferences(va, vb), PixelDifference.sumOfAbsoluteDifferencesReference(va, vb), label)
      } }
    }
  }

  func testSumOfAbsoluteDifferencesDoesNotWrapOnLargeFrames() {
    let a = PaddedImage(width: 1280, height: 720) { _, _ in 255 }
    let b = PaddedImage(width: 1280, height: 720) { _, _ in 0 }
    a.withView { va in b.withView { vb in
      XCTAssertEqual(PixelDifference.sumOfAbsoluteDifferences(va, vb), 1280 * 720 * 255)
      XCTAssertEqual(PixelDifference.countChanged(va, vb, threshold: 254), 1280 * 720)
      XCTAssertEqual(PixelDifference.countOver(0, in: va), 1280 * 720)
    } }
  }

  func testCountsOverThresholdEqualReference() {
    forEveryPair { a, b, label in
      a.withView { va in b.withView { vb in
        for t: UInt8 in [0, 1, 17, 127, 128, 254, 255] {
          XCTAssertEqual(PixelDifference.countOver(t, in: va), PixelDifference.countOverReference(t, in: va), "\(label) t=\(t)")
          XCTAssertEqual(PixelDifference.countChanged(va, vb, threshold: t), PixelDifference.countChangedReference(va, vb, threshold: t), "\(label) t=\(t)")
        }
      } }
    }
  }

  func testEmptyAndInPlace() {
    let e = PaddedImage(width: 0, height: 0) { _, _ in 0 }
    e.withView { v in
      XCTAssertEqual(PixelDifference.sumOfAbsoluteDifferences(v, v), 0)
      XCTAssertEqual(PixelDifference.countOver(0, in: v), 0)
    }
    // Output may alias an input.
    var a = PaddedImage(width: 37, height: 5, offsetX: 3) { x, y in UInt8((x * 13 + y * 7) % 256) }
    let b = PaddedImage(width: 37, height: 5) { x, _ in UInt8(x * 5) }
    let expected: [UInt8] = a.withView { va in b.withView { vb in
      var out = PaddedImage(width: 37, height: 5) { _, _ in 0 }
      out.withMutableView { PixelDifference.absoluteReference(va, vb, into: $0) }
      return out.pixels
    } }
    b.withView { vb in a.withMutableView { PixelDifference.absolute($0.readOnly, vb, into: $0) } }
    XCTAssertEqual(a.pixels, expected)
  }
}
