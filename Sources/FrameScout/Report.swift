import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

/// A note about one input that did not stop the run (an assumed frame rate, damaged data).
public struct Warning: Sendable, Hashable {
  public var file: String
  public var message: String
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }
}

/// A finding as reports write it: DESIGN.md's event object (file, kind, start, end,
/// score, region, box, thumbnails, then the engine's own fields, in a fixed order).
public protocol ReportedFinding: Finding {
  var json: JSONValue { get }
}

/// What a job of the façade returns: its typed findings, and every way of writing them.
/// The command line only chooses which to print; a library caller reads the fields.
public protocol JobReport: Sendable {
  /// The command's name in reports (`scan`, `watch`, …).
  static var command: String { get }
  /// The whole JSON document (DESIGN.md's framescout/1 envelope). Same inputs and
  /// settings give byte-identical text.
  var json: JSONValue { get }
  /// What an investigator reads at a terminal. `elapsed` (seconds the run took, measured
  /// by the caller) adds the speed line; reports themselves carry no wall-clock time.
  func text(elapsed: Double?) -> String
  /// Notes about inputs, in order.
  var warnings: [Warning] { get }
  /// The inputs' records (their wall clocks' warnings are printed with the report's own).
  var inputs: [InputRecord] { get }
}

public extension JobReport {
  var inputs: [InputRecord] { [] }

  /// The report's warnings and its inputs' wall-clock warnings, as text output prints them
  /// (JSON has both in its `warnings`).
  var allWarnings: [Warning] { warnings + WallTimes(inputs).warnings }
  /// The envelope every command writes: schema, tool, command, parameters, inputs, events,
  /// extra blocks, warnings.
  /// Every time point of an event (an object with `frame`, `time` and `timecode`) gets its
  /// file's wall time here, once for every engine (`WallTimes`); the clocks' warnings join
  /// the others.
  static func document(parameters: [(String, JSONValue)], inputs: [InputRecord], events: [JSONValue],
                       extra: [(String, JSONValue)] = [], warnings: [Warning]) -> JSONValue {
    let clocks = WallTimes(inputs)
    return Envelope.make(toolVersion: FrameScoutVersion.string, libraries: FFmpegLibraries.versions, command: command,
                         parameters: parameters, inputs: inputs.map(\.json), events: events.map(clocks.stamp),
                         warnings: (warnings + clocks.warnings).map { (file: $0.file, message: $0.message) }, extra: extra)
  }

  /// The envelope, for a command whose inputs say more than `InputRecord` (probe).
  static func document(parameters: [(String, JSONValue)], inputs: [JSONValue], events: [JSONValue],
                       extra: [(String, JSONValue)] = [], warnings: [Warning]) -> JSONValue {
    Envelope.make(toolVersion: FrameScoutVersion.string, libraries: FFmpegLibraries.versions, command: command,
                  parameters: parameters, inputs: inputs, events: events,
                  warnings: warnings.map { (file: $0.file, message: $0.message) }, extra: extra)
  }
}

/// DESIGN.md's `inputs` entry, built one way for every command: the file (path, SHA-256,
/// size), the stream's facts, its clock's rate, and where known the exact frame count and
/// its place on a timeline of several files.
public struct InputRecord: Sendable {
  public var path: String
  public var sha256: String
  public var bytes: Int
  public var container: String
  public var codec: String
  public var width: Int
  public var height: Int
  /// The clock's rate (see `StreamClock`).
  public var fps: Double
  public var duration: Double?
  /// Only when known exactly (a full pass over the packets or frames).
  public var frames: Int?
  /// Seconds from the start of the first file, for commands over a timeline of files.
  public var timelineOffset: Double?
  /// The file's wall clock, where the command resolved one (nil: not asked; written as
  /// source "none" either way when it has no source).
  public var wallClock: FileClock?

  /// Reads the file once more (read-only) for its SHA-256 and size.
  public init(path: String, info: StreamInfo, clock: StreamClock, duration: Double? = nil, frames: Int? = nil,
              timelineOffset: Double? = nil) throws(MediaError) {
    let digest = try FileDigest.sha256(path: path)
    self.init(path: path, sha256: digest.hex, bytes: digest.bytes, info: info, clock: clock, duration: duration, frames: frames,
              timelineOffset: timelineOffset)
  }

  /// A file whose SHA-256 and size are known already (a batch takes them before and after).
  public init(path: String, sha256: String, bytes: Int, info: StreamInfo, clock: StreamClock, duration: Double? = nil,
              frames: Int? = nil, timelineOffset: Double? = nil) {
    self.path = path
    self.sha256 = sha256
    self.bytes = bytes
    container = info.container
    codec = info.codec
    width = info.width
    height = info.height
    fps = clock.rate
    self.duration = duration ?? info.duration
    self.frames = frames
    self.timelineOffset = timelineOffset
  }

  /// One entry of a timeline.
  public init(_ entry: Timeline.Entry) throws(MediaError) {
    try self.init(path: entry.path, info: entry.info, clock: entry.clock, timelineOffset: entry.offset)
    wallClock = entry.wallClock
  }

  public var json: JSONValue {
    var fields: [(String, JSONValue)] = [
      ("path", .string(path)), ("sha256", .string(sha256)), ("bytes", .int(bytes)),
      ("container", .string(container)), ("codec", .string(codec)), ("width", .int(width)), ("height", .int(height)),
      ("fps", .double(JSONValue.rounded(fps, 6))), ("duration", .optional(duration.map { JSONValue.rounded($0, 6) })),
    ]
    if let frames { fields.append(("frames", .int(frames))) }
    if let timelineOffset { fields.append(("timeline_offset", .double(JSONValue.rounded(timelineOffset, 6)))) }
    fields.append(("clock", WallTimes.json(wallClock, duration: duration)))
    return .object(fields)
  }
}
