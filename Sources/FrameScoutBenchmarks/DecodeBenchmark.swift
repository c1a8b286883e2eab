import FrameScout
import Foundation

/// Decoder throughput against its ceiling: the bare decode loop (same libavcodec, same
/// threads, frames dropped unprocessed) and `ffmpeg -threads N -i F -f null -`. Each variant
/// runs `repeat` times, interleaved; the fastest run of each counts (wall and CPU time).
/// Lines of the table go to `emit` as they are known.
public struct DecodeBenchmark {
  public var file: String
  public var threads = 0
  public var width = 320
  public var `repeat` = 3
  public var noFfmpeg = false
  public var emit: (String) -> Void = { print($0) }

  public init(file: String) { self.file = file }

  struct Timing { var wall = Double.infinity; var cpu = Double.infinity; var frames = 0 }

  public func run() throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let n = threads > 0 ? threads : cores
    let ffmpeg = noFfmpeg ? nil : findExecutable("ffmpeg")
    let variants: [(String, DecodeOptions?, [String]?)] = [
      ("bare decode loop (full)", DecodeOptions(threads: n, analysisWidth: nil), nil),
      ("full decode + \(width)-wide gray", DecodeOptions(threads: n, analysisWidth: width), nil),
      ("bare decode loop (keyframes)", DecodeOptions(threads: n, keyframesOnly: true, analysisWidth: nil), nil),
      ("keyframes + \(width)-wide gray", DecodeOptions(threads: n, keyframesOnly: true, analysisWidth: width), nil),
      ("ffmpeg -f null (full)", nil, ["-v", "error", "-threads", "\(n)", "-i", file, "-map", "0:v:0", "-f", "null", "-"]),
      ("ffmpeg -f null (keyframes)", nil, ["-v", "error", "-skip_frame", "nokey", "-threads", "\(n)", "-i", file, "-map", "0:v:0", "-f", "null", "-"]),
    ]
    var results = [Timing](repeating: Timing(), count: variants.count)
    var duration = 0.0
    for _ in 0..<max(1, `repeat`) {
      for (k, v) in variants.enumerated() {
        let t: Timing
        if let options = v.1 {
          t = try measure {
            let decoder = try VideoDecoder(path: file, options: options)
            var frames = 0
            var checksum = 0
            var last = 0.0
            try decoder.forEachFrame { frame in
              frames += 1
              last = frame.time
              if let g = frame.gray { checksum &+= Int(g[g.width / 2, g.height / 2]) }   // keep the reduction observable
              return .next
            }
            if k == 0 { duration = last + decoder.clock.frameDuration }
            precondition(checksum >= 0)
            return frames
          }
        } else if let args = v.2, let ffmpeg {
          t = try measure { try runProcess(ffmpeg, args); return 0 }
        } else { continue }
        results[k].wall = min(results[k].wall, t.wall)
        results[k].cpu = min(results[k].cpu, t.cpu)
        results[k].frames = max(results[k].frames, t.frames)
      }
    }
    emit("file: \(file)  threads: \(n)  cores: \(cores)  runs: \(max(1, `repeat`)) (fastest counts)")
    emit("video: \(String(format: "%.1f", duration)) s, \(results[0].frames) frames")
    emit("variant                            wall s    cpu s   frames/s  x realtime")
    for (k, v) in variants.enumerated() where results[k].wall.isFinite {
      let frames = results[k].frames > 0 ? results[k].frames : results[k < 5 ? 0 : 2].frames
      let fps = Double(results[0].frames) / results[k].wall
      emit(v.0.padding(toLength: 34, withPad: " ", startingAt: 0)
        + String(format: " %7.3f  %7.3f  %9.1f  %9.1f", results[k].wall, results[k].cpu, fps, duration / results[k].wall)
        + (frames != results[0].frames && k >= 2 ? "  (\(frames) frames decoded)" : ""))
    }
    func ratio(_ a: Int, _ b: Int, _ label: String) {
      guard results[a].wall.isFinite, results[b].wall.isFinite else { return }
      emit(label.padding(toLength: 52, withPad: " ", startingAt: 0)
        + String(format: " wall %.3f  cpu %.3f", results[a].wall / results[b].wall, results[a].cpu / results[b].cpu))
    }
    if let line = reductionLine() { print(line) }
    emit("ratios")
    ratio(1, 0, "full + gray / bare loop (target <= 1.1)")
    ratio(3, 2, "keyframes + gray / bare keyframe loop")
    ratio(0, 4, "bare loop / ffmpeg -f null")
    ratio(2, 5, "bare keyframe loop / ffmpeg -skip_frame nokey")
    ratio(2, 0, "keyframe loop / full loop")
  }

  /// The reduction alone, on a frame already in cache: what the kernel costs without the
  /// cache misses of reading a freshly decoded frame.
  func reductionLine() -> String? {
    guard let info = try? VideoDecoder(path: file, options: DecodeOptions(analysisWidth: nil)).info, info.width > 0, info.height > 0 else { return nil }
    let size = AreaDownsampler.size(forSourceWidth: info.width, sourceHeight: info.height, width: width)
    let d = AreaDownsampler(sourceWidth: info.width, sourceHeight: info.height, width: size.width, height: size.height)
    let src = GrayImage(width: info.width, height: info.height, fill: 77)
    let dst = PixelBuffer()
    dst.resize(width: size.width, height: size.height)
    let reps = 300
    var best = Double.infinity
    for _ in 0..<3 {
      let t0 = DispatchTime.now().uptimeNanoseconds
      src.withView { v in for _ in 0..<reps { d.downsample(v, into: dst.mutableView) } }
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3 / Double(reps))
    }
    return String(format: "reduction %dx%d -> %dx%d on a cached frame: %.1f us/frame (%@ path)", info.width, info.height,
                  size.width, size.height, best, d.usesPairPath ? "SIMD pair" : "scalar")
  }

  func measure(_ body: () throws -> Int) throws -> Timing {
    let cpu0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
    let frames = try body()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    return Timing(wall: wall, cpu: cpuSeconds() - cpu0, frames: frames)
  }}

/// User + system CPU seconds of this process and its finished children.
public func cpuSeconds() -> Double {
  var me = rusage(), kids = rusage()
  getrusage(RUSAGE_SELF.rawValue, &me)
  getrusage(RUSAGE_CHILDREN.rawValue, &kids)
  func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
  return s(me.ru_utime) + s(me.ru_stime) + s(kids.ru_utime) + s(kids.ru_stime)
}

public func findExecutable(_ name: String) -> String? {
  for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
    let p = "\(dir)/\(name)"
    if FileManager.default.isExecutableFile(atPath: p) { return p }
  }
  return nil
}

public func runProcess(_ path: String, _ args: [String]) throws {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: path)
  p.arguments = args
  p.standardOutput = FileHandle.nullDevice
  try p.run()
  p.waitUntilExit()
  if p.terminationStatus != 0 { throw BenchmarkError("\(path) \(args.joined(separator: " ")) failed with \(p.terminationStatus)") }
}

/// A benchmark could not run (a helper process failed).
public struct BenchmarkError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
