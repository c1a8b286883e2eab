import CFFmpeg

/// Every video packet of a file as a read from the start gives it: its timestamps, and for
/// each keyframe the byte offset where the demuxer finds it. Built in one pass (demux only,
/// no decode) for demuxers whose own seeks cannot be trusted (`InputFile.seeksThroughIndex`):
/// the decoder moves to a keyframe's byte offset and stamps the packets read from there with
/// the timestamps they had when read from the start, so frame N is frame N, with its own time.
/// 16 bytes a packet (1.4 MB for an hour at 25 fps).
struct PacketIndex {
  struct Keyframe {
    /// Video packets before it in the file.
    let position: Int
    /// Byte offset of its packet (`AVPacket.pos`).
    let offset: Int64
    let pts: Int64
  }

  var pts: [Int64] = []
  var dts: [Int64] = []
  var keyframes: [Keyframe] = []

  /// Reads the video packets of `path` from the start. The corresponding FFmpeg call is `av_read_frame`.
  static func read(path: String, options: OpenOptions) throws(MediaError) -> PacketIndex {
    let input = try InputFile(path: path, options: options)
    var index = PacketIndex()
    _ = try input.forEachVideoPacket { pkt in
      let p = pkt.pointee
      if cffmpeg_packet_is_key(pkt) != 0 && p.pos >= 0 && p.pts != CFFMPEG_NOPTS_VALUE {
        index.keyframes.append(Keyframe(position: index.pts.count, offset: p.pos, pts: p.pts))
      }
      index.pts.append(p.pts)
      index.dts.append(p.dts)
      return true
    }
    return index
  }

  /// The last keyframe (in file order) whose pts is at or before `pts`, else the first one;
  /// nil when the file has no keyframe.
  func keyframe(atOrBefore pts: Int64) -> Keyframe? {
    keyframes.last { $0.pts <= pts } ?? keyframes.first
  }
}
