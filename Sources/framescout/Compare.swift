import ArgumentParser
import FrameScout
import FrameScoutSearch

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
    var fingerprint = FingerprintSettings()
    fingerprint.threads = threads
    fingerprint.open = input.open
    let report = try CompareJob(a: a, b: b, fingerprint: fingerprint, thumbnails: thumbnails).run()
    print(json ? report.json.serialized() : report.text(elapsed: nil), terminator: "")
    printWarnings(report.allWarnings)
  }
}
