import FrameScoutMedia
import FrameScoutSearch

extension InputRecord {
  /// The `inputs` entry of a fingerprinted file (audit, compare): the exact frame count,
  /// and the duration the frames span (the last one's time plus one frame interval: the
  /// median interval, else the clock's).
  public init(fingerprinted s: FingerprintStream) throws(MediaError) {
    let duration = s.count > 0 ? s.time[s.count - 1] + (s.medianInterval ?? s.clock.frameDuration) : 0
    try self.init(path: s.path, info: s.info, clock: s.clock, duration: duration, frames: s.count)
  }
}
