@testable import FrameScoutMedia
import XCTest

/// The limits that stop a hostile file from taking the machine (issue 21, item 5).
final class InputLimitsTests: XCTestCase {
  func testDeclaredFrameSizeIsHeldToTheLimits() {
    let cases: [(Int, Int, Int, Bool)] = [   // width, height, pixel limit, refused
      (640, 360, InputLimits.defaultMaxFramePixels, false),
      (8192, 4320, InputLimits.defaultMaxFramePixels, false),
      (8192, 4321, InputLimits.defaultMaxFramePixels, true),
      (16384, 16384, InputLimits.defaultMaxFramePixels, true),
      (16384, 16384, Int.max, false),
      (16385, 1, Int.max, true),
      (1, 16385, Int.max, true),
      (1, 1, InputLimits.defaultMaxFramePixels, false),
      (0, 0, InputLimits.defaultMaxFramePixels, false),   // not declared: the decoder's max_pixels holds the frames
    ]
    for (w, h, limit, refused) in cases {
      XCTAssertEqual(InputLimits.frameSizeRefusal(width: w, height: h, maxPixels: limit) != nil, refused, "\(w)x\(h) limit \(limit)")
    }
    XCTAssertEqual(InputLimits.frameSizeRefusal(width: 16384, height: 16384, maxPixels: InputLimits.defaultMaxFramePixels),
                   "the stream declares 16384x16384 pixels, more than the limit of 35389440 (FRAMESCOUT_MAX_FRAME_PIXELS)")
  }

  func testDecoderThreadsAreCapped() {
    XCTAssertEqual(InputLimits.decoderThreads(0, cores: 2), 2)
    XCTAssertEqual(InputLimits.decoderThreads(0, cores: 64), 16)
    XCTAssertEqual(InputLimits.decoderThreads(3, cores: 64), 3)
    XCTAssertEqual(InputLimits.decoderThreads(1000, cores: 2), 16)
  }

  func testDeclaredFrameCountReservesABoundedAmount() {
    XCTAssertEqual(InputLimits.frameReservation(declared: nil), 16)
    XCTAssertEqual(InputLimits.frameReservation(declared: 300), 316)
    XCTAssertEqual(InputLimits.frameReservation(declared: 0x7FFF_FFF0), InputLimits.maxReservedFrames + 16)
    XCTAssertEqual(InputLimits.frameReservation(declared: -5), 16)
  }
}
