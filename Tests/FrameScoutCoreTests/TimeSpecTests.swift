import XCTest
@testable import FrameScoutCore

final class TimeSpecTests: XCTestCase {
  func testParsesTheThreeForms() {
    XCTAssertEqual(TimeSpec(parsing: "83.48"), .seconds(83.48))
    XCTAssertEqual(TimeSpec(parsing: "0"), .seconds(0))
    XCTAssertEqual(TimeSpec(parsing: "01:02:03.5"), .seconds(3723.5))
    XCTAssertEqual(TimeSpec(parsing: "02:03"), .seconds(123))
    XCTAssertEqual(TimeSpec(parsing: "#2087"), .frame(2087))
    XCTAssertEqual(TimeSpec(parsing: " #0 "), .frame(0))
  }

  func testRejectsMalformedTimes() {
    for bad in ["", "-1", "abc", "1:60", "1:2:3:4", "#", "#-3", "#1.5", "1..2", ".5", "5.", "1e3", "nan", "inf", "::", "12:", "#12a"] {
      XCTAssertNil(TimeSpec(parsing: bad), "'\(bad)' should be rejected")
    }
  }

  func testTimecodeFormat() {
    XCTAssertEqual(Timecode.format(0), "00:00:00.000")
    XCTAssertEqual(Timecode.format(50.48), "00:00:50.480")
    XCTAssertEqual(Timecode.format(3723.4996), "01:02:03.500")
    XCTAssertEqual(Timecode.format(360000), "100:00:00.000")
  }
}
