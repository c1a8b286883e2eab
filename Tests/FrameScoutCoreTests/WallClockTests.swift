import XCTest
@testable import FrameScoutCore

final class WallTimeTests: XCTestCase {
  func testParsesAndFormatsToTheMillisecond() throws {
    let t = try XCTUnwrap(WallTime(parsing: "2026-11-20 07:31:05.32"))
    XCTAssertEqual(t.iso, "2026-11-20T07:31:05.320")
    XCTAssertNil(t.zoneMinutes)
    XCTAssertEqual(t.description, "2026-11-20 07:31:05.320")
    XCTAssertEqual(WallTime(parsing: "2026-11-20T07:31:05Z")?.iso, "2026-11-20T07:31:05.000Z")
    XCTAssertEqual(WallTime(parsing: "2026-11-20T07:31:05.000000Z")?.iso, "2026-11-20T07:31:05.000Z")
    XCTAssertEqual(WallTime(parsing: "2026-11-20T07:31:05+01:00")?.iso, "2026-11-20T07:31:05.000+01:00")
    XCTAssertEqual(WallTime(parsing: "2026-11-20T07:31:05-0530")?.iso, "2026-11-20T07:31:05.000-05:30")
    XCTAssertEqual(WallTime(parsing: "2026-11-20 23:59:59.9996")?.iso, "2026-11-21T00:00:00.000")
  }

  func testRefusesWhatIsNotADateTime() {
    for bad in ["", "2026-11-20", "2026-13-01 00:00:00", "2026-02-29 10:00:00", "2026-11-20 24:00:00",
                "2026-11-20 07:60:00", "20261120 073105", "2026-11-20 07:31:05 extra", "2026-11-20 07:31:05+19:00",
                "2026-11-20 07:31:05."] {
      XCTAssertNil(WallTime(parsing: bad), bad)
    }
    XCTAssertNotNil(WallTime(parsing: "2024-02-29 10:00:00"), "a leap day")
  }

  func testCivilCalendarRoundTripsAcrossCenturiesAndLeapYears() {
    for (y, m, d) in [(1970, 1, 1), (1904, 1, 1), (2000, 2, 29), (2100, 3, 1), (1969, 12, 31), (2026, 12, 31)] {
      let t = WallTime(year: y, month: m, day: d, hour: 13, minute: 4, second: 5, millisecond: 6)!
      let f = t.fields
      XCTAssertEqual([f.0, f.1, f.2, f.3, f.4, f.5, f.6], [y, m, d, 13, 4, 5, 6])
    }
    XCTAssertEqual(WallTime(year: 1970, month: 1, day: 2)!.milliseconds, 86_400_000)
  }

  func testAddsSecondsAcrossMidnightAndComparesZones() throws {
    let t = try XCTUnwrap(WallTime(parsing: "2026-12-31 23:59:58.500"))
    XCTAssertEqual(t.adding(seconds: 2.25).iso, "2027-01-01T00:00:00.750")
    XCTAssertEqual(t.adding(seconds: 2.25).seconds(since: t), 2.25)
    let utc = try XCTUnwrap(WallTime(parsing: "2026-11-20T06:31:05Z"))
    let paris = try XCTUnwrap(WallTime(parsing: "2026-11-20T07:31:05+01:00"))
    XCTAssertEqual(paris.seconds(since: utc), 0, "the same instant in two zones")
    XCTAssertNil(utc.seconds(since: t), "a zoned time and an unzoned one cannot be compared")
    XCTAssertEqual(utc.converted(toZone: 60)?.iso, "2026-11-20T07:31:05.000+01:00")
  }
}

final class FileClockTests: XCTestCase {
  func wall(_ s: String) -> WallTime { WallTime(parsing: s)! }

  func testHikvisionExportNameGivesStartAndEnd() throws {
    var w: [String] = []
    let r = FileClock.readings(path: "cases/cam/ch02_20220619111254080_20220619112811160.mp4", tags: [:], duration: 917.08, warnings: &w)
    XCTAssertEqual(r.count, 1)
    XCTAssertEqual(r[0].source, .exportName)
    XCTAssertEqual(r[0].start.iso, "2022-06-19T11:12:54.080")
    XCTAssertEqual(r[0].end?.iso, "2022-06-19T11:28:11.160")
    XCTAssertTrue(r[0].how.contains("channel 02"), r[0].how)
    XCTAssertEqual(w, [], "start and end match the duration")
    _ = FileClock.readings(path: "ch02_20220619111254080_20220619112811160.mp4", tags: [:], duration: 60, warnings: &w)
    XCTAssertEqual(w.count, 1, "a name whose span is not the file's duration is warned of")
  }

  func testDahuaExportNameTakesTheDayFromItsFolder() throws {
    var w: [String] = []
    let r = FileClock.readings(path: "export/2022-06-19/001/dav/19/19.53.47-19.54.00[M][0@0][0].dav", tags: [:], duration: 13, warnings: &w)
    XCTAssertEqual(r.first?.start.iso, "2022-06-19T19:53:47.000")
    XCTAssertEqual(r.first?.end?.iso, "2022-06-19T19:54:00.000")
    let night = FileClock.readings(path: "2022-06-19/23.59.50-00.00.10[M][0@0][0].dav", tags: [:], duration: 20, warnings: &w)
    XCTAssertEqual(night.first?.end?.iso, "2022-06-20T00:00:10.000", "an export past midnight ends the next day")
    XCTAssertEqual(FileClock.readings(path: "19.53.47-19.54.00[M][0@0][0].dav", tags: [:], duration: nil, warnings: &w).count, 0,
                   "without the day's folder the name gives no date")
  }

  func testGenericStampsAndNamesWithoutOne() {
    var w: [String] = []
    for (path, iso) in [("cam1_20261120_073105.mp4", "2026-11-20T07:31:05.000"),
                        ("VID-2026-11-20_07-31-05.mkv", "2026-11-20T07:31:05.000"),
                        ("20261120073105.avi", "2026-11-20T07:31:05.000")] {
      let r = FileClock.readings(path: path, tags: [:], duration: nil, warnings: &w)
      XCTAssertEqual(r.map(\.source), [.nameStamp], path)
      XCTAssertEqual(r.first?.start.iso, iso, path)
    }
    for path in ["parcel_taken.mp4", "clip_12345678.mp4", "20261399_250000.mp4", "id_202611200731051234.mp4"] {
      XCTAssertEqual(FileClock.readings(path: path, tags: [:], duration: nil, warnings: &w).count, 0, path)
    }
  }

  func testContainerTimeAndItsEpochs() {
    var w: [String] = []
    let r = FileClock.readings(path: "a.mp4", tags: ["creation_time": "2026-11-20T07:31:05.000000Z"], duration: nil, warnings: &w)
    XCTAssertEqual(r.first?.source, .container)
    XCTAssertEqual(r.first?.start.iso, "2026-11-20T07:31:05.000Z")
    for epoch in ["1970-01-01T00:00:00.000000Z", "1904-01-01T00:00:00.000000Z"] {
      var warnings: [String] = []
      XCTAssertEqual(FileClock.readings(path: "a.mp4", tags: ["creation_time": epoch], duration: nil, warnings: &warnings).count, 0)
      XCTAssertEqual(warnings.count, 1, epoch)
    }
    let mkv = FileClock.readings(path: "a.mkv", tags: ["DATE_UTC": "2026-11-20 07:31:05"], duration: nil, warnings: &w)
    XCTAssertEqual(mkv.first?.start.zoneMinutes, 0, "DATE_UTC is UTC")
  }

  func testPrecedenceAndDisagreement() throws {
    var w: [String] = []
    let found = FileClock.readings(path: "ch01_20261120073105000_20261120073205000.mp4",
                                   tags: ["creation_time": "2026-11-20T10:43:00.000000Z"], duration: 60, warnings: &w)
    let clock = FileClock.resolve(request: ClockRequest(), found: found, secondsOfFrame: { Double($0) / 25 }, warnings: w)
    XCTAssertEqual(clock.used?.source, .exportName)
    XCTAssertEqual(clock.warnings.count, 1)
    XCTAssertTrue(clock.warnings[0].contains("3 h 11 min after export_name"), clock.warnings[0])
    XCTAssertTrue(clock.warnings[0].contains("export time"), clock.warnings[0])
    var pick = ClockRequest()
    pick.source = .container
    XCTAssertEqual(FileClock.resolve(request: pick, found: found, secondsOfFrame: { _ in 0 }).used?.source, .container)
    pick.source = ClockSource.none
    XCTAssertNil(FileClock.resolve(request: pick, found: found, secondsOfFrame: { _ in 0 }).used)
    pick.source = .osd
    XCTAssertNil(FileClock.resolve(request: pick, found: found, secondsOfFrame: { _ in 0 }).used, "a source that is not there")
  }

  func testUserClockAtAFrameAndTheCorrection() throws {
    var request = ClockRequest()
    request.at = try XCTUnwrap(ClockAt(parsing: "#1250=2026-11-20 07:31:55"))
    request.correction = ClockCorrection(offset: try XCTUnwrap(ClockCorrection.seconds(parsingOffset: "+7m32s")), drift: 0)
    let clock = FileClock.resolve(request: request, found: [], secondsOfFrame: { Double($0) / 25 })
    XCTAssertEqual(clock.used?.source, .user)
    XCTAssertEqual(clock.used?.start.iso, "2026-11-20T07:31:05.000", "frame 1250 at 25 fps is 50 s in")
    let w = try XCTUnwrap(clock.wall(atSeconds: 50))
    XCTAssertEqual(w.dvr.iso, "2026-11-20T07:31:55.000")
    XCTAssertEqual(w.corrected.iso, "2026-11-20T07:24:23.000", "the DVR was 7 min 32 s fast")
    let drifting = ClockCorrection(offset: 10, drift: 2)
    XCTAssertEqual(drifting.corrected(wall("2026-11-21 07:31:05"), secondsFromReference: 43_200).iso, "2026-11-21T07:30:54.000",
                   "half a day after the reference the 2 s/day drift adds 1 s")
  }

  /// An on-screen clock's reading is piecewise: its rate, and each step from its frame on
  /// (the frame before a step keeps the line before it), corrections applied on top.
  func testAReadingWithStepsIsPiecewise() throws {
    let start = wall("2024-11-11 08:00:00.6")
    let osd = ClockReading(source: .osd, start: start, how: "on-screen clock", rate: 1.0002,
                           steps: [ClockStep(frame: 375, atSeconds: 14.98, seconds: 420), ClockStep(frame: 500, atSeconds: 19.98, seconds: -60)])
    XCTAssertEqual(osd.wall(atSeconds: 0).iso, "2024-11-11T08:00:00.600")
    XCTAssertEqual(osd.wall(atSeconds: 374.0 / 25).iso, "2024-11-11T08:00:15.563", "frame #374: the first line, at its rate")
    XCTAssertEqual(osd.wall(atSeconds: 375.0 / 25).iso, "2024-11-11T08:07:15.603", "frame #375: the clock set forward 7 min")
    XCTAssertEqual(osd.wall(atSeconds: 500.0 / 25).iso, "2024-11-11T08:06:20.604", "frame #500: set back 1 min")
    var request = ClockRequest()
    request.source = .osd
    request.correction = ClockCorrection(offset: 10)
    let clock = FileClock.resolve(request: request, found: [osd], secondsOfFrame: { Double($0) / 25 })
    XCTAssertEqual(clock.wall(atSeconds: 15)?.dvr.iso, "2024-11-11T08:07:15.603")
    XCTAssertEqual(clock.wall(atSeconds: 15)?.corrected.iso, "2024-11-11T08:07:05.603")
  }

  func testOffsetsAsWritten() {
    XCTAssertEqual(ClockCorrection.seconds(parsingOffset: "+7m32s"), 452)
    XCTAssertEqual(ClockCorrection.seconds(parsingOffset: "-1h2m3.5s"), -3723.5)
    XCTAssertEqual(ClockCorrection.seconds(parsingOffset: "452"), 452)
    XCTAssertEqual(ClockCorrection.seconds(parsingOffset: "-00:07:32"), -452)
    XCTAssertEqual(ClockCorrection.seconds(parsingOffset: "1d"), 86_400)
    for bad in ["", "+", "7x", "7m7m", "m7", "7m3", "--5"] { XCTAssertNil(ClockCorrection.seconds(parsingOffset: bad), bad) }
  }
}
