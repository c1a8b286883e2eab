import CFFmpeg
import FrameScoutCore
import Foundation

/// How to open an input: which video stream, and overrides for files whose container
/// cannot tell (raw elementary streams without timestamps, misnamed files).
public struct OpenOptions: Sendable, Hashable {
  /// The stream index in the file (as ffprobe numbers streams); nil picks the best video stream.
  public var stream: Int?
  /// Forces a demuxer by FFmpeg name (`h264`, `hevc`, `dhav`, `mjpeg`…); nil probes the content.
  public var format: String?
  /// The frame rate to assume for a stream without usable timestamps. When nil, the
  /// bitstream's own timing information is used, and 25 fps with a warning when it has none.
  public var fps: Double?
  /// How to give the file's frames their wall-clock time (`FileClock`): the source, the
  /// user's reading, the DVR clock's correction. Frame numbers and file times never depend on it.
  public var clock = ClockRequest()

  public init(stream: Int? = nil, format: String? = nil, fps: Double? = nil, clock: ClockRequest = ClockRequest()) {
    self.stream = stream
    self.format = format
    self.fps = fps
    self.clock = clock
  }
}

/// An opened container with its chosen video stream. Owns the `AVFormatContext`
/// (`avformat_open_input` in `init`, `avformat_close_input` in `deinit`). Inputs are only
/// ever opened read-only.
final class InputFile {
  let path: String
  var context: UnsafeMutablePointer<AVFormatContext>?
  let streamIndex: Int32
  let stream: UnsafeMutablePointer<AVStream>

  init(path: String, options: OpenOptions) throws(MediaError) {
    _ = FFmpegLibraries.quiet
    self.path = path
    try Self.checkReadableFile(path)

    var input: UnsafePointer<AVInputFormat>? = nil
    if let name = options.format {
      input = av_find_input_format(name)
      if input == nil { throw MediaError(file: path, kind: .notVideo, reason: "unknown input format '\(name)'") }
    }
    var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
    var status = avformat_open_input(&ctx, path, input, nil)
    if status < 0 {
      throw Self.openError(path: path, code: status)
    }
    context = ctx
    status = avformat_find_stream_info(ctx, nil)
    if status < 0 {
      avformat_close_input(&context)
      throw MediaError(file: path, kind: .notVideo, "cannot read stream information", code: status)
    }
    let fmt = ctx!
    let count = Int32(fmt.pointee.nb_streams)
    var chosen: Int32
    if let wanted = options.stream {
      guard wanted >= 0, wanted < count,
            fmt.pointee.streams[wanted]!.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO else {
        avformat_close_input(&context)
        throw MediaError(file: path, kind: .noVideoStream, reason: "stream \(wanted) is not a video stream (the file has \(count) streams)")
      }
      chosen = Int32(wanted)
    } else {
      chosen = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
      if chosen < 0 {
        avformat_close_input(&context)
        throw MediaError(file: path, kind: .noVideoStream, reason: "no video stream in the file")
      }
    }
    // Attached pictures (cover art) are not footage.
    if fmt.pointee.streams[Int(chosen)]!.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0, options.stream == nil {
      avformat_close_input(&context)
      throw MediaError(file: path, kind: .noVideoStream, reason: "no video stream in the file (only an attached picture)")
    }
    // A hostile declared size (16384x16384) is refused before any frame buffer is sized from it.
    let par = fmt.pointee.streams[Int(chosen)]!.pointee.codecpar.pointee
    if let refusal = InputLimits.frameSizeRefusal(width: Int(par.width), height: Int(par.height)) {
      avformat_close_input(&context)
      throw MediaError(file: path, kind: .tooLarge, reason: refusal)
    }
    streamIndex = chosen
    stream = fmt.pointee.streams[Int(chosen)]!
    // Let the demuxer drop every other stream's packets early.
    for i in 0..<Int(count) where i != Int(chosen) {
      fmt.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL
    }
  }

  deinit { avformat_close_input(&context) }

  var format: UnsafeMutablePointer<AVFormatContext> { context! }

  /// True when the container carries no timestamps of its own: raw elementary streams and
  /// piped images, whose demuxers invent pts from a default rate (25) rather than read them.
  var containerHasNoTimestamps: Bool {
    if Int32(format.pointee.iformat.pointee.flags) & AVFMT_NOTIMESTAMPS != 0 { return true }
    return Self.rawDemuxers.contains(formatName) || formatName.hasSuffix("_pipe")
  }

  /// The demuxer's FFmpeg name (`AVInputFormat.name`: "mov,mp4,m4a,3gp,3g2,mj2", "dhav"…).
  var formatName: String { String(cString: format.pointee.iformat.pointee.name) }

  /// True for demuxers whose own seeks cannot be trusted to land on the keyframe at or
  /// before the time asked with the frame's own timestamp: FrameScout seeks their files
  /// through a `PacketIndex` (to the keyframe packet's byte offset, its frames numbered from
  /// its position). Measured with FFmpeg 5.1:
  /// - dhav (Dahua .dav) times a frame by its DVR date (whole seconds) plus the millisecond
  ///   counter's step from the frame before; after a seek there is no frame before, and the
  ///   keyframe gets the start of its second (`seeksLoseTimestamps`). On a 25 fps .dav with
  ///   keyframes 1.6 s apart, `ffmpeg -ss 3.3` delivered frame 88 stamped as frame 83.
  /// - mpeg (MPEG-PS: Hikvision exports) seeks by bisecting on timestamps and can land past
  ///   the keyframe: `find` ended a match at frame 150 instead of 165 on a Hikvision copy
  ///   of parcel_taken.mp4.
  var seeksThroughIndex: Bool { Self.indexSeekedDemuxers.contains(formatName) }

  /// dhav: after a seek the demuxer's timestamps are wrong, so a landing is checked by the
  /// packet's byte offset only, and a stream copy reads from the start.
  var seeksLoseTimestamps: Bool { formatName == "dhav" }

  static let indexSeekedDemuxers: Set<String> = ["dhav", "mpeg"]

  /// FFmpeg demuxers of bare elementary streams (no container timing).
  static let rawDemuxers: Set<String> = ["h264", "hevc", "mjpeg", "mpegvideo", "m4v", "cavsvideo", "vc1", "h261", "h263",
                                         "avs2", "avs3", "vvc", "dirac", "rawvideo", "mjpeg_2000", "ingenient"]

  /// Reads the packets of the chosen stream, in file order, lending each to `body` until it
  /// returns false or the file ends. Read errors are skipped (64 in a row end the scan, as
  /// does the end of a truncated file). Returns the number of read errors skipped. The
  /// corresponding FFmpeg calls are `av_read_frame` and `av_packet_unref`.
  func forEachVideoPacket(_ body: (UnsafeMutablePointer<AVPacket>) throws -> Bool) throws(MediaError) -> Int {
    guard let pkt = av_packet_alloc() else { throw MediaError(file: path, kind: .readFailed, reason: "out of memory") }
    var packet: UnsafeMutablePointer<AVPacket>? = pkt
    defer { av_packet_free(&packet) }
    var errors = 0, consecutive = 0
    while true {
      let status = av_read_frame(format, pkt)
      if status == CFFMPEG_AVERROR_EOF { break }
      if status < 0 {
        if status == cffmpeg_averror(EAGAIN) { continue }
        if avio_feof(format.pointee.pb) != 0 { break }
        errors += 1
        consecutive += 1
        if consecutive >= 64 { break }
        continue
      }
      consecutive = 0
      defer { av_packet_unref(pkt) }
      guard pkt.pointee.stream_index == streamIndex else { continue }
      let goOn: Bool
      do { goOn = try body(pkt) } catch let e as MediaError { throw e } catch {
        throw MediaError(file: path, kind: .readFailed, reason: "\(error)")
      }
      if !goOn { break }
    }
    return errors
  }

  /// Checks the path before FFmpeg sees it, so the common mistakes get plain words.
  static func checkReadableFile(_ path: String) throws(MediaError) {
    var st = stat()
    if stat(path, &st) != 0 {
      let e = errno
      if e == EACCES { throw MediaError(file: path, kind: .permissionDenied, reason: "permission denied") }
      throw MediaError(file: path, kind: .notFound, reason: "no such file")
    }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw MediaError(file: path, kind: .isDirectory, reason: "is a directory, not a video file") }
    if (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0 { throw MediaError(file: path, kind: .empty, reason: "empty file (0 bytes)") }
    let fd = open(path, O_RDONLY)
    if fd < 0 {
      let e = errno
      if e == EACCES { throw MediaError(file: path, kind: .permissionDenied, reason: "permission denied") }
      throw MediaError(file: path, kind: .readFailed, reason: "cannot open: \(String(cString: strerror(e)))")
    }
    close(fd)
  }

  static func openError(path: String, code: Int32) -> MediaError {
    if code == CFFMPEG_AVERROR_INVALIDDATA {
      if looksLikeISOMedia(path) {
        return MediaError(file: path, kind: .notVideo, reason: "damaged or truncated MP4/MOV: its index (moov atom) is missing or unreadable")
      }
      return MediaError(file: path, kind: .notVideo, reason: "not a video file (no known container or stream format)")
    }
    if code == cffmpeg_averror(EACCES) { return MediaError(file: path, kind: .permissionDenied, reason: "permission denied") }
    return MediaError(file: path, kind: .notVideo, "cannot open", code: code)
  }
}

/// True when the file starts with an ISO base media box (`ftyp`, `moov`, `mdat`, `free`).
func looksLikeISOMedia(_ path: String) -> Bool {
  guard let handle = FileHandle(forReadingAtPath: path) else { return false }
  defer { try? handle.close() }
  guard let head = try? handle.read(upToCount: 8), head.count == 8 else { return false }
  let type = String(decoding: head[4..<8], as: UTF8.self)
  return ["ftyp", "moov", "mdat", "free", "wide", "skip"].contains(type)
}

extension AVRational {
  var doubleValue: Double? { num > 0 && den > 0 ? Double(num) / Double(den) : nil }
}

extension OpenOptions {
  /// Also a check: a stream index is 0 or more, a frame rate between 0 and 1000.
  public func validate() throws(SettingError) {
    if let stream, stream < 0 { throw SettingError("stream", "must be 0 or more") }
    if let fps, !(fps > 0 && fps < 1000) { throw SettingError("fps", "must be between 0 and 1000") }
  }

  /// The JSON `parameters` of how inputs are opened (every command that opens video).
  public var parameters: [(String, JSONValue)] {
    [("stream", .optional(stream)), ("format", .optional(format)), ("fps", .optional(fps))]
  }
}
