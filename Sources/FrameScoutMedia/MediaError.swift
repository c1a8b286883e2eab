import CFFmpeg

/// Why an input could not be used. Renders as one line: `FILE: reason`.
/// Built only on the failure path (the FFmpeg message comes from `av_strerror`).
public struct MediaError: Error, CustomStringConvertible, Sendable {
  public enum Kind: String, Sendable {
    case notFound, isDirectory, empty, permissionDenied, notVideo, noVideoStream,
         unsupportedCodec, outOfRange, readFailed, writeFailed, encodeFailed,
         /// Over a limit of `InputLimits` (a declared frame size).
         tooLarge
  }
  public let file: String
  public let kind: Kind
  public let reason: String

  public init(file: String, kind: Kind, reason: String) {
    self.file = file
    self.kind = kind
    self.reason = reason
  }

  /// An error from an FFmpeg call: `operation` says what we were doing, `code` is its return value.
  init(file: String, kind: Kind, _ what: String, code: Int32) {
    self.init(file: file, kind: kind, reason: "\(what) (FFmpeg: \(ffmpegMessage(code)))")
  }

  public var description: String { "\(file): \(reason)" }
}

/// The text of an FFmpeg error code. The corresponding FFmpeg call is `av_strerror`.
func ffmpegMessage(_ code: Int32) -> String {
  var buffer = [CChar](repeating: 0, count: 128)
  if av_strerror(code, &buffer, buffer.count) < 0 { return "error \(code)" }
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
