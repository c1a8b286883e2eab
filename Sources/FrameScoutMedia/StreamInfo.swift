import CFFmpeg
import Foundation

/// What the container and codec parameters say about the chosen video stream, without
/// decoding. Read from `AVFormatContext`, `AVStream` and `AVCodecParameters`.
public struct StreamInfo: Sendable, Hashable {
  public var container: String          // AVInputFormat.name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  public var containerLongName: String
  public var streamIndex: Int
  public var streamCount: Int
  public var codec: String               // avcodec_get_name
  public var profile: String?            // avcodec_profile_name
  public var width: Int
  public var height: Int
  public var pixelFormat: String?        // av_get_pix_fmt_name
  public var fieldOrder: String          // progressive / interlaced (tt, bb, tb, bt) / unknown
  public var averageFrameRate: Double?   // AVStream.avg_frame_rate
  public var baseFrameRate: Double?      // AVStream.r_frame_rate
  public var duration: Double?           // seconds, stream duration, else container duration
  public var durationSource: String?
  public var startTime: Double?          // seconds
  public var bitRate: Int?               // bits/s, container bit rate else stream's
  public var declaredFrameCount: Int?    // AVStream.nb_frames when the container states it
  public var timeBase: String            // "1/12800"
  public var hasTimestamps: Bool          // false for raw elementary streams
  public var tags: [String: String]      // creation_time, encoder, … (container + stream)

  /// The frame rate the container declares (average, else base rate).
  public var nominalFPS: Double? { averageFrameRate ?? baseFrameRate }
  public var nominalFPSSource: String? {
    averageFrameRate != nil ? "container average frame rate (avg_frame_rate)"
      : baseFrameRate != nil ? "stream base rate (r_frame_rate)" : nil
  }

  init(input: InputFile) {
    let fmt = input.format
    let st = input.stream
    let par = st.pointee.codecpar!
    container = String(cString: fmt.pointee.iformat.pointee.name)
    containerLongName = fmt.pointee.iformat.pointee.long_name.map { String(cString: $0) } ?? container
    streamIndex = Int(input.streamIndex)
    streamCount = Int(fmt.pointee.nb_streams)
    codec = String(cString: avcodec_get_name(par.pointee.codec_id))
    profile = avcodec_profile_name(par.pointee.codec_id, par.pointee.profile).map { String(cString: $0) }
    width = Int(par.pointee.width)
    height = Int(par.pointee.height)
    pixelFormat = av_get_pix_fmt_name(AVPixelFormat(par.pointee.format)).map { String(cString: $0) }
    switch par.pointee.field_order {
    case AV_FIELD_PROGRESSIVE: fieldOrder = "progressive"
    case AV_FIELD_TT: fieldOrder = "interlaced (top field first)"
    case AV_FIELD_BB: fieldOrder = "interlaced (bottom field first)"
    case AV_FIELD_TB: fieldOrder = "interlaced (top coded first, bottom displayed first)"
    case AV_FIELD_BT: fieldOrder = "interlaced (bottom coded first, top displayed first)"
    default: fieldOrder = "unknown"
    }
    let noTimestamps = input.containerHasNoTimestamps
    hasTimestamps = !noTimestamps
    // Raw demuxers report their default rate (25) as avg_frame_rate: not a fact about the file.
    averageFrameRate = noTimestamps ? nil : st.pointee.avg_frame_rate.doubleValue
    baseFrameRate = st.pointee.r_frame_rate.doubleValue
    let tb = st.pointee.time_base.doubleValue ?? 0
    timeBase = "\(st.pointee.time_base.num)/\(st.pointee.time_base.den)"
    if st.pointee.duration != CFFMPEG_NOPTS_VALUE && st.pointee.duration > 0 && tb > 0 && !noTimestamps {
      duration = Double(st.pointee.duration) * tb
      durationSource = "stream"
    } else if fmt.pointee.duration != CFFMPEG_NOPTS_VALUE && fmt.pointee.duration > 0 && !noTimestamps {
      duration = Double(fmt.pointee.duration) / Double(CFFMPEG_TIME_BASE)
      durationSource = "container"
    } else {
      duration = nil
      durationSource = nil
    }
    if st.pointee.start_time != CFFMPEG_NOPTS_VALUE && tb > 0 && !noTimestamps {
      startTime = Double(st.pointee.start_time) * tb
    } else {
      startTime = nil
    }
    let rate = fmt.pointee.bit_rate > 0 ? fmt.pointee.bit_rate : par.pointee.bit_rate
    bitRate = rate > 0 ? Int(rate) : nil
    declaredFrameCount = st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil
    var tags: [String: String] = [:]
    for dict in [fmt.pointee.metadata, st.pointee.metadata] {
      var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
      while let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
        entry = e
        let key = String(cString: e.pointee.key), value = String(cString: e.pointee.value)
        if tags[key] == nil { tags[key] = value }
      }
    }
    self.tags = tags
  }
}
