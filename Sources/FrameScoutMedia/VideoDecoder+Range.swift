import FrameScoutCore

extension VideoDecoder {
  /// Decodes frames `from` up to `through` (nil: to the end) and lends each to `body` with
  /// its number, until `body` returns `.stop`: seeks to the keyframe before `from`, and
  /// when the seek delivers nothing or first a frame after `from` (MPEG-TS seeks by
  /// bisection), tries again from 2, 4, 8… seconds earlier, down to the start.
  public func forEachFrame(from: Int, through: Int?, _ body: (borrowing VideoFrame) throws -> FrameAction) throws {
    let time = clock.seconds(ofFrame: from)
    var back = 0.0
    while true {
      let start = time - back
      if from > 0 && start > 0 { try seek(toKeyframeAtOrBefore: start) } else { try rewind() }
      var delivered = false, overshot = false
      try forEachFrame { frame in
        if !delivered {
          delivered = true
          if frame.index > from { overshot = true; return .stop }
        }
        if frame.index < from { return .next }
        if let through, frame.index > through { return .stop }
        return try body(frame)
      }
      if (delivered && !overshot) || from == 0 || start <= 0 { break }
      back = back == 0 ? 2 : back * 2
    }
  }
}
