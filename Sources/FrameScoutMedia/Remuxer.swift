import CFFmpeg
import Foundation

/// Copies a time range of a video's chosen stream into a new file without re-encoding
/// (stream copy), for `framescout scan --clips`. The copy starts on the keyframe at or
/// before `from` (a decoder needs it), ends with the last packet decoded by `to`, and its
/// timestamps are shifted so the copy starts at zero. The container is chosen from the
/// output name's extension (`av_guess_format`). The file is written under a temporary name
/// and renamed when complete: a killed run leaves no half clip.
///
/// One pass: the input is sought to the keyframe at or before `from` (`av_seek_frame`,
/// backward; raw streams that cannot seek are read from the start), and packets are held
/// one GOP at a time until a packet after `from` shows that the held GOP's keyframe is the
/// last one at or before `from`; memory stays at one GOP whatever the file's length.
public enum Remuxer {
  public struct Copied: Sendable {
    /// Packets written, and the source time (seconds from the stream's start) of the first one.
    public var packets: Int
    public var startTime: Double
  }

  /// Copies `[from, to]` (seconds from the start of the stream, as `VideoFrame.time`) of
  /// `path`'s video stream into `output`. The corresponding FFmpeg calls are
  /// `avformat_alloc_output_context2`, `avcodec_parameters_copy`, `avformat_write_header`,
  /// `av_interleaved_write_frame` and `av_write_trailer`.
  public static func copy(path: String, from: Double, to: Double, into output: String, options: OpenOptions = OpenOptions()) throws(MediaError) -> Copied {
    let input = try InputFile(path: path, options: options)
    let stream = input.stream
    let timeBase = stream.pointee.time_base
    let origin = stream.pointee.start_time != CFFMPEG_NOPTS_VALUE ? stream.pointee.start_time : 0
    let untimed = input.containerHasNoTimestamps
    if !untimed, timeBase.num > 0 {
      // 10 s early: some demuxers (MPEG-TS) land on a keyframe after the target; the GOP
      // holding below then picks the last keyframe at or before `from` anyway.
      let target = origin + Int64((max(0, from - 10) * Double(timeBase.den) / Double(timeBase.num)).rounded(.down))
      if av_seek_frame(input.format, input.streamIndex, target, AVSEEK_FLAG_BACKWARD) < 0 {
        _ = av_seek_frame(input.format, input.streamIndex, origin, AVSEEK_FLAG_BACKWARD)
      }
    }

    guard let format = av_guess_format(nil, output, nil) else {
      throw MediaError(file: output, kind: .writeFailed, reason: "no container for this file name extension")
    }
    let url = URL(fileURLWithPath: output)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
    var oc: UnsafeMutablePointer<AVFormatContext>? = nil
    var status = avformat_alloc_output_context2(&oc, format, nil, temporary)
    guard status >= 0, let out = oc else { throw MediaError(file: output, kind: .writeFailed, "cannot prepare the output", code: status) }
    var opened = false
    var complete = false
    defer {
      if opened { avio_closep(&out.pointee.pb) }
      avformat_free_context(out)
      if !complete { unlink(temporary) }
    }
    guard let outStream = avformat_new_stream(out, nil) else { throw MediaError(file: output, kind: .writeFailed, reason: "out of memory") }
    status = avcodec_parameters_copy(outStream.pointee.codecpar, stream.pointee.codecpar)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot copy the stream parameters", code: status) }
    outStream.pointee.codecpar.pointee.codec_tag = 0
    outStream.pointee.time_base = timeBase
    outStream.pointee.avg_frame_rate = stream.pointee.avg_frame_rate
    outStream.pointee.r_frame_rate = stream.pointee.r_frame_rate
    if Int32(out.pointee.oformat.pointee.flags) & AVFMT_NOFILE == 0 {
      status = avio_open(&out.pointee.pb, temporary, AVIO_FLAG_WRITE)
      if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot write", code: status) }
      opened = true
    }
    status = avformat_write_header(out, nil)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "the container refused the stream", code: status) }

    var copied = Copied(packets: 0, startTime: 0)
    var index = 0
    var shift: Int64? = nil
    let clock = StreamInfo(input: input).clock(userRate: options.fps)
    var writeError: MediaError? = nil
    // The GOP held back until it is known to be the one to start with.
    var held: [UnsafeMutablePointer<AVPacket>?] = []
    var started = false
    defer { for var p in held { av_packet_free(&p) } }
    func seconds(_ ts: Int64) -> Double { Double(ts - origin) * Double(timeBase.num) / Double(timeBase.den) }
    func write(_ pkt: UnsafeMutablePointer<AVPacket>) -> Bool {
      let ts = pkt.pointee.pts != CFFMPEG_NOPTS_VALUE ? pkt.pointee.pts : pkt.pointee.dts
      if shift == nil { shift = ts == CFFMPEG_NOPTS_VALUE ? 0 : ts }
      if untimed {
        pkt.pointee.pts = CFFMPEG_NOPTS_VALUE
        pkt.pointee.dts = CFFMPEG_NOPTS_VALUE
      } else {
        if pkt.pointee.pts != CFFMPEG_NOPTS_VALUE { pkt.pointee.pts -= shift! }
        if pkt.pointee.dts != CFFMPEG_NOPTS_VALUE { pkt.pointee.dts -= shift! }
      }
      pkt.pointee.stream_index = 0
      pkt.pointee.pos = -1
      av_packet_rescale_ts(pkt, timeBase, outStream.pointee.time_base)
      let s = av_interleaved_write_frame(out, pkt)
      if s < 0 { writeError = MediaError(file: output, kind: .writeFailed, "cannot write a packet", code: s); return false }
      copied.packets += 1
      return true
    }
    _ = try input.forEachVideoPacket { pkt in
      defer { index += 1 }
      let ts = pkt.pointee.pts != CFFMPEG_NOPTS_VALUE ? pkt.pointee.pts : pkt.pointee.dts
      let time = untimed || ts == CFFMPEG_NOPTS_VALUE ? clock.seconds(ofFrame: index) : seconds(ts)
      let dts = pkt.pointee.dts
      let decodeTime = untimed || dts == CFFMPEG_NOPTS_VALUE ? time : seconds(dts)
      if !started {
        let key = cffmpeg_packet_is_key(pkt) != 0
        func startHere() -> Bool {
          started = true
          copied.startTime = held.first.map { p in
            let t = p!.pointee.pts != CFFMPEG_NOPTS_VALUE ? p!.pointee.pts : p!.pointee.dts
            return untimed || t == CFFMPEG_NOPTS_VALUE ? 0 : seconds(t)
          } ?? time
          for p in held where !write(p!) { return false }
          for var p in held { av_packet_free(&p) }
          held.removeAll()
          return true
        }
        if key && time <= from + 1e-6 {
          // A keyframe at or before `from`, later than the held one: start from it instead.
          for var p in held { av_packet_free(&p) }
          held.removeAll()
          held.append(av_packet_clone(pkt))
          return true
        }
        if held.isEmpty && !key { return true }              // before any keyframe
        if !key && time <= from + 1e-6 {                        // inside the held GOP
          held.append(av_packet_clone(pkt))
          return true
        }
        // Past `from` (or a keyframe after it with nothing held: the earliest possible start).
        if !startHere() { return false }
      }
      // Packets come in decode order: stop at the first one decoded after `to`.
      if decodeTime > to + 1e-6 { return false }
      return write(pkt)
    }
    // The file ended while still holding (a short file, or `from` in its last GOP).
    if !started && !held.isEmpty {
      for p in held where !write(p!) { break }
    }
    if let writeError { throw writeError }
    status = av_write_trailer(out)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot finish the file", code: status) }
    if opened { avio_closep(&out.pointee.pb); opened = false }
    if rename(temporary, output) != 0 {
      throw MediaError(file: output, kind: .writeFailed, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    complete = true
    return copied
  }
}
