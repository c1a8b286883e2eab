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
    let activity = PacketActivity(packets: packets)
    let gops = stride(from: 0, to: packets.count, by: gop).map { $0..<min($0 + gop, packets.count) }
    return (activity, IdleSkipPlan(activity: activity, packetFrames: packets.map { Int($0.pts) }, gops: gops, frameDuration: 0.04))
  }

  func testIdleFootageIsIdleAfterItsBaselineIsLearnt() {
    var jitter = Jitter()
    let (activity, plan) = plan(stream(frames: 1000) { _ in 400 + Int(jitter.next() * 60) })
    // Only the packets before the P baseline has `warmup` sizes are active.
    XCTAssertEqual(activity.active.enumerated().filter { $0.element }.map(\.offset), [1, 2, 3, 4])
    XCTAssertFalse(activity.constantBitrate)
    XCTAssertNil(plan.fallback)
    // GOP 0 (the start) and GOP 1 (after it) are decoded; all others may be skipped.
    XCTAssertEqual(plan.decode, [true, true] + [Bool](repeating: false, count: 18))
  }

  func testABurstIsActiveAndDecodedWithContextBeforeAndAGOPAfter() {
    var jitter = Jitter()
    let burst = 520..<560
    let (activity, plan) = plan(stream(frames: 1000) { f in (burst.contains(f) ? 900 : 400) + Int(jitter.next() * 60) })
    let active = Set(activity.active.enumerated().filter { $0.element }.map(\.offset))
    XCTAssertTrue(Set(burst).isSubset(of: active), "every frame of the burst")
    XCTAssertEqual(active.subtracting(burst), [1, 2, 3, 4], "and none after it: the burst did not join the baseline")
    // GOP 10 holds the burst; 2 s of context = GOPs 8 and 9; GOP 11 after it.
    XCTAssertEqual(plan.decode.enumerated().filter { $0.element }.map(\.offset), [0, 1, 8, 9, 10, 11])
  }

  func testAChangedKeyframeIsActive() {
    var packets = stream(frames: 500) { _ in 400 }
    packets[300].size = 30_000
    XCTAssertTrue(PacketActivity(packets: packets).active[300])
    XCTAssertFalse(PacketActivity(packets: packets).active[250])
  }

  /// Night footage: every inter frame is large and its size swings with the grain (here
  /// 1–4× a median of 3 kB, heavy-tailed): packets keep leaving the baseline, the GOPs that
  /// could be skipped are too few, and nothing is skipped.
  func testNoisyFootageSkipsNothing() {
    var jitter = Jitter()
    let (_, plan) = plan(stream(frames: 1500) { _ in
      let u = jitter.next()
      return Int(3000 * (u < 0.85 ? 0.6 + u : 1.5 + 12 * (u - 0.85) * (u - 0.85) * 40))
    })
    XCTAssertEqual(plan.fallback, "busy")
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
  /// that shows in the cheap Bs only is found.
  func testFrameTypesHaveTheirOwnBaselines() {
    // Decode order per mini-GOP of 4: P(4), B(2), B(1), B(3), as x264's b-pyramid writes it.
    var packets: [PacketActivity.Packet] = [PacketActivity.Packet(pts: 0, size: 20_000, isKey: true)]
    var jitter = Jitter()
    for m in 0..<100 {
      let base = Int64(m * 4)
      let moving = (60..<70).contains(m)
      for (offset, size) in [(4, 1800), (2, 240), (1, 130), (3, 130)] {
        let grow = moving && offset != 4 ? 70 : 0
        packets.append(PacketActivity.Packet(pts: base + Int64(offset), size: size + grow + Int(jitter.next() * 20), isKey: false))
      }
    }
    let activity = PacketActivity(packets: packets)
    let activeMiniGOPs = Set(activity.active.enumerated().filter { $0.element && $0.offset > 16 }.map { ($0.offset - 1) / 4 })
    XCTAssertEqual(activeMiniGOPs, Set(60..<70))
  }
}
