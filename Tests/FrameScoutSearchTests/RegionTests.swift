import FrameScoutCore
import XCTest

final class RegionTests: XCTestCase {
  func testRectanglesInPixelsAndPercent() throws {
    let r = try RegionSpec(parsing: "600,400,120,80").resolve(frameWidth: 1280, frameHeight: 720)
    XCTAssertEqual(r.bounds, PixelRect(x: 600, y: 400, width: 120, height: 80))
    let p = try RegionSpec(parsing: "50%,50%,25%,10%").resolve(frameWidth: 1280, frameHeight: 720)
    XCTAssertEqual(p.bounds, PixelRect(x: 640, y: 360, width: 320, height: 72))
    XCTAssertTrue(r.contains(x: 600.5, y: 400.5))
    XCTAssertFalse(r.contains(x: 720.5, y: 400.5))
  }

  func testPolygons() throws {
    let tri = try RegionSpec(parsing: "0,0;100,0;0,100").resolve(frameWidth: 200, frameHeight: 200)
    XCTAssertEqual(tri.bounds, PixelRect(x: 0, y: 0, width: 100, height: 100))
    XCTAssertTrue(tri.contains(x: 10, y: 10))
    XCTAssertFalse(tri.contains(x: 90, y: 90))
    let mask = RegionMask(width: 20, height: 20, sourceWidth: 200, sourceHeight: 200, include: [tri], exclude: [])
    // The triangle covers half of the top-left 10×10 cells of the 20×20 mask.
    XCTAssertEqual(Double(mask.area), 50, accuracy: 6)
  }

  func testBadRegionsAreRejectedInWords() {
    for (text, words) in [("1,2,3", "must be x,y,w,h"), ("a,b,c,d", "not a number"), ("0,0,0,10", "zero size"),
                          ("1200,700,100,100", "outside"), ("-5,0,10,10", "not a number"), ("0,0;1,1", "at least 3 points"),
                          ("0,0;5000,0;0,5", "outside")] {
      XCTAssertThrowsError(try RegionSpec(parsing: text).resolve(frameWidth: 1280, frameHeight: 720), text) { e in
        XCTAssertTrue("\(e)".contains(words), "\(text): \(e)")
      }
    }
  }

  func testMaskExcludesFromTheUnion() throws {
    let all = try RegionSpec(parsing: "0,0,100,100").resolve(frameWidth: 100, frameHeight: 100)
    let clock = try RegionSpec(parsing: "0,0,50,10").resolve(frameWidth: 100, frameHeight: 100)
    let m = RegionMask(width: 10, height: 10, sourceWidth: 100, sourceHeight: 100, include: [all], exclude: [clock])
    XCTAssertEqual(m.area, 95)
    let everything = RegionMask(width: 10, height: 10, sourceWidth: 100, sourceHeight: 100, include: [], exclude: [])
    XCTAssertEqual(everything.area, 100)
  }
}
