import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch

/// What a scan found: its motion events and the run's facts, and every way of writing them
/// (JSON here; text and CSV in ScanReport+Text.swift; thumbnails and clips in
/// ScanReport+Media.swift).
public struct ScanReport: JobReport {
  public static let command = "scan"
  public let settings: ScanSettings
  public let geometry: ScanGeometry
  public let timeline: Timeline
  public var events: [MotionEvent]
  public let framesDecoded: Int
  public let framesAnalysed: Int
  /// What idle skipping did, a file each (empty with `decode_all`).
  public let skipping: [FileSkipping]
  /// Frames on which a global lighting change was compensated.
  public let lightingCorrections: Int
  /// Timeline seconds scanned (end of the last frame read minus the start).
  public let duration: Double
  public var warnings: [Warning]
  /// The `inputs` block (empty when the job did not record them).
  public let inputs: [InputRecord]

  public init(settings: ScanSettings, geometry: ScanGeometry, timeline: Timeline, result: ScanResult, inputs: [InputRecord]) {
    self.settings = settings
    self.geometry = geometry
    self.timeline = timeline
    events = result.events
    framesDecoded = result.framesDecoded
    framesAnalysed = result.framesAnalysed
    skipping = result.skipping
    lightingCorrections = result.lightingCorrections
    duration = result.duration
    warnings = result.warnings.map { Warning(file: $0.file, message: $0.message) }
    self.inputs = inputs
  }

  public var json: JSONValue {
    Self.document(
      parameters: settings.parameters(on: geometry), inputs: inputs, events: events.map(\.json),
      extra: [("scanned", .object([("frames_decoded", .int(framesDecoded)), ("frames_analysed", .int(framesAnalysed)),
                                   ("seconds", .double(JSONValue.rounded(duration, 3))),
                                   ("lighting_corrections", .int(lightingCorrections)),
                                   ("frames_skipped", .int(skipping.reduce(0) { $0 + $1.framesSkipped })),
                                   ("skipping", .array(skipping.map(\.json)))]))],
      warnings: warnings)
  }
}

extension FileSkipping {
  /// `{"file", "gops", "gops_skipped", "frames_skipped", "fallback"}`.
  var json: JSONValue {
    .object([("file", .string(file)), ("gops", .int(gops)), ("gops_skipped", .int(gopsSkipped)),
             ("frames_skipped", .int(framesSkipped)), ("fallback", .optional(fallback))])
  }
}
