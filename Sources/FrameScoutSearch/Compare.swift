import FrameScoutCore
import FrameScoutMedia

/// Thresholds of `FootageComparison`.
public struct CompareSettings: Sendable {
  /// Grid change to the previous frame that makes a frame informative for alignment (a
  /// static frame matches any other static frame of the scene, so it cannot place B on A).
  public var minimumMotion: Float = 0.012
  /// Normalised-grid distance above which two aligned frames are different pictures; when
  /// fewer than half of B's moving frames match A (at the offset or re-aligned), the
  /// footage is different.
  public var differenceMinimum: Float = 0.04
  public init() {}
}

extension CompareSettings: EngineSettings {
  public func validate() throws(SettingError) {
    try SettingCheck.within(Double(minimumMotion), 0...1, "minimum_motion")
    try SettingCheck.within(Double(differenceMinimum), 0...2, "difference_minimum")
  }

  /// The thresholds as `compare --json` states them.
  public var parameters: [(String, JSONValue)] {
    [("minimum_motion", .double(Double(minimumMotion))), ("difference_minimum", .double(Double(differenceMinimum)))]
  }
}

public enum CompareVerdict: String, Sendable {
  case identicalStream = "identical-stream", sameContent = "same-content", overlap, different
}

/// Frames `start`…`end` of one file, with their times.
public struct FrameSpan: Sendable, Hashable {
  public var start: TimePoint
  public var end: TimePoint
  public init(start: TimePoint, end: TimePoint) {
    self.start = start
    self.end = end
  }
  public var frames: ClosedRange<Int> { start.frame...end.frame }
}

extension FingerprintStream {
  /// Frames `r` of this stream with their times.
  public func span(_ r: ClosedRange<Int>) -> FrameSpan { FrameSpan(start: point(r.lowerBound), end: point(r.upperBound)) }
}

/// Where A and B disagree within their overlap: a run of B frames (with the A frames at the
/// same time) whose pictures differ or that match A only at another offset, or frames of
/// one file with no counterpart in the other.
public struct ComparisonDifference: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// The aligned pictures differ.
    case picturesDiffer
    /// B frames with no A frame at their time.
    case noFrameOfA
    /// A frames no B frame corresponds to (frames missing in B).
    case noFrameOfB
    /// B frames that match A `shift` frames later (positive) or earlier than the rest of B
    /// does, at offset `offset`: frames out of place (removed or added before them).
    case shifted(shift: Int, offset: Int)
  }

  public var kind: Kind
  public var a: FrameSpan?
  public var b: FrameSpan?
  /// The largest grid distance of the run's aligned pictures (for a shifted run, its mean
  /// distance at its own offset; 0 for frames without counterpart).
  public var distance: Double
  /// A side-by-side picture of the run's first frames (A left, B right), when written.
  public var thumbnail: String?

  public init(kind: Kind, a: FrameSpan?, b: FrameSpan?, distance: Double, thumbnail: String? = nil) {
    self.kind = kind
    self.a = a
    self.b = b
    self.distance = distance
    self.thumbnail = thumbnail
  }

  /// The difference in words.
  public var what: String {
    switch kind {
    case .picturesDiffer: "pictures differ"
    case .noFrameOfA: "no frame of A at this time"
    case .noFrameOfB: "no frame of B at this time"
    case .shifted(let shift, let offset):
      "matches A \(abs(shift)) frame\(abs(shift) == 1 ? "" : "s") \(shift > 0 ? "later" : "earlier") than the rest of B (offset \(offset))"
    }
  }
}

/// The answer to "is B the same footage as A?".
public struct Comparison: Sendable {
  public var verdict: CompareVerdict
  /// B's frame 0 on A's timeline, in A's frames and in seconds.
  public var offsetFrames: Int
  public var offsetSeconds: Double
  /// No motion to align on (or several offsets fit as well): the offset is a guess.
  public var ambiguous: Bool
  /// Frames of A and of B that correspond (first...last), nil when nothing aligns.
  public var overlapA: FrameSpan?
  public var overlapB: FrameSpan?
  /// Where they disagree within the overlap, in A's order.
  public var differences: [ComparisonDifference]
  /// Mean grid distance of aligned moving frames, and how many there were.
  public var alignmentDistance: Double
  public var alignedMovingFrames: Int
  public var threshold: Double

  /// Nothing aligns (an empty file, or no offset fits).
  static func unaligned(offsetFrames: Int = 0, offsetSeconds: Double = 0, distance: Double = 0, threshold: Double = 0) -> Comparison {
    Comparison(verdict: .different, offsetFrames: offsetFrames, offsetSeconds: offsetSeconds, ambiguous: true, overlapA: nil,
               overlapB: nil, differences: [], alignmentDistance: distance, alignedMovingFrames: 0, threshold: threshold)
  }
}

/// Compares two fingerprint streams: identical decoded frames, or the time offset that
/// aligns them (to the frame, by time so 25 and 30 fps copies align), what overlaps, and
/// which aligned frames differ. In four steps: alignment (`ComparisonAlignment`), overlap
/// (`ComparisonPairing`), differences, verdict.
public struct FootageComparison {
  public let settings: CompareSettings
  public init(settings: CompareSettings = CompareSettings()) { self.settings = settings }

  public func compare(_ a: FingerprintStream, _ b: FingerprintStream) -> Comparison {
    if a.count == b.count && a.count > 0 && a.contentHash == b.contentHash {
      return Comparison(verdict: .identicalStream, offsetFrames: 0, offsetSeconds: 0, ambiguous: false,
                        overlapA: a.span(0...(a.count - 1)), overlapB: b.span(0...(b.count - 1)), differences: [],
                        alignmentDistance: 0, alignedMovingFrames: a.count, threshold: 0)
    }
    guard a.count > 0, b.count > 0 else { return .unaligned() }
    let alignment = ComparisonAlignment(a, b, settings: settings)
    guard let (found, ambiguous) = alignment.align() else { return .unaligned() }
    // Same frames after re-encoding, resizing or a frame-rate change sit 0.005–0.009 apart
    // on TestVideos; a walking person one frame on, 0.02–0.035; unrelated footage, 0.12.
    let threshold = settings.differenceMinimum
    let pairing = ComparisonPairing(alignment, offset: found.offset, threshold: threshold)
    let offsetSeconds = Double(found.offset) * alignment.interval
    guard let overlapB = pairing.overlapB, let overlapA = pairing.overlapA else {
      return .unaligned(offsetFrames: found.offset, offsetSeconds: offsetSeconds, distance: found.distance, threshold: Double(threshold))
    }
    var runs = pairing.differingRuns(in: overlapB) + pairing.unmatchedA(in: overlapA, alignment)
    let realigned = alignment.realign(&runs, at: found.offset, threshold: threshold)
    runs.sort { ($0.a?.lowerBound ?? pairing.pairedA[$0.b!.lowerBound] ?? 0) < ($1.a?.lowerBound ?? pairing.pairedA[$1.b!.lowerBound] ?? 0) }
    let verdict = pairing.verdict(moving: alignment.moving, realigned: realigned.count, overlapA: overlapA, overlapB: overlapB,
                                  differences: runs.count)
    return Comparison(verdict: verdict, offsetFrames: found.offset, offsetSeconds: offsetSeconds, ambiguous: ambiguous,
                      overlapA: a.span(overlapA), overlapB: b.span(overlapB),
                      differences: verdict == .different ? [] : runs.map { $0.difference(a, b) },
                      alignmentDistance: found.distance, alignedMovingFrames: found.frames, threshold: Double(threshold))
  }
}

/// A difference while the comparison works on frame numbers.
struct DifferenceRun {
  var kind: ComparisonDifference.Kind
  var a: ClosedRange<Int>?
  var b: ClosedRange<Int>?
  var distance: Double

  func difference(_ sa: FingerprintStream, _ sb: FingerprintStream) -> ComparisonDifference {
    ComparisonDifference(kind: kind, a: a.map(sa.span), b: b.map(sb.span), distance: distance)
  }
}

/// Evenly spread `m` of `v` (all of them when there are no more).
func sample(_ v: [Int], _ m: Int) -> [Int] { v.count <= m ? v : (0..<m).map { v[$0 * v.count / m] } }
