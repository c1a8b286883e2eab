import FrameScoutCore
import XCTest

/// `PixelMask.apply` against its scalar twin over the geometry grid, and the table mapping.
final class PixelMaskTests: XCTestCase {
  func testApplyEqualsReference() {
    var rng = SplitMix64(seed: 11)
    for g in Geometry.grid {
      for (ci, cm) in [(Content.random, Content.random), (.full, .alternating), (.random, .zeros), (.random, .full)] {
        var g2 = g
        g2.offsetX = (g.offsetX + 5) % 16
        g2.padding = g.padding + 1
        let image = g.image(ci, &rng)
        // Masks hold 0 or 0xFF.
        var mask = g2.image(cm, &rng)
        mask.withMutableView { m in
          for y in 0..<m.height { for x in 0..<m.width { m.base[y * m.stride + x] = m.base[y * m.stride + x] & 1 == 1 ? 0xFF : 0 } }
        }
        var fast = image, slow = image
        mask.withView { m in
          fast.withMutableView { PixelMask.apply(m, to: $0) }
          slow.withMutableView { PixelMask.applyReference(m, to: $0) }
        }
        XCTAssertEqual(fast.pixels, slow.pixels, "\(g) \(ci)/\(cm)")
        // And it really masks: a cleared pixel is 0, a kept one unchanged.
        mask.withView { m in image.withView { src in fast.withView { out in
          for y in 0..<m.height { for x in 0..<m.width {
            XCTAssertEqual(out[x, y], m[x, y] == 0 ? 0 : src[x, y])
          } }
        } } }
      }
    }
  }

  func testLinearTableMapsAndClamps() {
    var table = [UInt8](repeating: 0, count: 256)
    table.withUnsafeMutableBufferPointer { PixelMask.linearTable(gain: 1.5, offset: -20, into: $0.baseAddress!) }
    XCTAssertEqual(table[0], 0)
    XCTAssertEqual(table[100], 130)
    XCTAssertEqual(table[255], 255)
    var image = GrayImage(width: 19, height: 3, fill: 100)
    let src = image
    table.withUnsafeBufferPointer { t in
      src.withView { s in image.withMutableView { PixelMask.map(s, through: t.baseAddress!, into: $0) } }
    }
    XCTAssertEqual(Set(image.pixels), [130])
  }
}
