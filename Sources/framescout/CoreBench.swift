import ArgumentParser
import FrameScoutBenchmarks
import Foundation

/// `framescout bench core`: the per-frame cost of every FrameScoutCore kernel at the
/// analysis size, scalar reference twin against the SIMD kernel, measured in one run.
struct CoreBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "core",
    abstract: "Time the FrameScoutCore pixel kernels per analysis frame: scalar reference vs SIMD.",
    discussion: """
      Frames are synthetic CCTV-like images (textured background, grain, a moved object), built
      before timing. Each kernel runs in batches of at least --min-ms; scalar and SIMD batches
      alternate, --repeat times, and the fastest batch of each counts (the machine is shared).
      The scalar column of absolute difference, SAD, count over and count changed runs the
      scalar twins compiled with LLVM's vectorisers off (FrameScoutScalarBaseline): compiled
      normally, the optimiser turns the absolute-difference twin into SIMD code itself.
      Build with `swift build -c release -Xcc -march=x86-64-v2` for meaningful numbers.
      """)

  @Option(help: "Frame width in pixels.") var width = 320
  @Option(help: "Frame height in pixels.") var height = 180
  @Option(help: "Batches of each variant; the fastest counts.") var `repeat` = 7
  @Option(help: "Minimum duration of one batch, in milliseconds.") var minMs = 30.0
  @Option(help: "A video (e.g. 720p H.264) whose bare decode loop is timed in the same run, to express the per-frame analysis as a share of decoding one frame.")
  var decode: String?

  func validate() throws {
    guard width >= 64, height >= 48 else { throw ValidationError("--width and --height must be at least 64 and 48") }
    guard `repeat` >= 1, minMs > 0 else { throw ValidationError("--repeat must be at least 1 and --min-ms positive") }
  }

  func run() throws {
    var bench = KernelBenchmark()
    (bench.width, bench.height, bench.repeat, bench.minMs, bench.decode) = (width, height, `repeat`, minMs, decode)
    try bench.run()
  }
}
