import FrameScoutCore
@testable import FrameScoutSearch
import XCTest

/// The packet-size activity model on synthetic packet sequences (no video): an idle
/// baseline, a burst, noisy footage and a constant-bitrate encoder.
final class PacketActivityTests: XCTestCase {
  /// A deterministic generator (xorshift), for jitter.
  struct Jitter {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> Double {
      state ^= state << 13; state ^= state >> 7; state ^= state << 17
      return Double(state % 10_000) / 10_000
    }
  }

  /// GOPs of `gop` frames, IPPP (pts = frame number): a keyframe of 20 kB, then P frames
  /// of `size(frame)` bytes.
  func stream(frames: Int, gop: Int = 50, size: (Int) -> Int) -> [PacketActivity.Packet] {
    (0..<frames).map { f in PacketActivity.Packet(pts: Int64(f), size: f % gop == 0 ? 20_000 : size(f), isKey: f % gop == 0) }
  }

  func plan(_ packets: [PacketActivity.Packet], gop: Int = 50) -> (PacketActivity, IdleSkipPlan) {
    let gops = stride(from: 0, to: packets.count, by: gop).map { $0..<min($0 + gop, packets.count) }
    let activity = PacketActivity(packets: packets, gopOf: packets.map { Int($0.pts) / gop }, gops: gops.count)
    return (activity, IdleSkipPlan(activity: activity, gops: gops, frameDuration: 0.04))
  }

  func activeGOPs(_ a: PacketActivity) -> [Int] { a.active.enumerated().filter { $0.element }.map(\.offset) }

  func testIdleFootageIsIdleAfterItsBaselineIsLearnt() {
    var jitter = Jitter()
    // P frames of 400-460 bytes, ±40 % more at random on one frame in ten (grain).
    let (activity, plan) = plan(stream(frames: 1000) { _ in
      let u = jitter.next()
      return 400 + Int(u * 60) + (u > 0.9 ? 160 : 0)
    })
    XCTAssertEqual(activeGOPs(activity), [0, 1], "only the GOPs the baseline is learnt on")
    XCTAssertFalse(activity.constantBitrate)
    XCTAssertNil(plan.fallback)
    // GOPs 0, 1 (the start) and 2 (after it) are decoded; all others may be skipped.
    XCTAssertEqual(plan.decode, [true, true, true] + [Bool](repeating: false, count: 17))
    XCTAssertEqual(plan.candidates, 17)
  }

  func testABurstIsActiveAndDecodedWithContextBeforeAndAGOPAfter() {
    var jitter = Jitter()
    let burst = 520..<580   // 30 frames of GOP 10, 30 of GOP 11
    let (activity, plan) = plan(stream(frames: 1000) { f in (burst.contains(f) ? 600 : 400) + Int(jitter.next() * 60) })
    XCTAssertEqual(activeGOPs(activity), [0, 1, 10, 11], "and none after it: the burst did not join the baseline")
    // 2 s of context = GOP 9 (50 frames at 25 fps); GOP 12 after it.
    XCTAssertEqual(plan.decode.enumerated().filter { $0.element }.map(\.offset), [0, 1, 2, 9, 10, 11, 12])
  }

  func testAChangedKeyframeIsActive() {
    var packets = stream(frames: 500) { _ in 400 }
    packets[300].size = 30_000
    let a = PacketActivity(packets: packets, gopOf: packets.map { Int($0.pts) / 50 }, gops: 10)
    XCTAssertEqual(activeGOPs(a), [0, 1, 6])
  }

  /// Night footage: every inter frame is large and its size swings with the grain, from GOP
  /// to GOP too (here a GOP's mean moves by up to ±40 %): GOPs keep leaving the baseline,
  /// too few could be skipped, and nothing is.
  func testNoisyFootageSkipsNothing() {
    var jitter = Jitter()
    var gopLevel = 1.0
    let (activity, plan) = plan(stream(frames: 1500) { f in
      if f % 50 == 1 { gopLevel = 0.6 + 0.8 * jitter.next() }
      return Int(3000 * gopLevel * (0.7 + 0.6 * jitter.next()))
    })
    XCTAssertGreaterThanOrEqual(activeGOPs(activity).count, 29)
    XCTAssertNotNil(plan.fallback)
    XCTAssertEqual(plan.candidates, 0)
  }

  /// A CBR encoder: every P frame within 2 % of one size whatever happens (the burst is in
  /// the quantiser, not in the size): packet sizes cannot show activity, nothing is skipped.
  func testConstantBitrateFallsBackToDecodingEverything() {
    var jitter = Jitter()
    let (activity, plan) = plan(stream(frames: 1000) { _ in 5000 + Int(jitter.next() * 100) })
    XCTAssertTrue(activity.constantBitrate)
    XCTAssertEqual(plan.fallback, "constant bitrate")
    XCTAssertEqual(plan.candidates, 0)
    XCTAssertTrue(plan.decode.allSatisfy { $0 })
  }

  /// B frames: a pyramid's P, reference B and plain Bs have baselines of their own; motion
  /// that shows in the cheap Bs only (+50 %, under the P frames' grain) is found.
  func testFrameTypesHaveTheirOwnBaselines() {
    // Decode order per mini-GOP of 4: P(4), B(2), B(1), B(3), as x264's b-pyramid writes
    // it; a GOP of 48 frames (12 mini-GOPs), keyframe first.
    var packets: [PacketActivity.Packet] = []
    var jitter = Jitter()
    for g in 0..<12 {
      let key = Int64(g * 48)
      packets.append(PacketActivity.Packet(pts: key, size: 20_000, isKey: true))
      for m in 0..<12 {
        let base = key + Int64(m * 4)
        for (offset, size) in [(4, 1800), (2, 240), (1, 130), (3, 130)] where base + Int64(offset) < key + 48 {
          let grow = g == 8 && offset != 4 ? size / 2 : 0
          let grain = offset == 4 ? Int(jitter.next() * 1000) : Int(jitter.next() * 20)
          packets.append(PacketActivity.Packet(pts: base + Int64(offset), size: size + grow + grain, isKey: false))
        }
      }
    }
    let a = PacketActivity(packets: packets, gopOf: packets.map { Int($0.pts) / 48 }, gops: 12)
    XCTAssertEqual(activeGOPs(a), [0, 1, 8])
  }
}
