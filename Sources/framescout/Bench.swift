import ArgumentParser
import FrameScoutBenchmarks
import Foundation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmarks that print ratios measured in one run.",
    subcommands: [DecodeBench.self, CoreBench.self, AuditBench.self, OSDBench.self])
}

/// Decoder throughput against its ceiling: the bare decode loop (same libavcodec, same
/// threads, frames dropped unprocessed) and `ffmpeg -threads N -i F -f null -`.
struct DecodeBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Time full and keyframe-only decoding, with and without reduction to a gray analysis image.",
    discussion: "Each variant runs --repeat times, interleaved; the fastest run of each counts (wall and CPU time).")

  @Argument(help: "Video file (e.g. a 720p clip from tools/make-testvideos --long).") var file: String
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @Option(help: "Analysis width of the reduced gray image.") var width = 320
  @Option(help: "Runs of each variant.") var `repeat` = 3
  @Flag(help: "Skip the ffmpeg CLI comparison.") var noFfmpeg = false

  func run() throws {
    var bench = DecodeBenchmark(file: file)
    (bench.threads, bench.width, bench.repeat, bench.noFfmpeg) = (threads, width, `repeat`, noFfmpeg)
    try bench.run()
  }
}

/// The default (sampled) `osd` read of a file against the bare decode loop of it.
struct OSDBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "osd",
    abstract: "Time reading a file's on-screen clock (sampled mode) against decoding it.",
    discussion: "Both run --repeat times, interleaved; the fastest run of each counts.")

  @Argument(help: "Video file with a burned-in clock (e.g. tools/make-osd-clips --long).") var file: String
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @Option(help: "Runs of each.") var `repeat` = 2

  func run() throws {
    var bench = OSDBenchmark(file: file)
    (bench.threads, bench.repeat) = (threads, `repeat`)
    try bench.run()
  }
}
