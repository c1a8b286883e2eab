import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Find: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find when and where a reference picture (a crop of the object) is visible in footage.",
    discussion: """
      The target is compared by lighting-normalised cross-correlation at every position of
      each sampled frame, at sizes from --scales (relative to the target picture). Frames are
      sampled sparsely (keyframes about --spacing apart, or every --every frames); consecutive
      hits form a range whose start and end are then found frame by frame.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Option(help: "The picture to look for (any image format FFmpeg reads).") var target: String
  @Option(help: "Only look inside this region: x,y,w,h in source pixels or %.") var roi: String?
  @Option(help: "Smallest match score (normalised cross-correlation, 0–1).") var minScore = 0.75
  @Option(help: "Object size in the footage relative to the target picture, as MIN-MAX.") var scales = "0.5-2.0"
  @Option(help: "Sample every N-th frame instead of keyframes.") var every: Int?
  @Option(help: "Seconds between sampled keyframes.") var spacing = 1.0
  @Flag(help: "Match shapes only: do not require the target's colour (e.g. infrared night footage).") var noColour = false
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write a JPEG of each range's best frame with the box drawn into this folder.") var thumbnails: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  var scaleRange: ClosedRange<Double>? {
    let parts = scales.split(separator: "-")
    guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a > 0, b >= a, b <= 8 else { return nil }
    return a...b
  }

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    if scaleRange == nil { throw ValidationError("--scales '\(scales)' must be MIN-MAX with 0 < MIN <= MAX <= 8, e.g. 0.5-2.0") }
    if !(minScore > 0 && minScore < 1) { throw ValidationError("--min-score must be between 0 and 1") }
    if let every, every < 1 { throw ValidationError("--every must be 1 or more") }
    if !(spacing > 0 && spacing <= 600) { throw ValidationError("--spacing must be between 0 and 600 seconds") }
    if let roi { do { _ = try RegionSpec(parsing: roi) } catch { throw ValidationError("--roi: \(error)") } }
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
  }

  func run() throws {
    let (picture, colour) = try StillImage.load(path: target)
    if picture.width < 8 || picture.height < 8 {
      throw MediaError(file: target, kind: .outOfRange, reason: "the target picture is \(picture.width)x\(picture.height): at least 8x8 pixels are needed")
    }
    let stats = picture.withView { RegionStatistics.measure($0) }
    if stats.standardDeviation < 2 {
      throw MediaError(file: target, kind: .outOfRange, reason: "the target picture is blank (no detail to match)")
    }
    var settings = FindSettings()
    settings.minimumScore = minScore
    settings.scales = scaleRange!
    settings.every = every
    settings.keyframeSpacing = spacing
    settings.region = try roi.map { try RegionSpec(parsing: $0) }
    settings.threads = threads
    settings.open = input.open
    settings.targetColour = noColour ? nil : colour
    let finder: ObjectFinder
    do { finder = try ObjectFinder(paths: files, target: picture, settings: settings) }
    catch let e as MediaError where e.kind == .outOfRange { throw ValidationError(e.reason) }
    let started = DispatchTime.now().uptimeNanoseconds
    var result = try finder.run()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    if let dir = thumbnails, !result.events.isEmpty {
      try Thumbnails.makeFolder(dir)
      for (k, b) in result.best.enumerated() {
        let path = files[b.file]
        let grabber = try FrameGrabber(path: path, options: input.open)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let out = (dir as NSString).appendingPathComponent("\(stem)-\(b.frame)-match.jpg")
        let jpeg = try grabber.withFrame(b.frame) { frame, _ in
          var image = frame.rgb()
          let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
          image.strokeRect(PixelRect(x: Int(Double(b.box.x) * sx), y: Int(Double(b.box.y) * sy),
                                     width: Int(Double(b.box.width) * sx), height: Int(Double(b.box.height) * sy)), (40, 255, 40))
          image.drawText("\(Timecode.format(frame.time))  #\(b.frame)  MATCH", x: 6, y: 6, scale: 2)
          return try JPEGEncoder.encode(image, quality: 90)
        }
        try AtomicFile.write(jpeg, to: out)
        result.events[k].thumbnails = [("best", out)]
      }
    }
    if json {
      let digest = try FileDigest.sha256(path: target)
      let doc = Envelope.make(
        toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "find",
        parameters: [("target", .string(target)), ("target_sha256", .string(digest.hex)),
                     ("target_size", .array([.int(picture.width), .int(picture.height)])),
                     ("roi", .optional(roi)), ("min_score", .double(minScore)),
                     ("scales", .array([.double(settings.scales.lowerBound), .double(settings.scales.upperBound)])),
                     ("every", .optional(every)), ("spacing", every == nil ? .double(spacing) : .null),
                     ("analysis_width", .int(finder.analysisWidth)),
                     ("colour", noColour ? .null : .array([.double(JSONValue.rounded(colour.u, 2)), .double(JSONValue.rounded(colour.v, 2))]))],
        inputs: try inputsJSON(finder.entries),
        events: result.events.map(JSONValue.event), warnings: result.warnings,
        extra: [("sampling", .object([("frames_sampled", .int(result.framesSampled)), ("frames_refined", .int(result.framesRefined))]))])
      print(doc.serialized(), terminator: "")
    } else {
      if result.events.isEmpty { print("target not found") }
      for e in result.events {
        var best = ""
        if case .integer(let f)? = e.details.first(where: { $0.name == "best_frame" })?.value { best = "best #\(f)" }
        print("\(e.start.timecode) - \(e.end.timecode)  #\(e.start.frame)-#\(e.end.frame)  score \(String(format: "%.2f", e.score))  box \(e.box.map { "\($0)" } ?? "")  \(best)  \(e.file)")
        for t in e.thumbnails { print("    \(t.role): \(t.path)") }
      }
      print(String(format: "%d frames sampled, %d refined, %.2f s (%.0fx realtime)", result.framesSampled, result.framesRefined,
                   elapsed, elapsed > 0 ? result.duration / elapsed : 0))
    }
    for w in result.warnings { printError("\(w.file): warning: \(w.message)") }
  }
}
