import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia
import FrameScoutReport
import FrameScoutSearch
import Foundation

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Tell whether two recordings are the same footage, and how they align.",
    discussion: """
      Verdicts: identical-stream (the same decoded frames), same-content (the same frames
      re-encoded, resized, at another frame rate or in another container), overlap (one holds
      part of the other, or some aligned frames differ), different. The offset is B's frame 0
      on A's timeline (A's frames and seconds). Frames are aligned by time, so 25 and 30 fps
      copies compare; only moving frames can place B on A: a static scene is reported as
      ambiguous. Each file is decoded once.
      """)

  @Argument(help: "The reference recording (A).") var a: String
  @Argument(help: "The recording to place on A (B).") var b: String
  @Flag(help: "Write JSON (schema framescout/1).") var json = false
  @Option(help: "Write a side-by-side JPEG (A left, B right) of the first frame of each difference into this folder.") var thumbnails: String?
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @OptionGroup var input: InputOptions

  func validate() throws {
    if let thumbnails { try checkFolder(thumbnails, inputs: [a, b]) }
  }

  func run() throws {
    var fp = FingerprintSettings()
    fp.threads = threads
    fp.open = input.open
    let sa = try FingerprintStream.make(path: a, settings: fp)
    let sb = try FingerprintStream.make(path: b, settings: fp)
    let settings = CompareSettings()
    let r = FootageComparison(settings: settings).compare(sa, sb)
    var thumbs: [Int: String] = [:]
    if let dir = thumbnails, !r.differences.isEmpty {
      try Thumbnails.makeFolder(dir)
      let ga = try FrameGrabber(path: a, options: input.open), gb = try FrameGrabber(path: b, options: input.open)
      for (k, d) in r.differences.enumerated().prefix(50) {
        let fa = d.a?.lowerBound, fb = d.b?.lowerBound
        let left = try fa.map { n in try ga.withFrame(n) { f, _ in var im = f.rgb(width: 320); im.drawText("A #\(n)", x: 4, y: 4); return im } }
        let right = try fb.map { n in try gb.withFrame(n) { f, _ in var im = f.rgb(width: 320); im.drawText("B #\(n)", x: 4, y: 4); return im } }
        let h = max(left?.height ?? 0, right?.height ?? 0, 2)
        var sheet = RGBImage(width: 648, height: h, fill: (40, 40, 40))
        if let left { sheet.paste(left, x: 0, y: 0) }
        if let right { sheet.paste(right, x: 328, y: 0) }
        let out = (dir as NSString).appendingPathComponent("compare-\(k)-A\(fa.map(String.init) ?? "none")-B\(fb.map(String.init) ?? "none").jpg")
        try AtomicFile.write(try JPEGEncoder.encode(sheet, quality: 90), to: out)
        thumbs[k] = out
      }
    }
    let warnings = sa.warnings.map { (file: a, message: $0) } + sb.warnings.map { (file: b, message: $0) }
    if json {
      func range(_ r: ClosedRange<Int>?, _ s: FingerprintStream) -> JSONValue {
        guard let r else { return .null }
        return .object([("start", .timePoint(TimePoint(frame: r.lowerBound, time: s.time[r.lowerBound]))),
                        ("end", .timePoint(TimePoint(frame: r.upperBound, time: s.time[r.upperBound])))])
      }
      let diffs: [JSONValue] = r.differences.enumerated().map { k, d in
        var f: [(String, JSONValue)] = [("a", range(d.a, sa)), ("b", range(d.b, sb)), ("what", .string(d.what)),
                                        ("distance", .double(JSONValue.rounded(d.distance, 4)))]
        if let t = thumbs[k] { f.append(("thumbnail", .string(t))) }
        return .object(f)
      }
      let comparison: JSONValue = .object([
        ("verdict", .string(r.verdict.rawValue)),
        ("offset", .object([("frames", .int(r.offsetFrames)), ("seconds", .double(JSONValue.rounded(r.offsetSeconds, 6)))])),
        ("ambiguous", .bool(r.ambiguous)),
        ("overlap", .array(r.overlapA == nil ? [] : [.object([("a", range(r.overlapA, sa)), ("b", range(r.overlapB, sb))])])),
        ("differences", .array(diffs)),
        ("alignment", .object([("metric", "mean normalised 16x9 grid distance of aligned moving frames"),
                               ("distance", .double(JSONValue.rounded(r.alignmentDistance, 5))),
                               ("moving_frames", .int(r.alignedMovingFrames)),
                               ("difference_threshold", .double(JSONValue.rounded(r.threshold, 5)))])),
      ])
      let doc = Envelope.make(
        toolVersion: toolVersion, libraries: FFmpegLibraries.versions, command: "compare",
        parameters: [("a", .string(a)), ("b", .string(b)), ("minimum_motion", .double(Double(settings.minimumMotion))),
                     ("difference_minimum", .double(Double(settings.differenceMinimum))),
                     ("analysis_width", .int(fp.analysisWidth))],
        inputs: [try inputJSON(sa), try inputJSON(sb)], warnings: warnings, extra: [("comparison", comparison)])
      print(doc.serialized(), terminator: "")
    } else {
      print("verdict: \(r.verdict.rawValue)\(r.ambiguous ? " (alignment ambiguous: little motion, or other offsets fit almost as well)" : "")")
      print(String(format: "alignment: %d moving frames, mean grid distance %.4f (frames differ above %.4f)", r.alignedMovingFrames, r.alignmentDistance, r.threshold))
      if r.verdict != .different {
        print("offset: B frame 0 = A frame \(r.offsetFrames) (\(String(format: "%.3f", r.offsetSeconds)) s)")
        if let oa = r.overlapA, let ob = r.overlapB {
          print("overlap: A #\(oa.lowerBound)-#\(oa.upperBound) = B #\(ob.lowerBound)-#\(ob.upperBound)")
        }
        for (k, d) in r.differences.enumerated() {
          let ra = d.a.map { "A #\($0.lowerBound)-#\($0.upperBound)" } ?? "A -"
          let rb = d.b.map { "B #\($0.lowerBound)-#\($0.upperBound)" } ?? "B -"
          print("  differs: \(ra)  \(rb)  \(d.what)" + (thumbs[k].map { "  \($0)" } ?? ""))
        }
      }
    }
    for w in warnings { printError("\(w.file): warning: \(w.message)") }
  }
}
