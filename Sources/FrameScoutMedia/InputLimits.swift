import Foundation

/// Limits that stop a hostile file from taking the machine (issue 21): the largest frame a
/// stream may declare or decode, the decoder threads one decoder may start, and the memory
/// the chunked decoder of one job may hold. Each is stated in the README ("Limits").
public enum InputLimits {
  /// The largest frame, in pixels, that a stream may declare (its container's width ×
  /// height) or decode: 8192×4320 (8K DCI). `FRAMESCOUT_MAX_FRAME_PIXELS` in the
  /// environment sets another (a positive integer).
  public static let defaultMaxFramePixels = 8192 * 4320
  /// The longest side a frame may have, in pixels, whatever `FRAMESCOUT_MAX_FRAME_PIXELS` says.
  public static let maxFrameSide = 16384
  /// Threads one decoder starts at most, asked or automatic (FFmpeg's own cap for
  /// `thread_count = 0` is 16, MAX_AUTO_THREADS; an explicit count may go to 1024, and
  /// each frame thread holds its own reference frames).
  public static let maxDecoderThreads = 16
  /// Bytes the chunk buffers of one chunked decode may hold (decoders + 1 chunks of the
  /// largest GOP at the analysis size); a file whose GOPs would need more is decoded as
  /// one stream instead. A 12-s 25 fps clip at 320×180 with 2 decoders needs 52 MB.
  public static let maxChunkBufferBytes = 512 << 20

  /// Frames whose per-frame arrays are reserved up front from the count the container
  /// declares (87 minutes at 25 fps); past it the arrays grow as frames come. An AVI whose
  /// strh declared 2^31 frames made audit reserve 16 GiB and abort (fuzz seed 21 #604).
  public static let maxReservedFrames = 1 << 17

  /// Frames to reserve room for when the container declares `declared` (nil: not stated).
  public static func frameReservation(declared: Int?) -> Int { min(max(0, declared ?? 0), maxReservedFrames) + 16 }

  /// The frame pixel limit in effect: `FRAMESCOUT_MAX_FRAME_PIXELS`, else the default.
  public static let maxFramePixels: Int = {
    if let text = ProcessInfo.processInfo.environment["FRAMESCOUT_MAX_FRAME_PIXELS"], let n = Int(text), n > 0 { return n }
    return defaultMaxFramePixels
  }()

  /// Why a declared frame size is refused, or nil when it is within the limits. A size of
  /// 0 (not declared) is left to the decoder, whose frames are held to the same limit.
  public static func frameSizeRefusal(width: Int, height: Int, maxPixels: Int = maxFramePixels) -> String? {
    if width > maxFrameSide || height > maxFrameSide {
      return "the stream declares \(width)x\(height) pixels: a side of more than \(maxFrameSide) is refused"
    }
    if width > 0, height > 0, width * height > maxPixels {
      return "the stream declares \(width)x\(height) pixels, more than the limit of \(maxPixels) (FRAMESCOUT_MAX_FRAME_PIXELS)"
    }
    return nil
  }

  /// Decoder threads for a request (0 = every core), at most `maxDecoderThreads`.
  public static func decoderThreads(_ asked: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
    min(asked > 0 ? asked : cores, maxDecoderThreads)
  }
}
