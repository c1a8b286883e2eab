import FrameScout
import Foundation

/// `framescout bench osd FILE`: the default (sampled) `osd` read of a file against the bare
/// decode loop of the same file and `ffmpeg -f null`, measured in one run (fastest of
/// `repeat` runs each, interleaved).
public struct OSDBenchmark {
  public var file: String
  public var threads = 0
  public var `repeat` = 2
  public var emit: (String) -> Void = { print($0) }

  public init(file: String) { self.file = file }

  public func run() throws {
    let decode = DecodeBenchmark(file: file)
    var bare = DecodeBenchmark.Timing(), osd = DecodeBenchmark.Timing(), ffmpegRun = DecodeBenchmark.Timing()
    var duration = 0.0, last: OSDResult? = nil
    let ffmpeg = findExecutable("ffmpeg")
    for _ in 0..<max(1, `repeat`) {
      let b = try decode.measure {
        let d = try VideoDecoder(path: file, options: DecodeOptions(threads: threads, analysisWidth: nil))
        var frames = 0
        try d.forEachFrame { frame in frames += 1; duration = frame.time + d.clock.frameDuration; return .next }
        return frames
      }
      var settings = OSDSettings()
      settings.threads = threads
      let o = try decode.measure {
        let r = try OnScreenClock(path: file, settings: settings).run()
        last = r
        return r.framesDecoded + r.keyframesRead
      }
      if let ffmpeg {
        let f = try decode.measure { try runProcess(ffmpeg, ["-v", "error", "-threads", "\(threads)", "-i", file, "-map", "0:v:0", "-f", "null", "-"]); return 0 }
        ffmpegRun.wall = min(ffmpegRun.wall, f.wall)
      }
      (bare.wall, bare.cpu, bare.frames) = (min(bare.wall, b.wall), min(bare.cpu, b.cpu), b.frames)
      (osd.wall, osd.cpu, osd.frames) = (min(osd.wall, o.wall), min(osd.cpu, o.cpu), o.frames)
    }
    emit("file: \(file)  video: \(String(format: "%.1f", duration)) s, \(bare.frames) frames")
    if let r = last {
      emit("osd: box \(r.box.map { "\($0)" } ?? "none"), \(r.readings.count) readings, \(r.fit?.jumps.count ?? 0) jumps, "
        + "\(r.framesDecoded) frames decoded + \(r.keyframesRead) keyframes read")
    }
    emit(String(format: "bare decode loop    wall %8.3f s  cpu %8.3f s  %7.1f x realtime", bare.wall, bare.cpu, duration / bare.wall))
    if ffmpegRun.wall.isFinite { emit(String(format: "ffmpeg -f null      wall %8.3f s  %7.1f x realtime", ffmpegRun.wall, duration / ffmpegRun.wall)) }
    emit(String(format: "osd (sampled)       wall %8.3f s  cpu %8.3f s  %7.1f x realtime", osd.wall, osd.cpu, duration / osd.wall))
    emit(String(format: "osd / bare decode loop: wall %.4f  cpu %.4f (target < 0.05)", osd.wall / bare.wall, osd.cpu / bare.cpu))
    if ffmpegRun.wall.isFinite { emit(String(format: "osd / ffmpeg -f null: wall %.4f", osd.wall / ffmpegRun.wall)) }
  }
}
