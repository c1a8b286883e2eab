import FrameScoutCore
import FrameScoutMedia

/// One observation of `FrameAudit`: where (frames and times of one file), how sure
/// (`confidence`, 0…1), said in words (`message`, an observation, never a conclusion about
/// intent), and the evidence the detector measured, named. The kind follows from the
/// evidence.
public struct AuditFinding: Finding, Hashable {
  public var file: String
  public var start: TimePoint
  public var end: TimePoint
  /// How sure the detector is, 0…1 (the finding's score in reports).
  public var confidence: Double
  public var message: String
  public var evidence: Evidence

  public init(file: String, start: TimePoint, end: TimePoint, confidence: Double, message: String, evidence: Evidence) {
    self.file = file
    self.start = start
    self.end = end
    self.confidence = confidence
    self.message = message
    self.evidence = evidence
  }

  public var kind: EventKind { evidence.kind }
  public var score: Double { confidence }

  /// What each detector measured. Distances and changes are the stream's signals (see
  /// `FingerprintStream`): `change` in grey levels, grid distances in standard deviations
  /// of the grid per cell.
  public enum Evidence: Sendable, Hashable {
    /// A repeated or backward timestamp: the interval to the previous frame (ms, at most 0).
    case timestampStep(intervalMs: Double)
    /// A frame interval longer than `gapFactor` nominal intervals before this frame.
    case timestampGap(previousFrame: Int, intervalMs: Double, missingFrames: Int, contentChange: Double)
    /// More irregular frame intervals than `variableRateFraction` of all of them.
    case variableRate(irregularIntervals: Int)
    /// A run of `frames` frames (nearly) identical to frame `copyOf` while the scene moves
    /// before and after it: their largest change, the change and grid motion before the
    /// run, the motion after it, and the grid jump to the frame after the run.
    case duplicate(copyOf: Int, frames: Int, bitIdentical: Bool, change: Double, changeBefore: Double,
                   motionBefore: Double, motionAfter: Double, jumpAfter: Double)
    /// A run of `frames` frames whose local motion (`FingerprintStream.motion`) drops to the
    /// noise floor while the scene moves before and after: the local motion before, in
    /// (largest) and after the run, and the whole-picture change before and in it.
    case pause(copyOf: Int, frames: Int, bitIdentical: Bool, motionBefore: Double, motionAt: Double, motionAfter: Double,
               changeBefore: Double, changeAt: Double)
    /// The same, lasting at least `freezeSeconds`: a frozen picture.
    case frozen(copyOf: Int, frames: Int, bitIdentical: Bool, motionBefore: Double, motionAt: Double, motionAfter: Double,
                changeBefore: Double, changeAt: Double)
    /// One frame's local motion far above the steady motion before and after it (medians of
    /// the windows), the two-step motion around it, how much of it lies where the previous
    /// frame moved, the frame's median noise threshold (grey levels), and the frames missing
    /// as the two-step ratio tells (an estimate: it saturates once the mover has left its
    /// old place).
    case motionJump(motionBefore: Double, motionAt: Double, motionAfter: Double, twoStepAround: Double, onTrack: Double,
                    noiseThreshold: Int, estimatedMissing: Int, displacement: Displacement?)
    /// How far the moving parts moved at a frame against the steady steps around it
    /// (`CellFlow`, pixels per frame of the analysis picture), and which scale measured it.
    public struct Displacement: Sendable, Hashable {
      public var before: Double, at: Double, after: Double
      public var coarse: Bool
    }
    /// Single repeated frames at a steady spacing: the pattern of a frame-rate conversion.
    case frameRateConversion(period: Int, repeats: Int)
    /// A jump of the normalised grid much larger than the change around it, and the pHash
    /// distance (bits) between the two frames.
    case discontinuity(gridDistance: Double, changeBefore: Double, changeAfter: Double, phashDistance: Int)
    /// The keyframe interval switches from one steady value to another (frames).
    case keyframeInterval(before: Int, after: Int)
    /// A lasting step in keyframe size: the medians of 3 keyframes before and after (bytes).
    case keyframeSize(before: Int, after: Int, ratio: Double)
    /// The picture size or pixel format changes.
    case pictureFormat(width: Int, height: Int, pixelFormat: String)
    /// A run of frames the decoder flagged as decoded with errors.
    case corruptFrames(count: Int)
    /// Packets rejected, read errors or a truncated file, over the whole stream.
    case damage(DamageReport)
    /// The burned-in clock departs from its fit by `seconds` from this frame (`--clock osd`).
    case osdJump(seconds: Double)

    public var kind: EventKind {
      switch self {
      case .timestampStep, .variableRate: .irregularTimestamps
      case .timestampGap: .timestampGap
      case .duplicate, .pause, .frameRateConversion: .duplicateFrame
      case .frozen: .frozenPicture
      case .motionJump: .missingFrames
      case .discontinuity: .discontinuity
      case .keyframeInterval, .keyframeSize, .pictureFormat: .gopChange
      case .corruptFrames, .damage: .corruptData
      case .osdJump: .osdJump
      }
    }
  }
}

extension FingerprintStream {
  /// A finding of this file from frame `a` to frame `b`.
  func finding(_ a: Int, _ b: Int, confidence: Double, _ message: String, _ evidence: AuditFinding.Evidence) -> AuditFinding {
    AuditFinding(file: path, start: point(a), end: point(b), confidence: confidence, message: message, evidence: evidence)
  }
}
