import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find the exact frame where an object in a region appears, disappears or changes.",
    discussion: """
      Several FILEs are one timeline in the given order (one camera's hourly files).
      Coarse-to-fine: the region is compared at keyframes (decoding nothing else), and only
      the interval where its stable state changed is decoded frame by frame. --exhaustive
      decodes every frame with the same rule and gives the same events.
      A state counts when it lasts --hold: a person walking past or standing briefly in
      front of the region is no event; lighting changes and noise are no event.
      """)

  @Argument(help: "Video files of one camera, in time order.") var files: [String]
  @Option(help: "The region to watch: x,y,w,h in source pixels (or with %), or a polygon x1,y1;x2,y2;… (its bounding box is used).")
  var roi: String
  @Option(help: "How long a new state must last to count (3s, 1.5, 00:00:05).") var hold = "5s"
  @Option(help: "Signature distance 0–1 above which the region has changed.") var threshold = 0.2
  @Option(help: "Coarse mode: seconds between sampled keyframes (default: --hold).") var step: String?
  @Option(help: "Search from this time on the timeline (seconds, HH:MM:SS, #frame).") var from: TimeSpec?
  @Option(help: "Search up to this time on the timeline.") var to: TimeSpec?
  @Flag(help: "Decode every frame (slow; same rule, proves the coarse answer).") var exhaustive = false
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write before/after JPEGs of each event into this folder.") var thumbnails: String?
  @Option(help: "Write every sample's signature distance to the current state as CSV (file, frame, time, timeline, distance, threshold, sample).")
  var stats: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  var holdSeconds: Double? { parseDuration(hold) }
  var stepSeconds: Double? { step.flatMap(parseDuration) }

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    guard let h = holdSeconds, (0.2...600).contains(h) else { throw ValidationError("--hold '\(hold)' must be a duration from 0.2 s to 600 s") }
    if let step { guard let s = parseDuration(step), (0.04...600).contains(s) else { throw ValidationError("--step '\(step)' must be a duration from 0.04 s to 600 s") } }
    if !(threshold > 0 && threshold < 1) { throw ValidationError("--threshold must be between 0 and 1") }
    if threads < 0 { throw ValidationError("--threads must be 0 or more") }
    do { _ = try RegionSpec(parsing: roi) } catch { throw ValidationError("--roi: \(error)") }
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
    if let stats { try checkOutput(stats, inputs: files) }
  }

  func run() throws {
    var settings = WatchSettings(region: try RegionSpec(parsing: roi))
    settings.hold = holdSeconds!
    settings.threshold = threshold
    settings.step = stepSeconds
    settings.exhaustive = exhaustive
    settings.threads = threads
    settings.open = input.open
    // Check the region against the first file before any decoding.
    let first = try VideoDecoder(path: files[0], options: DecodeOptions(open: input.open, analysisWidth: nil)).info
    let region = try resolveRegion(settings.region, option: "--roi", frameWidth: first.width, frameHeight: first.height,
                                   minimum: 8, why: "to compare")
    (settings.from, settings.to) = try timeWindow(from: from, to: to, clock: first.clock(userRate: input.fps))

    let watcher = try RegionWatcher(paths: files, settings: settings)
    let statsWriter = try stats.map { try CSVWriter(path: $0, header: "file,frame,time,timeline,distance,threshold,sample") }
    if let statsWriter {
      watcher.onSample = { [files] pos, distance, coarse in
        statsWriter.line(String(format: "%@,%d,%.6f,%.6f,%.4f,%.4f,%@", csvField(files[pos.file]), pos.frame, pos.time, pos.timeline,
                                distance, watcher.threshold, coarse ? "keyframe" : "frame"))
      }
    }
    let started = DispatchTime.now().uptimeNanoseconds
    var result = try watcher.run()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    try statsWriter?.commit()
    if let dir = thumbnails { try writeThumbnails(&result, dir: dir, region: region.bounds) }

    if json {
      let parameters: [(String, JSONValue)] = [
        ("roi", .array([.rect(region.bounds)])), ("roi_spec", .string(roi)), ("hold", .double(settings.hold)),
        ("threshold", .double(settings.threshold)), ("mode", .string(result.mode)),
        ("step", exhaustive ? .null : .double(settings.effectiveStep)),
        ("from", .optional(settings.from)), ("to", .optional(settings.to)),
        ("stream", .optional(input.stream)), ("format", .optional(input.format)), ("fps", .optional(input.fps)),
      ]
      let inputs = try inputsJSON(watcher.entries)
      let doc = Envelope.make(
        toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "watch", parameters: parameters,
        inputs: inputs, events: result.events.map(JSONValue.event), warnings: result.warnings,
        extra: [("sampling", .object([("mode", .string(result.mode)), ("guarantee", .string(result.guarantee)),
                                      ("keyframes_sampled", .int(result.keyframesSampled)),
                                      ("noise_distance", .double(JSONValue.rounded(result.noiseDistance, 4))),
                                      ("threshold_used", .double(JSONValue.rounded(result.effectiveThreshold, 4))),
                                      ("frames_decoded", .int(result.framesDecoded)), ("dense_runs", .int(result.denseRuns))]))])
      print(doc.serialized(), terminator: "")
    } else {
      print("watching \(region.bounds) (x,y,w,h) in \(files.count) file\(files.count == 1 ? "" : "s"), \(result.mode), hold \(format(settings.hold)) s")
      if result.events.isEmpty { print("no change of the region") }
      for e in result.events {
        var line = e.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
          + "#\(e.start.frame)".padding(toLength: 9, withPad: " ", startingAt: 0)
          + e.start.timecode + String(format: "  distance %.2f  ", e.score) + e.file
        if case .integer(let seen)? = e.details.first(where: { $0.name == "previous_state_last_seen" })?.value,
           case .number(let t)? = e.details.first(where: { $0.name == "previous_state_last_seen_time" })?.value, seen < e.start.frame - 1 {
          line += "  (previous state last seen #\(seen) \(Timecode.format(t)); hidden in between)"
        }
        if files.count > 1, let t = e.details.first(where: { $0.name == "timeline_time" }), case .number(let v) = t.value {
          line += "  (timeline \(Timecode.format(v)))"
        }
        for t in e.thumbnails { line += "\n    \(t.role): \(t.path)" }
        print(line)
      }
      print(String(format: "%d keyframes sampled, %d frames decoded, %.2f s (%.0fx realtime)", result.keyframesSampled,
                   result.framesDecoded, elapsed, elapsed > 0 ? result.duration / elapsed : 0))
      print(String(format: "threshold %.2f (region noise %.2f)", result.effectiveThreshold, result.noiseDistance))
      print("guarantee: \(result.guarantee)")
    }
    for w in result.warnings { printError("\(w.file): warning: \(w.message)") }
  }

  /// Before/after frames in colour with the region outlined, named FILE-FRAME-before/after.jpg.
  func writeThumbnails(_ result: inout WatchResult, dir: String, region: PixelRect) throws {
    try Thumbnails.watch(&result, paths: files, dir: dir, region: region, open: input.open) { pos, role in
      URL(fileURLWithPath: files[pos.file]).deletingPathExtension().lastPathComponent + "-\(pos.frame)-\(role).jpg"
    }
  }

  func watchFile(for index: Int) -> String { files[index] }
}

/// An output folder: an existing folder, or a path whose parent exists (it is created
/// only when there is something to write), and never an input file.
func checkFolder(_ dir: String, inputs: [String]) throws {
  var isDir: ObjCBool = false
  if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
    if !isDir.boolValue { throw ValidationError("\(dir) exists and is not a folder") }
    return
  }
  let parent = URL(fileURLWithPath: dir).deletingLastPathComponent().path
  if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDir) || !isDir.boolValue {
    throw ValidationError("the folder \(parent) (for \(dir)) does not exist")
  }
}

func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String((v * 100).rounded() / 100) }
