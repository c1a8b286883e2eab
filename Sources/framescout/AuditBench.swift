import ArgumentParser
import FrameScoutBenchmarks
import Foundation

/// audit and compare against the bare decode loop of the same files, in one run.
struct AuditBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Time audit (one file) and compare (file vs copy) as ratios to the bare decode loop.",
    discussion: "Each variant runs --repeat times, interleaved; the fastest run counts (wall time).")

  @Argument(help: "Video file (e.g. from tools/make-testvideos --long).") var file: String
  @Argument(help: "A copy of it (e.g. re-encoded) for compare.") var copy: String
  @Option(help: "Decoder threads (0 = all cores).") var threads = 0
  @Option(help: "Runs of each variant.") var `repeat` = 3

  func run() throws {
    var bench = AuditBenchmark(file: file, copy: copy)
    (bench.threads, bench.repeat) = (threads, `repeat`)
    try bench.run()
  }
}
