import FrameScoutCore
import XCTest

/// Format inference and parsing of the on-screen clock's layout, on token lines made up
/// the way the reader makes them (digits at a pitch of 10 pixels; separators by shape).
final class OSDLayoutTests: XCTestCase {
  /// Tokens of `text`: digits, `-/.:` separators, a space (an extra half pitch of gap),
  /// `A`/`P` and `?` for other glyphs (letters, Chinese characters: 14 wide).
  func tokens(_ text: String) -> [OSDToken] {
    var out: [OSDToken] = [], x = 0
    for c in text {
      if c == " " { x += 6; continue }
      // ASCII digits only (Character.wholeNumberValue reads 三 as 3).
      if c.isASCII, let d = c.wholeNumberValue { out.append(OSDToken(digit: d, x: x, width: 8)); x += 10; continue }
      let shape: Character = "-/.:".contains(c) ? c : (c == "A" || c == "P") ? c : "?"
      let wide = c.unicodeScalars.first!.value > 0x2E80
      out.append(OSDToken(digit: -1, x: x, width: wide ? 14 : 6, shape: shape))
      x += wide ? 16 : 10
    }
    return out
  }

  /// The x of the seconds' units digit in a line.
  func secondsX(_ line: [OSDToken], twelveHour: Bool = false) -> Int {
    let digits = line.filter { $0.digit >= 0 }
    return digits[digits.count - 1].x + 2
  }

  func infer(_ lines: [String]) -> OSDLayout? {
    let t = lines.map(tokens)
    return OSDLayout.infer(lines: t, secondsX: secondsX(t[0]), pitch: 10)
  }

  func seconds(_ layout: OSDLayout, _ line: String) -> String? {
    layout.seconds(tokens(line), pitch: 10).map { String(WallTime(milliseconds: $0 * 1000).iso.prefix(19)) }
  }

  func testISODate() throws {
    let l = try XCTUnwrap(infer(["2026-11-20 07:31:05", "2026-11-20 07:31:06"]))
    XCTAssertEqual(l.format, "YYYY-MM-DD HH:mm:ss")
    XCTAssertFalse(l.twelveHour)
    XCTAssertEqual(seconds(l, "2026-11-20 07:31:05"), "2026-11-20T07:31:05")
    XCTAssertNil(seconds(l, "2026-13-20 07:31:05"), "month 13")
    XCTAssertNil(seconds(l, "2026-11-20 07:31"), "a group missing")
  }

  /// The format is the one most lines show: a line whose `-` compression made a `:` (the
  /// middle line, which alone used to describe the format) does not decide it.
  func testTheFormatIsTheOneMostLinesShow() throws {
    let l = try XCTUnwrap(infer(["2026-11-20 07:31:05", "2026:11-20 07:31:06", "2026-11-20 07:31:07"]))
    XCTAssertEqual(l.format, "YYYY-MM-DD HH:mm:ss")
    XCTAssertEqual(seconds(l, "2026:11-20 07:31:06"), "2026-11-20T07:31:06", "the fields are read whatever the separator")
  }

  func testDayFirstWhenADayIsAbove12() throws {
    let l = try XCTUnwrap(infer(["20/11/2026 07:31:05"]))
    XCTAssertEqual(l.format, "DD/MM/YYYY HH:mm:ss")
    XCTAssertFalse(l.dayMonthAmbiguous)
    XCTAssertEqual(seconds(l, "20/11/2026 07:31:05"), "2026-11-20T07:31:05")
  }

  func testMonthFirstWhenTheSecondIsAbove12() throws {
    let l = try XCTUnwrap(infer(["11.20.2026 07:31:05"]))
    XCTAssertEqual(l.format, "MM.DD.YYYY HH:mm:ss")
    XCTAssertFalse(l.dayMonthAmbiguous)
  }

  func testAmbiguousDayMonthIsSaidAndReadMonthFirst() throws {
    let l = try XCTUnwrap(infer(["10-06-2024 07:31:05"]))
    XCTAssertTrue(l.dayMonthAmbiguous)
    XCTAssertEqual(seconds(l, "10-06-2024 07:31:05"), "2024-10-06T07:31:05")
    // --format says otherwise: day first.
    let forced = try XCTUnwrap(OSDLayout(format: "DD-MM-YYYY HH:mm:ss"))
    XCTAssertEqual(seconds(forced, "10-06-2024 07:31:05"), "2024-06-10T07:31:05")
  }

  func testChineseDateAndWeekday() throws {
    let l = try XCTUnwrap(infer(["2024年11月13日 星期三 02:50:21"]))
    XCTAssertEqual(l.format, "YYYY年MM月DD日 星期X HH:mm:ss")
    XCTAssertEqual(seconds(l, "2024年11月13日 星期三 02:50:21"), "2024-11-13T02:50:21")
  }

  func testEnglishWeekdayIsSkipped() throws {
    let l = try XCTUnwrap(infer(["2024/11/13 Wednesday 23:59:52"]))
    XCTAssertEqual(l.format, "YYYY/MM/DD ddd HH:mm:ss")
    XCTAssertEqual(seconds(l, "2024/11/14 Thursday 00:00:01"), "2024-11-14T00:00:01")
  }

  func testTwelveHourClock() throws {
    let l = try XCTUnwrap(infer(["13/06/2024 11:59:58 AM", "13/06/2024 12:00:01 PM"]))
    XCTAssertTrue(l.twelveHour)
    XCTAssertEqual(l.format, "DD/MM/YYYY hh:mm:ss A")
    XCTAssertEqual(seconds(l, "13/06/2024 12:00:01 PM"), "2024-06-13T12:00:01")
    XCTAssertEqual(seconds(l, "13/06/2024 12:00:01 AM"), "2024-06-13T00:00:01")
    XCTAssertEqual(seconds(l, "13/06/2024 01:00:01 PM"), "2024-06-13T13:00:01")
    XCTAssertNil(seconds(l, "13/06/2024 13:00:01 PM"), "hour 13 on a 12-hour clock")
  }

  func testNoDateIsNoLayout() {
    XCTAssertNil(infer(["07:31:05"]))
    XCTAssertNil(infer(["CAM 01 07:31:05"]))
  }

  func testFormatOption() {
    XCTAssertNotNil(OSDLayout(format: "YYYY-MM-DD HH:mm:ss"))
    XCTAssertEqual(OSDLayout(format: "DD/MM/YYYY ddd hh:mm:ss A")?.twelveHour, true)
    XCTAssertNil(OSDLayout(format: "HH:mm:ss"), "no date")
    XCTAssertNil(OSDLayout(format: "YYYY-MM-DD HH:mm"), "no seconds")
  }

  // MARK: readings, fit, jumps

  /// A clock at 25 fps from `start` (seconds) plus `phase` frames, with a jump of
  /// `jump.seconds` at frame `jump.frame`; `misread` frames show a wrong time.
  func frames(_ count: Int, start: Int64 = 1_000, phase: Double = 0.3, jump: (frame: Int, seconds: Int64)? = nil,
              misread: Set<Int> = [], unreadable: Set<Int> = []) -> [(frame: Int, seconds: Int64?)] {
    (0..<count).map { n in
      var s = start + Int64((Double(n) * 0.04 + phase).rounded(.down))
      if let jump, n >= jump.frame { s += jump.seconds }
      if misread.contains(n) { s += 37 }
      return (n, unreadable.contains(n) ? nil : s)
    }
  }

  func testReadingsAreOnePerSecondShownAndMisreadsAreCounted() {
    let (readings, unreadable) = OSDTrack.readings(frames(250, misread: [40, 41], unreadable: [100]))
    XCTAssertEqual(readings.map(\.seconds), Array(1_000...1_010))
    XCTAssertEqual(readings.dropFirst().map(\.fromFrame), [18, 43, 68, 93, 118, 143, 168, 193, 218, 243])
    XCTAssertEqual(unreadable, 3)
  }

  func testFitAndJump() throws {
    let (readings, _) = OSDTrack.readings(frames(500, jump: (260, 420)))
    let fit = try XCTUnwrap(OSDTrack.fit(readings, secondsPerFrame: 0.04))
    XCTAssertEqual(fit.secondsPerFrame, 0.04, accuracy: 0.0005)
    XCTAssertEqual(fit.wallAtFrame0, 1_000.3, accuracy: 0.03)
    XCTAssertEqual(fit.jumps.map(\.frame), [260])
    XCTAssertEqual(fit.jumps.first?.seconds ?? 0, 420, accuracy: 0.05)
    for n in [17, 18, 300, 499] {
      XCTAssertEqual(Int64(fit.wall(atFrame: n).rounded(.down)), frames(500, jump: (260, 420))[n].seconds)
    }
  }

  func testNoJumpWithoutOne() throws {
    let (readings, _) = OSDTrack.readings(frames(1_000, phase: 0.95))
    XCTAssertEqual(try XCTUnwrap(OSDTrack.fit(readings, secondsPerFrame: 0.04)).jumps, [])
  }
}
