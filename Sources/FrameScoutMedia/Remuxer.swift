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
/// backward; raw streams that cannot seek and demuxers whose seeks lose timestamps, such as
/// Dahua's dhav, are read from the start), and packets are held
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
    let times = PacketTimes(input: input, clock: StreamInfo(input: input).clock(userRate: options.fps))
    if !times.untimed, times.timeBase.num > 0, !input.seeksLoseTimestamps {
      // 10 s early: some demuxers (MPEG-TS) land on a keyframe after the target; the GOP
      // holding below then picks the last keyframe at or before `from` anyway.
      let target = times.origin + Int64((max(0, from - 10) * Double(times.timeBase.den) / Double(times.timeBase.num)).rounded(.down))
      if av_seek_frame(input.format, input.streamIndex, target, AVSEEK_FLAG_BACKWARD) < 0 {
        _ = av_seek_frame(input.format, input.streamIndex, times.origin, AVSEEK_FLAG_BACKWARD)
      }
    }
    let clip = try ClipWriter(output: output, like: input.stream, untimed: times.untimed)
    let range = RangeCopy(from: from, to: to, times: times, clip: clip)
    _ = try input.forEachVideoPacket { pkt in range.take(pkt) }
    range.finish()
    if let error = clip.writeError { throw error }
    try clip.finish()
    return range.copied
  }

  /// The file name extension for a clip of `input`: its own when FFmpeg can write that
  /// container, else `mkv` (a Dahua `.dav` has a demuxer only). The corresponding FFmpeg
  /// call is `av_guess_format`.
  public static func clipExtension(for input: String) -> String {
    let ext = URL(fileURLWithPath: input).pathExtension
    return !ext.isEmpty && av_guess_format(nil, "clip.\(ext)", nil) != nil ? ext : "mkv"
  }
}

/// Seconds of a packet's timestamps from the stream's start (its pts or dts), or its
/// clock's time by count for a stream without timestamps.
struct PacketTimes {
  let timeBase: AVRational
  let origin: Int64
  let untimed: Bool
  let clock: StreamClock

  init(input: InputFile, clock: StreamClock) {
    timeBase = input.stream.pointee.time_base
    origin = input.stream.pointee.start_time != CFFMPEG_NOPTS_VALUE ? input.stream.pointee.start_time : 0
    untimed = input.containerHasNoTimestamps
    self.clock = clock
  }

  func seconds(_ ts: Int64) -> Double { Double(ts - origin) * Double(timeBase.num) / Double(timeBase.den) }

  /// Presentation time (pts, else dts, else the `index`-th frame's) of a packet.
  func time(_ pkt: UnsafeMutablePointer<AVPacket>, index: Int) -> Double {
    let ts = pkt.pointee.pts != CFFMPEG_NOPTS_VALUE ? pkt.pointee.pts : pkt.pointee.dts
    return untimed || ts == CFFMPEG_NOPTS_VALUE ? clock.seconds(ofFrame: index) : seconds(ts)
  }
}

/// The packets of `[from, to]`: held one GOP at a time until a packet after `from` shows
/// that the held GOP's keyframe is the last one at or before `from`, then written through.
/// Owns the held packet copies (freed in `deinit`).
final class RangeCopy {
  let from: Double, to: Double
  let times: PacketTimes
  let clip: ClipWriter
  var held: [UnsafeMutablePointer<AVPacket>?] = []
  var started = false
  var index = 0
  var copied = Remuxer.Copied(packets: 0, startTime: 0)

  init(from: Double, to: Double, times: PacketTimes, clip: ClipWriter) {
    self.from = from
    self.to = to
    self.times = times
    self.clip = clip
  }

  deinit { dropHeld() }

  func dropHeld() {
    for var p in held { av_packet_free(&p) }
    held.removeAll()
  }

  /// One packet in decode order; false once the range is done (or a write failed).
  func take(_ pkt: UnsafeMutablePointer<AVPacket>) -> Bool {
    defer { index += 1 }
    let time = times.time(pkt, index: index)
    let dts = pkt.pointee.dts
    let decodeTime = times.untimed || dts == CFFMPEG_NOPTS_VALUE ? time : times.seconds(dts)
    if !started {
      let key = cffmpeg_packet_is_key(pkt) != 0
      if key && time <= from + 1e-6 {
        // A keyframe at or before `from`, later than the held one: start from it instead.
        dropHeld()
        held.append(av_packet_clone(pkt))
        return true
      }
      if held.isEmpty && !key { return true }              // before any keyframe
      if !key && time <= from + 1e-6 {                        // inside the held GOP
        held.append(av_packet_clone(pkt))
        return true
      }
      // Past `from` (or a keyframe after it with nothing held: the earliest possible start).
      if !start(at: time) { return false }
    }
    // Packets come in decode order: stop at the first one decoded after `to`.
    if decodeTime > to + 1e-6 { return false }
    return write(pkt)
  }

  /// Writes the held GOP: the copy starts at its first packet (or at `time`, nothing held).
  func start(at time: Double) -> Bool {
    started = true
    copied.startTime = held.first.map { p in
      let t = p!.pointee.pts != CFFMPEG_NOPTS_VALUE ? p!.pointee.pts : p!.pointee.dts
      return times.untimed || t == CFFMPEG_NOPTS_VALUE ? 0 : times.seconds(t)
    } ?? time
    for p in held where !write(p!) { return false }
    dropHeld()
    return true
  }

  /// The file ended while still holding (a short file, or `from` in its last GOP).
  func finish() {
    if !started && !held.isEmpty {
      for p in held where !write(p!) { break }
    }
  }

  func write(_ pkt: UnsafeMutablePointer<AVPacket>) -> Bool {
    guard clip.write(pkt) else { return false }
    copied.packets += 1
    return true
  }
}

/// The output of a copy: a container chosen by the file name's extension, written under a
/// temporary name and renamed by `finish()`. Owns the output `AVFormatContext` (freed, and
/// an unfinished file removed, in `deinit`).
final class ClipWriter {
  let output: String
  let temporary: String
  let context: UnsafeMutablePointer<AVFormatContext>
  let timeBase: AVRational
  let untimed: Bool
  var opened = false
  var complete = false
  var shift: Int64? = nil
  var writeError: MediaError? = nil

  init(output: String, like stream: UnsafeMutablePointer<AVStream>, untimed: Bool) throws(MediaError) {
    guard let format = av_guess_format(nil, output, nil) else {
      throw MediaError(file: output, kind: .writeFailed, reason: "no container for this file name extension")
    }
    self.output = output
    self.untimed = untimed
    timeBase = stream.pointee.time_base
    let url = URL(fileURLWithPath: output)
    temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
    var oc: UnsafeMutablePointer<AVFormatContext>? = nil
    let status = avformat_alloc_output_context2(&oc, format, nil, temporary)
    guard status >= 0, let out = oc else { throw MediaError(file: output, kind: .writeFailed, "cannot prepare the output", code: status) }
    context = out
    try addStream(like: stream)
  }

  deinit {
    if opened { avio_closep(&context.pointee.pb) }
    avformat_free_context(context)
    if !complete { unlink(temporary) }
  }

  /// The output stream with the input's parameters, the file opened, the header written.
  func addStream(like stream: UnsafeMutablePointer<AVStream>) throws(MediaError) {
    guard let outStream = avformat_new_stream(context, nil) else { throw MediaError(file: output, kind: .writeFailed, reason: "out of memory") }
    var status = avcodec_parameters_copy(outStream.pointee.codecpar, stream.pointee.codecpar)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot copy the stream parameters", code: status) }
    outStream.pointee.codecpar.pointee.codec_tag = 0
    outStream.pointee.time_base = timeBase
    outStream.pointee.avg_frame_rate = stream.pointee.avg_frame_rate
    outStream.pointee.r_frame_rate = stream.pointee.r_frame_rate
    if Int32(context.pointee.oformat.pointee.flags) & AVFMT_NOFILE == 0 {
      status = avio_open(&context.pointee.pb, temporary, AVIO_FLAG_WRITE)
      if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot write", code: status) }
      opened = true
    }
    status = avformat_write_header(context, nil)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "the container refused the stream", code: status) }
  }

  /// One packet, its timestamps shifted so the clip starts at zero (cleared for a stream
  /// without timestamps); false (and `writeError`) when the container refuses it.
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
    av_packet_rescale_ts(pkt, timeBase, context.pointee.streams[0]!.pointee.time_base)
    let s = av_interleaved_write_frame(context, pkt)
    if s < 0 { writeError = MediaError(file: output, kind: .writeFailed, "cannot write a packet", code: s); return false }
    return true
  }

  /// The trailer written, the file closed and renamed into place.
  func finish() throws(MediaError) {
    let status = av_write_trailer(context)
    if status < 0 { throw MediaError(file: output, kind: .writeFailed, "cannot finish the file", code: status) }
    if opened { avio_closep(&context.pointee.pb); opened = false }
    if rename(temporary, output) != 0 {
      throw MediaError(file: output, kind: .writeFailed, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    complete = true
  }
}
