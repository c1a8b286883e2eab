import FrameScoutCore
import XCTest

final class CameraTimelineTests: XCTestCase {
  func t(_ s: String) -> WallTime { WallTime(parsing: "2026-11-20T" + s)! }
  func file(_ path: String, _ a: String, _ b: String) -> CameraTimeline.File {
    CameraTimeline.File(path: path, start: t(a), end: t(b), frame: 0.04)
  }

  /// A camera is a folder, or a channel in a folder where the names state one.
  func testCamerasAreFoldersAndChannels() {
    XCTAssertEqual(CameraTimeline.camera(of: "ev/cam1/x.mp4").folder, "ev/cam1")
    XCTAssertNil(CameraTimeline.camera(of: "ev/cam1/x.mp4").channel)
    XCTAssertEqual(CameraTimeline.camera(of: "x.mp4").folder, ".")
    XCTAssertEqual(CameraTimeline.camera(of: "ev/ch02_20220619111254080_20220619112811160.mp4").channel, "02")
    XCTAssertNil(CameraTimeline.camera(of: "ev/chapel.mp4").channel)
    let lanes = CameraTimeline.lanes([file("ev/ch01_a.mp4", "07:00:00", "07:01:00"), file("ev/ch02_b.mp4", "07:00:00", "07:01:00"),
                                      file("ev/ch01_c.mp4", "07:01:00", "07:02:00")])
    XCTAssertEqual(lanes.map(\.channel), ["01", "02"])
    XCTAssertEqual(lanes[0].files.map(\.path), ["ev/ch01_a.mp4", "ev/ch01_c.mp4"])
    XCTAssertEqual(lanes[0].gaps, [])
  }

  /// Ordered by time, not name; a step of up to one frame is neither gap nor overlap; a
  /// gap beyond it has the wall times of the end and the next start; a file starting
  /// before the previous one ends is an overlap (to the earlier of the two ends); a file
  /// inside another's span leaves no gap after it.
  func testGapsAndOverlapsBetweenConsecutiveFiles() {
    let lane = CameraTimeline.lanes([
      file("cam/3.mp4", "07:02:00.040", "07:03:00"),     // one frame after 2's end: no gap
      file("cam/1.mp4", "07:00:00", "07:01:00"),
      file("cam/2.mp4", "07:01:20", "07:02:00"),         // 20 s after 1's end
      file("cam/4.mp4", "07:02:50", "07:04:00"),         // 10 s before 3's end
      file("cam/5.mp4", "07:03:00", "07:03:30"),         // inside 4
      file("cam/6.mp4", "07:04:05", "07:05:00"),         // 5 s after 4's end, not after 5's
    ])[0]
    XCTAssertEqual(lane.files.map(\.path), ["cam/1.mp4", "cam/2.mp4", "cam/3.mp4", "cam/4.mp4", "cam/5.mp4", "cam/6.mp4"])
    XCTAssertEqual(lane.gaps.map { [$0.from.iso, $0.to.iso] }, [["2026-11-20T07:01:00.000", "2026-11-20T07:01:20.000"],
                                                              ["2026-11-20T07:04:00.000", "2026-11-20T07:04:05.000"]])
    XCTAssertEqual(lane.gaps.map(\.seconds), [20, 5])
    XCTAssertEqual(lane.gaps.map(\.after), ["cam/1.mp4", "cam/4.mp4"])
    XCTAssertEqual(lane.overlaps.map { [$0.from.iso, $0.to.iso, $0.after, $0.before] },
                   [["2026-11-20T07:02:50.000", "2026-11-20T07:03:00.000", "cam/3.mp4", "cam/4.mp4"],
                    ["2026-11-20T07:03:00.000", "2026-11-20T07:03:30.000", "cam/4.mp4", "cam/5.mp4"]])
    XCTAssertEqual(lane.overlaps.map(\.seconds), [10, 30])
  }
}
