import CFFmpeg
import CFFmpegLog
import FrameScoutCore
import Foundation

/// How to decode: threads, keyframes only, and the size of the reduced gray image.
public struct DecodeOptions: Sendable, Hashable {
  public var open: OpenOptions
  /// Decoder threads; 0 uses every core.
  public var threads: Int
  /// Decode keyframes only: non-key packets are never handed to the decoder, and the
  /// decoder is told to skip non-key frames (`skip_frame = AVDISCARD_NONKEY`).
  public var keyframesOnly: Bool
  /// Width of the reduced gray image lent with each frame (area average of the luma
  /// plane); nil lends the luma plane only.
  public var analysisWidth: Int?
  /// With `keyframesOnly`: skip keyframes less than this many seconds (by packet pts)
  /// after the last one decoded, so sparse sampling costs only the keyframes it uses.
  public var keyframeSpacing: Double?
  /// Take each frame's raw-picture hash (`VideoFrame.contentHash()`) while its luma is
  /// reduced to the analysis width, in the same pass over the plane (`AreaDownsampler`'s
  /// fused hash); only with an analysis width. The hash has the same value either way.
  public var contentHash = false

  public init(open: OpenOptions = OpenOptions(), threads: Int = 0, keyframesOnly: Bool = false, analysisWidth: Int? = 320,
              keyframeSpacing: Double? = nil) {
    self.open = open
    self.threads = threads
    self.keyframesOnly = keyframesOnly
    self.analysisWidth = analysisWidth
    self.keyframeSpacing = keyframeSpacing
  }
}

/// One decoded frame, lent to the caller's closure and valid only during the call.
public struct VideoFrame: ~Copyable {
  /// Position in presentation order, counted from the first frame of the stream.
  public let index: Int
  /// The frame's own timestamp in the stream's time base (nil when the stream has none).
  public let pts: Int64?
  /// Seconds from the start of the stream, from the frame's pts (never index ÷ fps while
  /// pts exist); for streams without timestamps, index ÷ the frame rate in `timing`.
  public let time: Double
  public let isKeyframe: Bool
  /// The decoder reported damage in this frame (concealed errors).
  public let isCorrupt: Bool
  /// The full-resolution luma plane (the Y plane of YUV, borrowed, no copy).
  public let luma: GrayView
  /// The luma reduced to the analysis width (nil when no analysis width was asked for).
  public let gray: GrayView?
  /// The decoder's frame, for colour rendering during the call only.
  let native: UnsafeMutablePointer<AVFrame>
  /// `contentHash()`, when the decoder took it while reducing the luma.
  let fusedHash: UInt64?

  /// The U and V planes, for planar 8-bit YUV frames (nil otherwise: RGB, packed, >8-bit).
  public var chroma: ChromaPlanes? {
    var sw: Int32 = 0, sh: Int32 = 0
    guard cffmpeg_pixfmt_planar_chroma(native.pointee.format, &sw, &sh) != 0,
          let u = native.pointee.data.1, let v = native.pointee.data.2,
          native.pointee.linesize.1 > 0, native.pointee.linesize.2 > 0 else { return nil }
    let w = (Int(native.pointee.width) + (1 << sw) - 1) >> sw, h = (Int(native.pointee.height) + (1 << sh) - 1) >> sh
    return ChromaPlanes(u: GrayView(base: UnsafePointer(u), width: w, height: h, stride: Int(native.pointee.linesize.1)),
                        v: GrayView(base: UnsafePointer(v), width: w, height: h, stride: Int(native.pointee.linesize.2)),
                        shiftX: Int(sw), shiftY: Int(sh))
  }

  /// Mean colour of a rectangle in source pixels: from the chroma planes when the frame is
  /// planar YUV, else from an RGB conversion of the frame.
  public func meanChroma(in r: PixelRect) -> Chroma {
    if let c = chroma { return c.mean(in: r) }
    let image = rgb(width: Int(native.pointee.width))
    var sum = (0.0, 0.0, 0.0), n = 0.0
    for y in max(0, r.y)..<min(image.height, r.y + r.height) {
      for x in max(0, r.x)..<min(image.width, r.x + r.width) {
        let p = image.pixel(x, y)
        sum.0 += Double(p.0); sum.1 += Double(p.1); sum.2 += Double(p.2); n += 1
      }
    }
    return n > 0 ? Chroma(red: sum.0 / n, green: sum.1 / n, blue: sum.2 / n) : Chroma(u: 128, v: 128)
  }

  /// Width of one storage pixel over its height (the sample aspect ratio; 1 when unknown).
  public var sampleAspect: Double { native.pointee.sample_aspect_ratio.doubleValue ?? 1 }

  /// The frame in colour, scaled to `width` (aspect kept, sample aspect ratio applied),
  /// for thumbnails and exports. The corresponding FFmpeg call is `sws_scale` to RGB24.
  public func rgb(width requested: Int? = nil) -> RGBImage {
    let w = Int(native.pointee.width), h = Int(native.pointee.height)
    let sar = sampleAspect
    let displayWidth = Double(w) * sar
    let outW = max(2, requested ?? Int(displayWidth.rounded()))
    let outH = max(2, Int((Double(h) * Double(outW) / displayWidth).rounded()))
    var image = RGBImage(width: outW, height: outH)
    guard let sws = sws_getContext(Int32(w), Int32(h), AVPixelFormat(native.pointee.format), Int32(outW), Int32(outH),
                                   AV_PIX_FMT_RGB24, outW < w ? SWS_AREA : SWS_BICUBIC, nil, nil, nil) else { return image }
    defer { sws_freeContext(sws) }
    image.pixels.withUnsafeMutableBufferPointer { out in
      var dst: (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) = (out.baseAddress, nil, nil, nil)
      var dstStride: (Int32, Int32, Int32, Int32) = (Int32(outW * 3), 0, 0, 0)
      withUnsafePointer(to: native.pointee.data) { data in
        withUnsafePointer(to: native.pointee.linesize) { lines in
          data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
            lines.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
              withUnsafeMutablePointer(to: &dst) { d in
                withUnsafeMutablePointer(to: &dstStride) { ds in
                  d.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 4) { dp in
                    ds.withMemoryRebound(to: Int32.self, capacity: 4) { dsp in
                      _ = sws_scale(sws, src, srcStride, 0, Int32(h), dp, dsp)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return image
  }
}

public enum FrameAction { case next, stop }

/// Where the frame times of a stream come from (see `StreamClock`).
public typealias TimingSource = StreamClock.Timing

/// Counts of what went wrong while decoding, reported to the caller as warnings.
public struct DamageReport: Sendable, Hashable {
  /// Packets the demuxer or decoder rejected (skipped).
  public var corruptPackets = 0
  /// Frames the decoder delivered with concealed errors.
  public var corruptFrames = 0
  /// Read errors the demuxer recovered from.
  public var readErrors = 0
  /// The stream ended early (truncated file) or a read failed for good.
  public var truncated = false
  /// Errors the decoder logged while concealing damage (FFmpeg's own count of its complaints).
  public var decoderErrors = 0

  public var isEmpty: Bool { corruptPackets == 0 && corruptFrames == 0 && readErrors == 0 && !truncated && decoderErrors == 0 }

  /// Adds another decoder's counts (a file decoded in parts).
  public init() {}

  public mutating func add(_ o: DamageReport) {
    corruptPackets += o.corruptPackets
    corruptFrames += o.corruptFrames
    readErrors += o.readErrors
    truncated = truncated || o.truncated
    decoderErrors += o.decoderErrors
  }

  public var summary: String {
    var parts: [String] = []
    if corruptPackets > 0 { parts.append("\(corruptPackets) corrupt packet\(corruptPackets == 1 ? "" : "s") skipped") }
    if corruptFrames > 0 { parts.append("\(corruptFrames) frame\(corruptFrames == 1 ? "" : "s") decoded with errors") }
    if readErrors > 0 { parts.append("\(readErrors) read error\(readErrors == 1 ? "" : "s")") }
    if decoderErrors > 0 { parts.append("\(decoderErrors) decoder error\(decoderErrors == 1 ? "" : "s") (damage concealed)") }
    if truncated { parts.append("the file ends early (truncated)") }
    return parts.joined(separator: ", ")
  }
}

/// Decodes the video stream of one file and lends each frame to a closure.
///
/// Owns the `AVCodecContext`, one `AVPacket` and one `AVFrame` (allocated in `init`,
/// freed in `deinit`), the swscale context for non-YUV inputs, and the reduced image, all
/// reused for every frame: memory stays bounded whatever the length of the video.
public final class VideoDecoder {
  public let path: String
  public let options: DecodeOptions
  let input: InputFile
  var codec: UnsafeMutablePointer<AVCodecContext>?
  var packet: UnsafeMutablePointer<AVPacket>?
  var frame: UnsafeMutablePointer<AVFrame>?
  var scaler: OpaquePointer?
  var scalerKey: (Int32, Int32, Int32) = (0, 0, -1)
  let lumaBuffer = PixelBuffer()
  let reduced = PixelBuffer()
  /// swscale's destination plane pointers and strides (only plane 0 is used: GRAY8).
  let scaleDestination = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: 4)
  let scaleDestinationStride = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
  var downsampler: AreaDownsampler?

  public private(set) var damageCounts = DamageReport()
  /// What went wrong so far: skipped packets, damaged frames, and the errors the decoder
  /// itself logged (concealed slices, missing references).
  public var damage: DamageReport {
    var d = damageCounts
    d.decoderErrors = cffmpeg_error_count(errorCounter)
    return d
  }
  /// Errors FFmpeg logs for this decoder (and its frame-thread workers) are counted here.
  let errorCounter: UnsafeMutablePointer<cffmpeg_error_counter> = {
    let p = UnsafeMutablePointer<cffmpeg_error_counter>.allocate(capacity: 1)
    p.initialize(to: cffmpeg_error_counter())
    return p
  }()
  /// Human-readable notes about the input (assumed frame rate, etc.), each said once.
  public private(set) var warnings: [String] = []
  /// The stream's clock: how its frames are timed and numbered (decided once, at open).
  public let clock: StreamClock
  /// Where the times of the frames delivered so far came from: the clock's timing, or
  /// `assumed` once a stream without timestamps proved to carry no timing information.
  public private(set) var timingSource: TimingSource = .pts

  /// Time base of the stream in seconds per tick, and the pts that counts as time zero.
  let timeBase: Double
  let originPts: Int64?
  /// Next presentation index while decoding sequentially from the start (nil after a seek
  /// until a frame with pts re-anchors it).
  var nextIndex: Int? = 0
  /// Keyframes-only decoding from the start: the position (video packets read before it) of
  /// each keyframe packet sent, oldest first. An I-frame's packet position is its frame
  /// number (closed GOPs), whatever the timestamps; the decoder returns frames in the
  /// order they were sent. Bounded by the decoder's delay.
  var sentKeyframePositions: [Int] = []
  var videoPacketsRead = 0
  /// Video packets read since the start (or the last seek), decoded or skipped: after a
  /// keyframes-only pass from the start, the number of frames in the stream.
  public var packetsRead: Int { videoPacketsRead }
  var lastKeyframeSent: Double?
  /// Set by a seek that could not number the frames: the next packet read anchors them.
  var anchorAfterSeek = false
  /// After a seek anchored on an index entry: the keyframe's position in decode order, and
  /// the pts of the packets read after it, until the first frame is delivered. In an open
  /// GOP (HEVC's CRA keyframes, x264's open-gop) the pictures that follow the keyframe in
  /// decode order but precede it on screen ("leading pictures") are dropped after a seek,
  /// so the first frame shown is numbered its position plus the packets after it that
  /// show before it.
  var anchor: (position: Int, ptsAfter: [Int64])? = nil
  /// Whether the demuxer holds one index entry per frame of the stream (MP4/MOV).
  lazy var hasFrameIndex: Bool = {
    let st = input.stream
    let entries = avformat_index_get_entries_count(st)
    return st.pointee.nb_frames > 0 && Int64(entries) == st.pointee.nb_frames
  }()

  /// The position of a packet in the per-frame index (frames before it in decode order).
  /// The corresponding FFmpeg call is `av_index_search_timestamp`.
  func indexPosition(of pkt: UnsafeMutablePointer<AVPacket>) -> Int? {
    guard hasFrameIndex, pkt.pointee.dts != CFFMPEG_NOPTS_VALUE else { return nil }
    let k = av_index_search_timestamp(input.stream, pkt.pointee.dts, AVSEEK_FLAG_ANY | AVSEEK_FLAG_BACKWARD)
    guard k >= 0, let e = avformat_index_get_entry(input.stream, k), e.pointee.timestamp == pkt.pointee.dts else { return nil }
    return Int(k)
  }
  var untimedRateChecked = false
  var finished = false
  /// For demuxers sought through an index (`InputFile.seeksThroughIndex`): every packet's
  /// timestamps as read from the start (read at the first seek); the packets read after a
  /// seek are stamped from it.
  var packetIndex: PacketIndex?
  /// The keyframe the next packet read must be, after `move(to:)`.
  var landing: PacketIndex.Keyframe?
  /// Packets before this position are read but not decoded (a seek read through, see `restamp`).
  var skipUntil = 0

  public init(path: String, options: DecodeOptions = DecodeOptions()) throws(MediaError) {
    self.path = path
    self.options = options
    input = try InputFile(path: path, options: options.open)
    let st = input.stream
    timeBase = st.pointee.time_base.doubleValue ?? 1.0 / 90_000
    originPts = st.pointee.start_time != CFFMPEG_NOPTS_VALUE ? st.pointee.start_time : nil
    clock = StreamInfo(input: input).clock(userRate: options.open.fps)
    timingSource = clock.timing
    scaleDestination.initialize(repeating: nil, count: 4)
    scaleDestinationStride.initialize(repeating: 0, count: 4)

    let par = st.pointee.codecpar!
    guard let decoder = avcodec_find_decoder(par.pointee.codec_id) else {
      let name = String(cString: avcodec_get_name(par.pointee.codec_id))
      let tag = par.pointee.codec_tag
      let fourcc = tag == 0 ? "" : " (fourcc \(fourCC(tag)))"
      throw MediaError(file: path, kind: .unsupportedCodec, reason: "unsupported video codec '\(name)'\(fourcc): no decoder in this FFmpeg")
    }
    codec = avcodec_alloc_context3(decoder)
    packet = av_packet_alloc()
    frame = av_frame_alloc()
    guard let ctx = codec, packet != nil, frame != nil else {
      throw MediaError(file: path, kind: .readFailed, reason: "out of memory allocating the decoder")
    }
    var status = avcodec_parameters_to_context(ctx, par)
    if status < 0 { throw MediaError(file: path, kind: .unsupportedCodec, "cannot configure the decoder", code: status) }
    ctx.pointee.pkt_timebase = st.pointee.time_base
    ctx.pointee.opaque = UnsafeMutableRawPointer(errorCounter)
    ctx.pointee.thread_count = Int32(InputLimits.decoderThreads(options.threads))
    // libavcodec refuses frames larger than this (av_image_check_size2), whatever the SPS says.
    ctx.pointee.max_pixels = Int64(InputLimits.maxFramePixels)
    ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
    if options.keyframesOnly { ctx.pointee.skip_frame = AVDISCARD_NONKEY }
    status = avcodec_open2(ctx, decoder, nil)
    if status < 0 { throw MediaError(file: path, kind: .unsupportedCodec, "cannot open the \(String(cString: decoder.pointee.name)) decoder", code: status) }
  }

  deinit {
    avcodec_free_context(&codec)    // first: its workers may still log into errorCounter
    errorCounter.deallocate()
    scaleDestination.deallocate()
    scaleDestinationStride.deallocate()
    sws_freeContext(scaler)
    av_frame_free(&frame)
    av_packet_free(&packet)
  }

  /// The stream's facts as the container states them.
  public var info: StreamInfo { StreamInfo(input: input) }

  /// Moves to the keyframe at or before `seconds` (measured like `VideoFrame.time`).
  /// The next `forEachFrame` starts there. The corresponding FFmpeg calls are
  /// `av_seek_frame(…, AVSEEK_FLAG_BACKWARD)` and `avcodec_flush_buffers`; for demuxers
  /// whose seeks cannot be trusted (Dahua's dhav, MPEG-PS), `seekThroughIndex`.
  public func seek(toKeyframeAtOrBefore seconds: Double) throws(MediaError) {
    let target = Int64((max(0, seconds) / timeBase).rounded(.down)) + (originPts ?? 0)
    if input.seeksThroughIndex { return try seekThroughIndex(toKeyframeAtOrBefore: target) }
    var status = av_seek_frame(input.format, input.streamIndex, target, AVSEEK_FLAG_BACKWARD)
    if status < 0 {
      // Some demuxers (raw streams) only seek by bytes or not at all: rewind to the start.
      status = av_seek_frame(input.format, input.streamIndex, originPts ?? 0, AVSEEK_FLAG_BACKWARD)
      if status < 0 { status = avformat_seek_file(input.format, -1, Int64.min, 0, 0, AVSEEK_FLAG_BYTE) }
      if status < 0 { throw MediaError(file: path, kind: .readFailed, "cannot seek to \(Timecode.format(seconds))", code: status) }
      nextIndex = 0
    } else {
      nextIndex = target <= (originPts ?? 0) ? 0 : nil
      anchorAfterSeek = nextIndex == nil
    }
    restart(at: 0)
  }

  /// Forgets what the decoder holds after the demuxer moved: the next packet read is the
  /// `position`-th video packet (0 when unknown). The corresponding FFmpeg call is `avcodec_flush_buffers`.
  func restart(at position: Int) {
    avcodec_flush_buffers(codec)
    anchor = nil
    sentKeyframePositions.removeAll(keepingCapacity: true)
    videoPacketsRead = position
    lastKeyframeSent = nil
    finished = false
    landing = nil
    skipUntil = 0
  }

  /// Moves to the keyframe at or before `pts` (the first keyframe when nil) by the file's
  /// `PacketIndex` (read at the first call): to the keyframe packet's byte offset, frames
  /// numbered from its position (see `restamp`). The demuxer's own seek is not used: see
  /// `InputFile.seeksThroughIndex`.
  func seekThroughIndex(toKeyframeAtOrBefore pts: Int64?) throws(MediaError) {
    if packetIndex == nil { packetIndex = try PacketIndex.read(path: path, options: options.open) }
    guard let k = pts.map({ packetIndex!.keyframe(atOrBefore: $0) }) ?? packetIndex!.keyframes.first else {
      throw MediaError(file: path, kind: .readFailed, reason: "cannot seek: the file has no keyframe")
    }
    try move(to: k)
    nextIndex = k.position
    anchorAfterSeek = false
  }

  /// Puts the demuxer at a keyframe's byte offset; the next packet read must be that keyframe.
  /// The corresponding FFmpeg calls are `avio_seek` and `avformat_flush`.
  func move(to k: PacketIndex.Keyframe) throws(MediaError) {
    let status = avio_seek(input.format.pointee.pb, k.offset, SEEK_SET)
    if status < 0 { throw MediaError(file: path, kind: .readFailed, "cannot seek to byte \(k.offset)", code: Int32(truncatingIfNeeded: status)) }
    avformat_flush(input.format)
    restart(at: k.position)
    landing = k
  }

  /// With a `PacketIndex`: stamps each video packet with the timestamps the index holds for
  /// its position. The first packet after `seekThroughIndex` must be the keyframe sought (its
  /// byte offset, and its pts where the demuxer keeps them); when it is not (an MPEG-PS
  /// keyframe that does not begin its PES packet), the file is read through from its first
  /// keyframe instead, the packets before the one sought counted but not decoded. Returns
  /// false for a packet to drop.
  func restamp(_ pkt: UnsafeMutablePointer<AVPacket>, from index: PacketIndex) throws(MediaError) -> Bool {
    if let k = landing {
      landing = nil
      let landed = pkt.pointee.pos == k.offset && (input.seeksLoseTimestamps || pkt.pointee.pts == k.pts)
      if !landed {
        guard let first = index.keyframes.first, first.offset != k.offset else {
          throw MediaError(file: path, kind: .readFailed, reason: "cannot seek: the first keyframe is not at byte \(k.offset) (the file changed?)")
        }
        try move(to: first)
        skipUntil = k.position
        return false
      }
    }
    let n = videoPacketsRead
    if n < index.pts.count {
      pkt.pointee.pts = index.pts[n]
      pkt.pointee.dts = index.dts[n]
    }
    return true
  }

  /// Goes back to the first frame: the next `forEachFrame` decodes from the start, whatever
  /// the demuxer's seeking support. Streams without timestamps and MPEG-TS/PS (whose time
  /// seeks bisect and can land past the start) go back to the first byte; the others seek
  /// by time to the first frame (Matroska and AVI resynchronise after a byte seek at the
  /// next cluster or chunk, which lost frame #0: found by the clock consistency test);
  /// demuxers whose seeks lose timestamps go to the first keyframe by `seekThroughIndex`.
  /// The corresponding FFmpeg calls are `avformat_seek_file(…, AVSEEK_FLAG_BYTE)` or
  /// `av_seek_frame(…, AVSEEK_FLAG_BACKWARD)`, and `avcodec_flush_buffers`.
  public func rewind() throws(MediaError) {
    if input.seeksLoseTimestamps { return try seekThroughIndex(toKeyframeAtOrBefore: nil) }
    let name = input.formatName
    let byBytes = input.containerHasNoTimestamps || name == "mpegts" || name == "mpeg"
    var status: Int32 = -1
    if byBytes { status = avformat_seek_file(input.format, -1, Int64.min, 0, 0, AVSEEK_FLAG_BYTE) }
    if status < 0 { status = av_seek_frame(input.format, input.streamIndex, originPts ?? 0, AVSEEK_FLAG_BACKWARD) }
    if status < 0 && !byBytes { status = avformat_seek_file(input.format, -1, Int64.min, 0, 0, AVSEEK_FLAG_BYTE) }
    if status < 0 { throw MediaError(file: path, kind: .readFailed, "cannot go back to the start", code: status) }
    restart(at: 0)
    nextIndex = 0
  }

  /// Decodes from the current position to the end (or until `body` returns `.stop`),
  /// lending each frame to `body`. Damage is counted in `damage`, never thrown.
  public func forEachFrame(_ body: (borrowing VideoFrame) throws -> FrameAction) throws {
    guard let ctx = codec, let pkt = packet else { return }
    let videoIndex = input.streamIndex
    var consecutiveReadErrors = 0
    if finished { return }
    while true {
      let status = av_read_frame(input.format, pkt)
      if status == CFFMPEG_AVERROR_EOF || (status < 0 && avio_feof(input.format.pointee.pb) != 0) {
        if status != CFFMPEG_AVERROR_EOF { damageCounts.truncated = true }
        break
      }
      if status < 0 {
        if status == cffmpeg_averror(EAGAIN) { continue }
        damageCounts.readErrors += 1
        consecutiveReadErrors += 1
        if consecutiveReadErrors >= 64 { damageCounts.truncated = true; break }
        continue
      }
      consecutiveReadErrors = 0
      defer { av_packet_unref(pkt) }
      if pkt.pointee.stream_index != videoIndex { continue }
      if let index = packetIndex {
        if try !restamp(pkt, from: index) { continue }
        if videoPacketsRead < skipUntil { videoPacketsRead += 1; continue }
      }
      if anchorAfterSeek {
        // The first packet after a seek: in a container with an index entry per frame
        // (MP4/MOV), its position in the index is the number of frames before it, which
        // numbers the frames from here exactly, whatever the frame rate.
        anchorAfterSeek = false
        if let position = indexPosition(of: pkt) {
          nextIndex = position
          videoPacketsRead = position
          if !options.keyframesOnly { anchor = (position, []) }
        }
      } else if anchor != nil, pkt.pointee.pts != CFFMPEG_NOPTS_VALUE, anchor!.ptsAfter.count < 64 {
        anchor!.ptsAfter.append(pkt.pointee.pts)
      }
      let position = videoPacketsRead
      videoPacketsRead += 1
      if options.keyframesOnly && cffmpeg_packet_is_key(pkt) == 0 { continue }
      if options.keyframesOnly, let spacing = options.keyframeSpacing, pkt.pointee.pts != CFFMPEG_NOPTS_VALUE {
        let t = Double(pkt.pointee.pts &- (originPts ?? 0)) * timeBase
        if let last = lastKeyframeSent, t < last + spacing - 1e-6 { continue }
        lastKeyframeSent = t
      }
      if cffmpeg_packet_is_corrupt(pkt) != 0 { damageCounts.corruptPackets += 1 }
      let sent = avcodec_send_packet(ctx, pkt)
      if sent < 0 && sent != cffmpeg_averror(EAGAIN) {
        damageCounts.corruptPackets += 1
        continue
      }
      if options.keyframesOnly && nextIndex != nil { sentKeyframePositions.append(position) }
      if try drain(ctx, body) == .stop { return }
    }
    // End of input: flush the frames the decoder still holds.
    avcodec_send_packet(ctx, nil)
    _ = try drain(ctx, body)
    finished = true
  }

  /// Receives every frame the decoder has ready. The corresponding FFmpeg call is
  /// `avcodec_receive_frame`; EAGAIN and EOF are statuses, not errors.
  func drain(_ ctx: UnsafeMutablePointer<AVCodecContext>, _ body: (borrowing VideoFrame) throws -> FrameAction) throws -> FrameAction {
    guard let f = frame else { return .next }
    while true {
      let r = avcodec_receive_frame(ctx, f)
      if r == cffmpeg_averror(EAGAIN) || r == CFFMPEG_AVERROR_EOF { return .next }
      if r < 0 { damageCounts.corruptPackets += 1; return .next }
      defer { av_frame_unref(f) }
      if cffmpeg_frame_is_corrupt(f) != 0 { damageCounts.corruptFrames += 1 }
      if try deliver(f, body) == .stop { return .stop }
    }
  }

  func deliver(_ f: UnsafeMutablePointer<AVFrame>, _ body: (borrowing VideoFrame) throws -> FrameAction) throws -> FrameAction {
    let rawPts = f.pointee.best_effort_timestamp
    let pts: Int64? = rawPts != CFFMPEG_NOPTS_VALUE ? rawPts : nil
    var time: Double
    var index: Int
    var keyframePosition: Int? = nil
    if options.keyframesOnly && nextIndex != nil && !sentKeyframePositions.isEmpty {
      keyframePosition = sentKeyframePositions.removeFirst()
    }
    if let pts, !input.containerHasNoTimestamps {
      time = Double(pts &- (originPts ?? 0)) * timeBase
      if let a = anchor {
        // The first frame after an anchored seek (see `anchor`).
        index = a.position + a.ptsAfter.filter { $0 < pts }.count
        anchor = nil
      } else if let n = keyframePosition ?? (options.keyframesOnly ? nil : nextIndex) {
        index = n
      } else {
        // After a seek: the index from the pts and the clock's rate (exact for constant frame rate).
        index = clock.nearestFrame(at: time)
      }
    } else {
      checkUntimedRate(ctx: codec!)
      index = keyframePosition ?? nextIndex ?? 0
      time = clock.seconds(ofFrame: index)
    }
    if nextIndex != nil || !options.keyframesOnly { nextIndex = index + 1 }

    guard let luma = lumaView(of: f) else { return .next }
    var reducedView: GrayView? = nil
    var fusedHash: UInt64? = nil
    if let width = options.analysisWidth {
      if downsampler == nil || downsampler!.sourceWidth != luma.width || downsampler!.sourceHeight != luma.height {
        let size = AreaDownsampler.size(forSourceWidth: luma.width, sourceHeight: luma.height, width: width)
        downsampler = AreaDownsampler(sourceWidth: luma.width, sourceHeight: luma.height, width: size.width, height: size.height)
        reduced.resize(width: size.width, height: size.height)
      }
      if options.contentHash && VideoFrame.lumaIsPlaneZero(f, luma) {
        // One pass over the luma for the reduction and the hash, then the other planes.
        var h = ContentHasher()
        downsampler!.downsample(luma, into: reduced.mutableView, hashing: &h)
        VideoFrame.forEachPlane(of: f, from: 1) { p in
          for y in 0..<p.rows { h.add(p.base + y * p.stride, count: p.rowBytes) }
        }
        fusedHash = h.finish()
      } else {
        downsampler!.downsample(luma, into: reduced.mutableView)
      }
      reducedView = reduced.view
    }
    let decoded = VideoFrame(index: index, pts: pts, time: time, isKeyframe: cffmpeg_frame_is_key(f) != 0,
                             isCorrupt: cffmpeg_frame_is_corrupt(f) != 0, luma: luma, gray: reducedView, native: f,
                             fusedHash: fusedHash)
    return try body(decoded)
  }

  /// A stream timed by its clock's rate rather than by pts: when that rate is the
  /// demuxer's and the bitstream carries no timing of its own, the 25 fps are FFmpeg's
  /// default, not a fact about the file (said once, as a warning).
  func checkUntimedRate(ctx: UnsafeMutablePointer<AVCodecContext>) {
    if untimedRateChecked { return }
    untimedRateChecked = true
    let bitstream = ctx.pointee.framerate.doubleValue.map { $0 > 0 && $0 < 1000 } ?? false
    if clock.timing == .bitstream && !bitstream {
      timingSource = .assumed
      warnings.append("no timestamps and no frame rate in the stream: assuming \(SettingCheck.plain(clock.rate)) fps (give the frame rate to change it)")
    }
  }

  /// The 8-bit luma of a decoded frame: the Y plane itself for planar YUV/gray formats,
  /// otherwise a gray conversion by swscale into a reused buffer.
  func lumaView(of f: UnsafeMutablePointer<AVFrame>) -> GrayView? {
    let w = f.pointee.width, h = f.pointee.height
    guard w > 0, h > 0 else { return nil }
    if cffmpeg_pixfmt_has_8bit_luma_plane(f.pointee.format) != 0, f.pointee.linesize.0 >= w, let y = f.pointee.data.0 {
      return GrayView(base: UnsafePointer(y), width: Int(w), height: Int(h), stride: Int(f.pointee.linesize.0))
    }
    if scaler == nil || scalerKey != (w, h, f.pointee.format) {
      sws_freeContext(scaler)
      scaler = sws_getContext(w, h, AVPixelFormat(f.pointee.format), w, h, AV_PIX_FMT_GRAY8, SWS_AREA, nil, nil, nil)
      scalerKey = (w, h, f.pointee.format)
      lumaBuffer.resize(width: Int(w), height: Int(h))
    }
    guard let sws = scaler else { return nil }
    scaleDestination[0] = lumaBuffer.mutableView.base
    scaleDestinationStride[0] = Int32(w)
    withUnsafePointer(to: f.pointee.data) { data in
      withUnsafePointer(to: f.pointee.linesize) { lines in
        data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
          lines.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
            _ = sws_scale(sws, src, srcStride, 0, h, scaleDestination, scaleDestinationStride)
          }
        }
      }
    }
    return lumaBuffer.view
  }
}

func fourCC(_ tag: UInt32) -> String {
  let bytes = [tag & 0xFF, (tag >> 8) & 0xFF, (tag >> 16) & 0xFF, (tag >> 24) & 0xFF]
  return String(bytes.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar(UInt8($0))) : "?" })
}
