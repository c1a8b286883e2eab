import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Scan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the motion events in footage (what DVR-Scan does).",
    discussion: """
      Several FILEs are one camera's timeline in the given order: an event may run on from
      one file into the next, and a file boundary is never an event.
      Each frame is reduced to --width gray pixels and differenced with the frame 80 ms
      earlier over a 16x9 grid of cells; a pixel counts as changed when its difference is
      over the footage's own noise (measured continuously), and a global lighting change is
      compensated before differencing. The score of a frame is the changed fraction of its
      busiest cell (inside the regions). A run of frames at or over --threshold that lasts
      --min-event is an event; events closer than --merge-gap merge. Start and end are the
      first and last frames with motion; --pre/--post pad the clips and the padded range.
      Regions: x,y,w,h in source pixels (or with %, e.g. 10%,0,50%,100%), or a polygon
      x1,y1;x2,y2;x3,y3. --regions FILE reads one region a line (a line "exclude REGION"
      excludes; # starts a comment).
      """)

  @Argument(help: "Video files of one camera, in time order.") var files: [String]
  @Option(name: .customLong("roi"), help: "Scan only inside this region (repeatable: their union).") var rois: [String] = []
  @Option(name: .customLong("exclude"), help: "Ignore this region, e.g. a burned-in clock or a swaying tree (repeatable).")
  var excludes: [String] = []
  @Option(name: .customLong("regions"), help: "A file with one region a line; 'exclude REGION' lines exclude.") var regionFile: String?
  @Option(help: "Motion score 0–1 (changed fraction of the busiest grid cell) that counts as motion (default \(ScanSettings.defaultThreshold)).")
  var threshold: Double?
  @Option(help: "Shortest motion that is an event.") var minEvent = "1s"
  @Option(help: "Events closer than this are merged.") var mergeGap = "2s"
  @Option(help: "Padding before an event (clips, padded range).") var pre = "1.5s"
  @Option(help: "Padding after an event.") var post = "2s"
  @Option(help: "Analysis width in pixels.") var width = 320
  @Option(help: "Analyse every N-th frame.") var every = 1
  @Option(help: "Scan from this time on the timeline (seconds, HH:MM:SS, #frame).") var from: TimeSpec?
  @Option(help: "Scan up to this time on the timeline.") var to: TimeSpec?
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Flag(help: "Write CSV, one row per event.") var csv = false
  @Option(help: "Write a JPEG of each event's peak frame, motion box drawn, into this folder.") var thumbnails: String?
  @Option(help: "Write each event as its own video file (stream copy, from the keyframe at or before the padded start) into this folder.")
  var clips: String?
  @Option(help: "Write every analysed frame's score as CSV (file, frame, time, timeline, score, threshold, pixel_threshold, lighting).")
  var stats: String?
  @Flag(help: "No progress bar.") var quiet = false
  @Flag(help: "Decode a long file as one stream with frame threads, not as keyframe chunks on all cores (same events; for comparison).")
  var sequential = false
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
    if json && csv { throw ValidationError("--json and --csv cannot be used together") }
    if let threshold, !(threshold > 0 && threshold <= 1) { throw ValidationError("--threshold must be more than 0 and at most 1") }
    for (name, text, range) in [("--min-event", minEvent, 0.0...3600), ("--merge-gap", mergeGap, 0...3600), ("--pre", pre, 0...3600), ("--post", post, 0...3600)] {
      guard let v = parseDuration(text), range.contains(v) else { throw ValidationError("\(name) '\(text)' must be a duration from 0 to 3600 s (2s, 1.5, 00:00:02)") }
    }
    if !(16...3840).contains(width) { throw ValidationError("--width must be from 16 to 3840") }
    if every < 1 { throw ValidationError("--every must be 1 or more") }
    if threads < 0 { throw ValidationError("--threads must be 0 or more") }
    _ = try regionSpecs()
    if let thumbnails { try checkFolder(thumbnails, inputs: files) }
    if let clips { try checkFolder(clips, inputs: files) }
    if let stats { try checkOutput(stats, inputs: files) }
  }

  /// The included and excluded regions from --roi, --exclude and --regions.
  func regionSpecs() throws -> (include: [RegionSpec], exclude: [RegionSpec]) {
    var include: [RegionSpec] = [], exclude: [RegionSpec] = []
    for r in rois { do { include.append(try RegionSpec(parsing: r)) } catch { throw ValidationError("--roi '\(r)': \(error)") } }
    for r in excludes { do { exclude.append(try RegionSpec(parsing: r)) } catch { throw ValidationError("--exclude '\(r)': \(error)") } }
    if let regionFile {
      guard let text = try? String(contentsOfFile: regionFile, encoding: .utf8) else {
        throw ValidationError("--regions: cannot read \(regionFile)")
      }
      for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        line = line.trimmingCharacters(in: .whitespaces)
        if line.isEmpty { continue }
        var excluded = false
        if line.hasPrefix("exclude ") { excluded = true; line = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
        do {
          let spec = try RegionSpec(parsing: line)
          if excluded { exclude.append(spec) } else { include.append(spec) }
        } catch { throw ValidationError("--regions \(regionFile) line \(n + 1): \(error)") }
      }
    }
    return (include, exclude)
  }

  func run() throws {
    var settings = ScanSettings()
    (settings.regions, settings.excludes) = try regionSpecs()
    settings.threshold = threshold
    settings.minEvent = parseDuration(minEvent)!
    settings.mergeGap = parseDuration(mergeGap)!
    settings.pre = parseDuration(pre)!
    settings.post = parseDuration(post)!
    settings.width = width
    settings.every = every
    settings.threads = threads
    settings.open = input.open
    if sequential { settings.chunked = false }
    // Facts of every file first: a bad file fails before any scanning, and one timeline
    // needs one frame size.
    let timeline = try Timeline(paths: files, options: input.open)
    let first = timeline.entries[0].info
    for e in timeline.entries.dropFirst() where e.info.width != first.width || e.info.height != first.height {
      throw ValidationError("files of one timeline must have one frame size: \(files[0]) is \(first.width)x\(first.height), \(e.path) is \(e.info.width)x\(e.info.height)")
    }
    for (spec, what) in settings.regions.map({ ($0, "--roi") }) + settings.excludes.map({ ($0, "--exclude") }) {
      _ = try resolveRegion(spec, option: what, frameWidth: first.width, frameHeight: first.height, minimum: 2, why: "")
    }
    (settings.from, settings.to) = try timeWindow(from: from, to: to, clock: first.clock(userRate: input.fps))
    let total = timeline.entries.reduce(0.0) { $0 + ($1.duration ?? 0) }
    if let a = settings.from, total > 0, a >= total {
      throw ValidationError("--from \(format(a)) s is past the end of the footage (\(format(total)) s)")
    }

    let scanner: MotionScanner
    do { scanner = try MotionScanner(timeline: timeline, settings: settings) }
    catch let error as RegionError { throw ValidationError("regions: \(error)") }
    let statsWriter = try stats.map { try CSVWriter(path: $0, header: "file,frame,time,timeline,score,threshold,pixel_threshold,lighting") }
    if let statsWriter {
      scanner.onSample = { [files] s in
        statsWriter.line(String(format: "%@,%d,%.6f,%.6f,%.4f,%.4f,%d,%d", csvField(files[s.position.file]), s.position.frame, s.position.time,
                                s.position.timeline, s.score, s.threshold, s.pixelThreshold, s.lightingCorrected ? 1 : 0))
      }
    }
    let start = settings.from ?? 0, end = settings.to.map { min($0, total) } ?? total
    let progress = Progress(label: "scan", total: end - start, enabled: !quiet)
    let started = DispatchTime.now().uptimeNanoseconds
    var result = try scanner.run { t in progress.update(t - start) }
    progress.finish()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    try statsWriter?.commit()
    if let dir = thumbnails { try writeThumbnails(&result, dir: dir) }
    if let dir = clips { try writeClips(&result, dir: dir, timeline: timeline) }

    if json {
      let parameters: [(String, JSONValue)] = [
        ("roi", .array(scanner.resolvedRegions.map { .rect($0.bounds) })), ("roi_spec", .array(settings.regions.map { .string($0.text) })),
        ("exclude", .array(scanner.resolvedExcludes.map { .rect($0.bounds) })), ("exclude_spec", .array(settings.excludes.map { .string($0.text) })),
        ("threshold", .double(settings.effectiveThreshold)), ("threshold_auto", .bool(threshold == nil)),
        ("min_event", .double(settings.minEvent)), ("merge_gap", .double(settings.mergeGap)),
        ("pre", .double(settings.pre)), ("post", .double(settings.post)),
        ("width", .int(scanner.analysisWidth)), ("every", .int(settings.every)),
        ("from", .optional(settings.from)), ("to", .optional(settings.to)),
        ("metric", .string("changed fraction of the busiest of \(ScanSettings.columns)x\(ScanSettings.rows) cells; pixel threshold max(\(ScanSettings.minimumPixelThreshold), min(\(ScanSettings.noiseFactor) x 90th percentile, \(ScanSettings.madCap) x median of |difference|)) over \(Int(ScanSettings.lag * 1000)) ms")),
        ("stream", .optional(input.stream)), ("format", .optional(input.format)), ("fps", .optional(input.fps)),
      ]
      let inputs = try inputsJSON(timeline.entries)
      let doc = Envelope.make(
        toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "scan", parameters: parameters,
        inputs: inputs, events: result.events.map(JSONValue.event), warnings: result.warnings,
        extra: [("scanned", .object([("frames_decoded", .int(result.framesDecoded)), ("frames_analysed", .int(result.framesAnalysed)),
                                     ("seconds", .double(JSONValue.rounded(result.duration, 3))),
                                     ("lighting_corrections", .int(result.lightingCorrections))]))])
      print(doc.serialized(), terminator: "")
    } else if csv {
      print("file,event,kind,start_frame,start_time,start_timecode,end_frame,end_time,end_timecode,peak_frame,peak_time,score,box_x,box_y,box_width,box_height,end_file,thumbnail,clip")
      for (k, e) in result.events.enumerated() {
        let b = e.box
        let fields: [String] = [
          csvField(e.file), String(k + 1), e.kind.rawValue,
          String(e.start.frame), String(format: "%.3f", e.start.time), e.start.timecode,
          String(e.end.frame), String(format: "%.3f", e.end.time), e.end.timecode,
          String(result.peaks[k].frame), String(format: "%.3f", result.peaks[k].time), String(format: "%.4f", e.score),
          b.map { String($0.x) } ?? "", b.map { String($0.y) } ?? "", b.map { String($0.width) } ?? "", b.map { String($0.height) } ?? "",
          csvField(files[result.ends[k].file] == e.file ? "" : files[result.ends[k].file]),
          csvField(e.thumbnails.first { $0.role == "peak" }?.path ?? ""),
          csvField(clipPaths(e).joined(separator: ";")),
        ]
        print(fields.joined(separator: ","))
      }
    } else {
      let regionText = scanner.resolvedRegions.isEmpty ? "the whole frame" : scanner.resolvedRegions.map { "\($0.bounds)" }.joined(separator: " + ")
      let excludeText = scanner.resolvedExcludes.isEmpty ? "" : " minus " + scanner.resolvedExcludes.map { "\($0.bounds)" }.joined(separator: " + ")
      print("scanning \(regionText)\(excludeText) in \(files.count) file\(files.count == 1 ? "" : "s"), threshold \(format(settings.effectiveThreshold)), min event \(format(settings.minEvent)) s")
      if result.events.isEmpty { print("no motion events") } else {
        print(" #  start          end            frames          peak  box (x,y,w,h)        file")
      }
      for (k, e) in result.events.enumerated() {
        let frames = "#\(e.start.frame)-#\(e.end.frame)"
        var line = String(format: "%2d  ", k + 1) + e.start.timecode + "   " + e.end.timecode + "   "
          + frames.padding(toLength: max(15, frames.count + 2), withPad: " ", startingAt: 0) + String(format: "%.2f  ", e.score)
          + (e.box.map { "\($0)" } ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0) + " " + e.file
        if files[result.ends[k].file] != e.file { line += " → " + files[result.ends[k].file] }
        for t in e.thumbnails { line += "\n    \(t.role): \(t.path)" }
        for c in clipPaths(e) { line += "\n    clip: \(c)" }
        print(line)
      }
      print(String(format: "%d frames decoded, %d analysed, %.2f s (%.0fx realtime)", result.framesDecoded, result.framesAnalysed,
                   elapsed, elapsed > 0 ? result.duration / elapsed : 0))
    }
    for w in result.warnings { printError("\(w.file): warning: \(w.message)") }
  }

  func clipPaths(_ e: Event) -> [String] {
    e.details.compactMap { d in
      if d.name.hasPrefix("clip"), case .text(let p) = d.value { return p }
      return nil
    }
  }

  /// A JPEG of each event's peak frame, named FILE-eventK-FRAME.jpg.
  func writeThumbnails(_ result: inout ScanResult, dir: String) throws {
    try Thumbnails.scan(&result, paths: files, dir: dir, open: input.open) { k, peak in
      URL(fileURLWithPath: files[peak.file]).deletingPathExtension().lastPathComponent + "-event\(k + 1)-\(peak.frame).jpg"
    }
  }

  /// Each event's padded range copied (no re-encode) into its own file per input file it
  /// touches, named FILE-eventK.EXT (FILE-eventK-partN.EXT when it spans files).
  func writeClips(_ result: inout ScanResult, dir: String, timeline: Timeline) throws {
    if !result.events.isEmpty { try Thumbnails.makeFolder(dir) }
    for k in result.events.indices {
      let e = result.events[k]
      guard case .number(let ps)? = e.details.first(where: { $0.name == "padded_start" })?.value,
            case .number(let pe)? = e.details.first(where: { $0.name == "padded_end" })?.value else { continue }
      let parts = timeline.entries.indices.filter { f in
        let entry = timeline.entries[f]
        return entry.offset + (entry.duration ?? .infinity) > ps && entry.offset < pe
      }
      for (n, f) in parts.enumerated() {
        let entry = timeline.entries[f]
        let url = URL(fileURLWithPath: entry.path)
        let ext = url.pathExtension.isEmpty ? "mkv" : url.pathExtension
        let name = url.deletingPathExtension().lastPathComponent + "-event\(k + 1)" + (parts.count > 1 ? "-part\(n + 1)" : "") + "." + ext
        let out = (dir as NSString).appendingPathComponent(name)
        let copied = try Remuxer.copy(path: entry.path, from: max(0, ps - entry.offset), to: pe - entry.offset, into: out, options: input.open)
        result.events[k].details.append((parts.count > 1 ? "clip_part\(n + 1)" : "clip", .text(out)))
        if copied.packets == 0 { printError("\(entry.path): warning: event \(k + 1) has no packets to copy") }
      }
    }
  }
}
