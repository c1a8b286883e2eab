import FrameScoutCore
import FrameScoutMedia
import FrameScoutSearch

extension InputRecord {
  /// The `inputs` entry of a fingerprinted file (audit, compare): the exact frame count,
  /// and the duration the frames span (the last one's time plus one frame interval: the
  /// median interval, else the clock's).
  /// `clock`: the user's request for its wall clock (`OpenOptions.clock`).
  public init(fingerprinted s: FingerprintStream, clock: ClockRequest = ClockRequest()) throws(MediaError) {
    let duration = s.count > 0 ? s.time[s.count - 1] + (s.medianInterval ?? s.clock.frameDuration) : 0
    try self.init(path: s.path, info: s.info, clock: s.clock, duration: duration, frames: s.count)
    wallClock = FileClock.of(path: s.path, info: s.info, duration: duration, clock: s.clock, request: clock, frameTimes: s.time)
  }
}
