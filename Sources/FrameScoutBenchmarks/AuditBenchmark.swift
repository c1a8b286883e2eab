import FrameScout
import Foundation

/// audit and compare against the bare decode loop of the same files, in one run: each
/// variant `repeat` times, interleaved, the fastest run counting (wall time); lines go to `emit`.
public struct AuditBenchmark {
  public var file: String
  public var copy: String
  public var threads = 0
  public var `repeat` = 3
  public var emit: (String) -> Void = { print($0) }

  public init(file: String, copy: String) {
    self.file = file
    self.copy = copy
  }

  public func run() throws {
    let n = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
    func bare(_ path: String) throws -> Int {
      let d = try VideoDecoder(path: path, options: DecodeOptions(threads: n, analysisWidth: nil))
      var frames = 0
      try d.forEachFrame { _ in frames += 1; return .next }
      return frames
    }
    var fp = FingerprintSettings()
    fp.threads = n
    var best = [Double](repeating: .infinity, count: 4)
    var frames = (0, 0), findings = 0
    var verdict = ""
    var alignment = Double.infinity
    func time(_ k: Int, _ body: () throws -> Void) rethrows {
      let t0 = DispatchTime.now().uptimeNanoseconds
      try body()
      best[k] = min(best[k], Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    for _ in 0..<max(1, `repeat`) {
      try time(0) { frames.0 = try bare(file) }
      try time(1) { frames.1 = try bare(copy) }
      try time(2) { findings = try FileAudit(path: file, fingerprint: fp).result.findings.count }
      try time(3) {
        let a = try FingerprintStream.make(path: file, settings: fp), b = try FingerprintStream.make(path: copy, settings: fp)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = FootageComparison().compare(a, b)
        alignment = min(alignment, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        verdict = "\(r.verdict.rawValue), offset \(r.offsetFrames)"
      }
    }
    emit("file: \(file) (\(frames.0) frames)  copy: \(copy) (\(frames.1) frames)  threads: \(n)  runs: \(max(1, `repeat`)) (fastest counts)")
    emit(String(format: "bare decode loop, file          %8.3f s", best[0]))
    emit(String(format: "bare decode loop, copy          %8.3f s", best[1]))
    emit(String(format: "audit file (%d findings)         %8.3f s", findings, best[2]))
    emit(String(format: "compare file copy (%@) %8.3f s, of which alignment %.3f s", verdict, best[3], alignment))
    // The raw-frame hash alone on a frame-sized buffer in cache (1280x720 yuv420p = 1.38 MB).
    let bytes = [UInt8](repeating: 7, count: 1280 * 720 * 3 / 2)
    var hashBest = Double.infinity, sink: UInt64 = 0
    for _ in 0..<5 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      bytes.withUnsafeBufferPointer { b in
        for _ in 0..<20 {
          var h = ContentHasher()
          for row in 0..<(720 * 3 / 2) { h.add(b.baseAddress! + row * 1280, count: 1280) }
          sink ^= h.finish()
        }
      }
      hashBest = min(hashBest, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3 / 20)
    }
    emit(String(format: "raw-frame hash of a 720p frame in cache: %.0f us (%.1f GB/s)%@", hashBest,
                 Double(bytes.count) / hashBest / 1e3, sink == 1 ? " " : ""))
    emit("ratios")
    emit(String(format: "audit / bare decode of the file                      %.3f (target <= 1.15)", best[2] / best[0]))
    emit(String(format: "compare / bare decode of both files                  %.3f (target <= 1.15)", best[3] / (best[0] + best[1])))
  }
}
