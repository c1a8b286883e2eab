import ArgumentParser
import FrameScout
import FrameScoutMedia

struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe video files: container, codec, size, frame rate, keyframes, tags, SHA-256.",
    discussion: """
      Without --count the keyframe interval comes from the first \(ProbeResult.samplePackets) packets;
      with --count every packet is read (no decoding) for the exact frame count, the measured
      frame rate and whether the frame rate varies.
      """)

  @Argument(help: "Video files.") var files: [String]
  @Flag(help: "Write JSON (schema framescout/1) instead of text.") var json = false
  @Flag(help: "Read every packet: exact frame count, measured frame rate, VFR.") var count = false
  @OptionGroup var input: InputOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file") }
  }

  func run() throws {
    var settings = ProbeSettings()
    settings.count = count
    settings.open = input.open
    let report = try ProbeJob(files: files, settings: settings).run()
    for error in report.failures { printError(error.description) }
    print(json ? report.json.serialized() : report.text(), terminator: "")
    if !report.failures.isEmpty { throw FailedInputs(code: Exit.input) }
  }
}
