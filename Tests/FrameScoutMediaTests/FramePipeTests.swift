import FrameScoutCore
@testable import FrameScoutMedia
import Foundation
import XCTest

/// The hand-offs between decoding and analysing threads: every frame arrives once, in order,
/// with its own pixels, whatever the number of buffers; a producer's error arrives after
/// the frames it sent.
final class FramePipeTests: XCTestCase {
  struct Broken: Error {}

  /// Frames whose every pixel is their number (mod 256), sent on the pipe's thread.
  static func send(_ count: Int, into pipe: FramePipe<Int>) {
    var pixels = [UInt8](repeating: 0, count: pipe.width * pipe.height)
    for k in 0..<count {
      for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: k) }
      pixels.withUnsafeBufferPointer { p in
        pipe.send(GrayView(base: p.baseAddress!, width: pipe.width, height: pipe.height, stride: pipe.width), k)
      }
    }
  }

  func testFramesArriveInOrderWithTheirPixels() throws {
    for slots in [1, 2, 8] {
      var seen: [Int] = []
      let sent = try FramePipe<Int>.run(slots: slots, width: 17, height: 5, produce: { pipe in
        Self.send(1000, into: pipe)
        return 1000
      }) { gray, tag in
        XCTAssertTrue((0..<gray.height).allSatisfy { y in gray.row(y).allSatisfy { $0 == UInt8(truncatingIfNeeded: tag) } }, "frame \(tag)")
        seen.append(tag)
      }
      XCTAssertEqual(sent, 1000)
      XCTAssertEqual(seen, Array(0..<1000), "\(slots) slots")
    }
  }

  /// A stream whose picture size changes mid-way (audit's fingerprints send every frame):
  /// frames of another size than the pipe's arrive whole, in order, at their own size.
  func testFramesOfAnotherSizeArriveAtTheirSize() throws {
    let sizes = (0..<60).map { k in k < 20 ? (17, 5) : k < 40 ? (33, 9) : (4, 3) }
    var seen: [(Int, Int, Int)] = []
    _ = try FramePipe<Int>.run(slots: 3, width: 17, height: 5, produce: { pipe in
      for (k, (w, h)) in sizes.enumerated() {
        let pixels = [UInt8](repeating: UInt8(k), count: w * h)
        pixels.withUnsafeBufferPointer { pipe.send(GrayView(base: $0.baseAddress!, width: w, height: h, stride: w), k) }
      }
      return 0
    }) { gray, tag in
      XCTAssertTrue((0..<gray.height).allSatisfy { y in gray.row(y).allSatisfy { $0 == UInt8(tag) } }, "frame \(tag)")
      seen.append((tag, gray.width, gray.height))
    }
    XCTAssertEqual(seen.map(\.0), Array(0..<60))
    XCTAssertTrue(zip(seen, sizes).allSatisfy { $0.1 == $1.0 && $0.2 == $1.1 })
  }

  func testProducerErrorComesAfterItsFrames() {
    var seen = 0
    XCTAssertThrowsError(try FramePipe<Int>.run(slots: 3, width: 8, height: 8, produce: { pipe -> Int in
      Self.send(20, into: pipe)
      throw Broken()
    }) { _, _ in seen += 1 }) { XCTAssertTrue($0 is Broken) }
    XCTAssertEqual(seen, 20)
  }

  func testChannelMovesValuesInOrderAndCloses() {
    let channel = Channel<Int>(capacity: 2)
    let producer = Thread {
      for k in 0..<100 { channel.send(k) }
      channel.close()
    }
    producer.start()
    var got: [Int] = []
    while let k = channel.receive() { got.append(k) }
    XCTAssertEqual(got, Array(0..<100))
    XCTAssertNil(channel.receive())
  }
}

/// Decoding in keyframe chunks on several threads lends the same frames, with the same
/// numbers, times and pixels, in the same order, as one decoder from the start.
final class ChunkedDecoderTests: XCTestCase {
  struct Frame: Equatable { var number: Int; var time: Double; var hash: UInt64 }

  func hash(_ g: GrayView) -> UInt64 {
    var h: UInt64 = 1469598103934665603
    for y in 0..<g.height { for b in g.row(y) { h = (h ^ UInt64(b)) &* 1099511628211 } }
    return h
  }

  func testChunksGiveTheFramesOfOneStream() throws {
    for name in ["passerby.mp4", "bag_left.mp4", "frame_index.mp4"] {
      let path = try clip(name)
      let info = try VideoDecoder(path: path, options: DecodeOptions(analysisWidth: nil)).info
      let plan = try XCTUnwrap(ChunkPlan.make(path: path, info: info, options: OpenOptions(), minimumFrames: 40), name)
      XCTAssertGreaterThanOrEqual(plan.chunks.count, 3, name)
      XCTAssertEqual(plan.chunks.first?.lowerBound, 0)
      XCTAssertEqual(plan.chunks.last?.upperBound, plan.table.count)
      let one = try VideoDecoder(path: path, options: DecodeOptions(threads: 1, analysisWidth: 160))
      var expected: [Frame] = []
      var size = (0, 0)
      try one.forEachFrame { f in
        if let g = f.gray { expected.append(Frame(number: f.index, time: f.time, hash: hash(g))); size = (g.width, g.height) }
        return .next
      }
      var got: [Frame] = []
      let decoder = ChunkedDecoder(path: path, plan: plan, options: OpenOptions(), width: size.0, height: size.1, decoders: 3)
      let r = try decoder.run { g, n, t in got.append(Frame(number: n, time: t, hash: hash(g))) }
      XCTAssertEqual(r.frames, expected.count, name)
      XCTAssertEqual(got, expected, name)
    }
  }

  func testOneStreamFormatsHaveNoPlan() throws {
    for name in ["passerby.ts", "parcel_taken.h264", "mjpeg.avi"] {
      let path = try clip(name)
      let info = try VideoDecoder(path: path, options: DecodeOptions(analysisWidth: nil)).info
      XCTAssertNil(try ChunkPlan.make(path: path, info: info, options: OpenOptions(), minimumFrames: 40), name)
    }
  }
}
