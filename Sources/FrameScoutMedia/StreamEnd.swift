import CFFmpeg

/// Where a stream truly ends: its last frame's time plus that frame's duration, from the
/// packets near the end (demux only, no decode). A container's declared duration can be
/// short of it (an MP4 whose last sample is given the first frames' duration: a VFR file
/// of 34.56 s declares 34.44 s), and one-minute DVR files laid end to end on a timeline
/// would drift by that much per file. The last frame lasts as long as the step from the
/// frame before it (packet durations are often the muxer's default, not the frame's).
public enum StreamEnd {
  /// Seconds from the stream's first frame to the end of its last frame (the time base of
  /// `VideoFrame.time`), or nil when the stream has no timestamps or no packets (the
  /// declared duration is then the best there is).
  public static func measure(path: String, options: OpenOptions = OpenOptions(), declared: Double?) -> Double? {
    guard let input = try? InputFile(path: path, options: options), !input.containerHasNoTimestamps else { return nil }
    let st = input.stream
    guard let tb = st.pointee.time_base.doubleValue, tb > 0 else { return nil }
    let origin = st.pointee.start_time != CFFMPEG_NOPTS_VALUE ? st.pointee.start_time : 0
    // The last few seconds (from a keyframe before them): enough to hold the last two
    // frames whatever the GOP; a stream that cannot seek, or whose demuxer's seek loses
    // timestamps (dhav), is read from its start.
    if let declared, declared > tailSeconds, !input.seeksLoseTimestamps {
      let target = origin + Int64((declared - tailSeconds) / tb)
      if av_seek_frame(input.format, input.streamIndex, target, AVSEEK_FLAG_BACKWARD) < 0 {
        _ = av_seek_frame(input.format, input.streamIndex, origin, AVSEEK_FLAG_BACKWARD)
      }
    }
    var last: Int64?, previous: Int64?
    _ = try? input.forEachVideoPacket { pkt in
      let pts = pkt.pointee.pts
      guard pts != CFFMPEG_NOPTS_VALUE else { return true }
      if last == nil || pts > last! { previous = last; last = pts } else if previous == nil || pts > previous! { previous = pts }
      return true
    }
    guard let last else { return nil }
    let step = previous.map { last - $0 } ?? 0
    let lastDuration = step > 0 ? Double(step) * tb : StreamInfo(input: input).clock(userRate: options.fps).frameDuration
    return Double(last - origin) * tb + lastDuration
  }

  /// Seconds before the declared end that are read to find the last frames.
  static let tailSeconds = 10.0
}
