import FrameScoutCore
import FrameScoutMedia
@testable import FrameScoutSearch
import Foundation
import XCTest

/// `FootageComparison` on every pair the truth files define: the right verdict and the
/// exact offset (in A's frames), both ways round.
final class CompareTests: XCTestCase {
  func compare(_ a: String, _ b: String) throws -> Comparison {
    FootageComparison().compare(try Fingerprints.stream(a), try Fingerprints.stream(b))
  }

  func testCopiesGiveTheirVerdictAndExactOffset() throws {
    var pairs = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: Fingerprints.videos.path).sorted() where name.hasSuffix(".truth.json") {
      let clip = String(name.dropLast(".truth.json".count))
      guard let copy = try Fingerprints.truth(clip)["copy_of"] as? [String: Any] else { continue }
      let source = copy["clip"] as! String, offset = copy["offset_frames"] as! Int, verdict = copy["verdict"] as! String
      let r = try compare(source, clip)
      XCTAssertEqual(r.verdict.rawValue, verdict, "\(source) vs \(clip)")
      XCTAssertEqual(r.offsetFrames, offset, "\(source) vs \(clip)")
      XCTAssertFalse(r.ambiguous, "\(source) vs \(clip)")
      XCTAssertEqual(r.differences.count, 0, "\(source) vs \(clip): \(r.differences.map { "\($0.a.map { "\($0.frames)" } ?? "-") \($0.b.map { "\($0.frames)" } ?? "-")" })")
      // The other way round: A's frame 0 on B's timeline, in B's frames.
      let back = try compare(clip, source)
      XCTAssertEqual(back.verdict.rawValue, verdict, "\(clip) vs \(source)")
      let fpsB = try Fingerprints.stream(clip).frameRate, fpsA = try Fingerprints.stream(source).frameRate
      XCTAssertEqual(back.offsetFrames, -Int((Double(offset) * fpsB / fpsA).rounded()), "\(clip) vs \(source)")
      pairs += 1
    }
    XCTAssertGreaterThanOrEqual(pairs, 4, "re-encoded, resized, 30 fps and trimmed copies")
  }

  func testRemuxAndRawStreamAreIdenticalStreams() throws {
    for (a, b) in [("passerby.mp4", "passerby.ts"), ("parcel_taken.mp4", "parcel_taken.h264"), ("passerby.mp4", "passerby.mp4")] {
      let r = try compare(a, b)
      XCTAssertEqual(r.verdict, .identicalStream, "\(a) vs \(b)")
      XCTAssertEqual(r.offsetFrames, 0)
    }
    XCTAssertNotEqual(try compare("passerby.mp4", "passerby_reencode.mp4").verdict, .identicalStream)
  }

  func testOtherRecordingsAreDifferent() throws {
    for b in ["parcel_taken.mp4", "bag_left.mp4", "osd_clock.mp4", "frame_index.mp4"] {
      XCTAssertEqual(try compare("passerby.mp4", b).verdict, .different, b)
    }
  }

  /// Manipulated copies align at offset 0 and their differences lie where the truth says.
  func testManipulationsShowAsDifferences() throws {
    let splice = try compare("passerby.mp4", "passerby_splice.mp4")
    XCTAssertEqual(splice.verdict, .overlap)
    XCTAssertEqual(splice.offsetFrames, 0)
    XCTAssertEqual(splice.differences.count, 1)
    XCTAssertLessThanOrEqual(abs((splice.differences.first?.b?.start.frame ?? -9) - 140), 1)
    XCTAssertLessThanOrEqual(abs((splice.differences.first?.b?.end.frame ?? -9) - 179), 1)
    let gap = try compare("passerby.mp4", "passerby_gap.mp4")
    XCTAssertEqual(gap.offsetFrames, 0)
    XCTAssertEqual(gap.differences.map { $0.a?.frames }, [150...161], "the removed frames are missing in B")
    let dup = try compare("passerby.mp4", "passerby_dup.mp4")
    XCTAssertEqual(dup.offsetFrames, 0)
    XCTAssertTrue(dup.differences.allSatisfy { d in [130...131, 181...185].contains { $0.overlaps(d.b?.frames ?? -1...(-1)) } },
                  "\(dup.differences.map { $0.b?.frames })")
  }

  /// Frames cut out with renumbered timestamps: B aligns on A in two pieces, 12 frames apart;
  /// the piece before the cut is reported as matching A at the other offset.
  func testCutShowsAsShiftedPiece() throws {
    let r = try compare("passerby.mp4", "passerby_cut.mp4")
    XCTAssertEqual(r.verdict, .overlap)
    XCTAssertEqual(r.offsetFrames, 12, "most moving frames come after the cut")
    let shifted = r.differences.filter { $0.what.contains("12 frames earlier") }
    XCTAssertEqual(shifted.count, 1, "\(r.differences.map { $0.what })")
    XCTAssertLessThanOrEqual(abs((shifted.first?.b?.end.frame ?? -9) - 149), 1, "the piece ends at the cut")
    XCTAssertEqual(shifted.first?.a?.frames, shifted.first?.b?.frames, "before the cut B frame n is A frame n")
  }

  /// A static scene cannot be placed on another: the offset is flagged as ambiguous.
  func testStaticSceneIsAmbiguous() throws {
    XCTAssertTrue(try compare("passerby.mp4", "static.mkv").ambiguous)
  }
}
