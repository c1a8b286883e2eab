import FrameScoutCore
import XCTest

final class ChangeMapTests: XCTestCase {
  func testCountsEqualReferenceOverGrid() {
    var rng = SplitMix64(seed: 11)
    for g in Geometry.grid where g.width >= 2 && g.height >= 2 {
      for (ca, cb) in [(Content.random, Content.random), (.lowNoise, .lowNoise), (.zeros, .full)] {
        var g2 = g
        g2.offsetX = (g.offsetX + 7) % 16
        let a = g.image(ca, &rng), b = g2.image(cb, &rng)
        let grids = [(16, 9), (min(g.width, 3), min(g.height, 2)), (min(g.width, 7), 1), (g.width, g.height)]
        for (cols, rows) in grids where cols <= g.width && rows <= g.height {
          var map = ChangeMap(width: g.width, height: g.height, columns: cols, rows: rows)
          a.withView { va in b.withView { vb in
            for t: UInt8 in [0, 9, 200] {
              map.update(previous: va, current: vb, threshold: t)
              XCTAssertEqual(map.counts, map.countsReference(va, vb, threshold: t), "\(g) \(cols)x\(rows) t=\(t)")
              map.update(difference: va, threshold: t)
              XCTAssertEqual(map.counts, map.countsReference(va, nil, threshold: t), "\(g) \(cols)x\(rows) t=\(t) (difference)")
            }
          } }
        }
      }
    }
  }

  func testTallCellsOverflowNoCounter() {
    // 600 rows in one cell row: the UInt8 column counters must be flushed every 255 rows.
    let a = PaddedImage(width: 40, height: 600) { _, _ in 0 }, b = PaddedImage(width: 40, height: 600) { _, _ in 255 }
    var map = ChangeMap(width: 40, height: 600, columns: 2, rows: 1)
    a.withView { va in b.withView { vb in map.update(previous: va, current: vb, threshold: 10) } }
    XCTAssertEqual(map.counts, [12_000, 12_000])
    XCTAssertEqual(map.changedPixels, 24_000)
  }

  func testCellsLocateAnObject() {
    let before = Scene(noiseSigma: 2).render(), after = Scene(object: Scene.objectRect, noiseSigma: 2, noiseSeed: 4).render()
    var map = ChangeMap(width: 320, height: 180)
    before.withView { b in after.withView { a in map.update(previous: b, current: a, threshold: 20) } }
    // The object covers x 180..<252, y 100..<140: cells 9…12 (20 px wide), rows 5…7 (20 px high).
    for r in 0..<9 {
      for c in 0..<16 {
        let inside = (9...12).contains(c) && (5...6).contains(r)
        let outside = !(8...12).contains(c) || !(4...7).contains(r)
        if inside { XCTAssertGreaterThan(map.fraction(column: c, row: r), 0.5, "cell \(c),\(r)") }
        if outside { XCTAssertLessThan(map.fraction(column: c, row: r), 0.02, "cell \(c),\(r)") }
      }
    }
    XCTAssertEqual(map.cell(column: 9, row: 5), PixelRect(x: 180, y: 100, width: 20, height: 20))
    XCTAssertGreaterThanOrEqual(map.changedCells(minimumFraction: 0.5), 8)
  }

  func testPixelBoundsCoverExactlyThePixelsOverTheThreshold() {
    var rng = SplitMix64(seed: 5)
    for g in Geometry.grid where g.width >= 2 && g.height >= 2 {
      let img = g.image(.random, &rng)
      img.withView { v in
        for t: UInt8 in [0, 128, 250, 255] {
          let area = PixelRect(x: v.width / 4, y: v.height / 3, width: v.width - v.width / 4, height: v.height - v.height / 3)
          var b = PixelBounds()
          b.include(v, over: t, in: area)
          var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
          for y in area.y..<(area.y + area.height) {
            for x in area.x..<(area.x + area.width) where v.base[y * v.stride + x] > t {
              x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1)
            }
          }
          XCTAssertEqual(b.rect, x0 < x1 ? PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0) : nil, "\(g) t=\(t)")
          var grown = PixelBounds()
          grown.include(cell: PixelRect(x: 0, y: 0, width: 1, height: 1))
          grown.add(b)
          if let r = b.rect { XCTAssertEqual(grown.rect, PixelRect(x: 0, y: 0, width: r.x + r.width, height: r.y + r.height)) }
        }
      }
    }
  }
}
