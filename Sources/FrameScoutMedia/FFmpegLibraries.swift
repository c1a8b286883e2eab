import CFFmpeg

/// The FFmpeg libraries this process runs with (run-time versions, not the headers'),
/// as reported in every JSON output so a second analyst can reproduce a result.
public enum FFmpegLibraries {
  /// `name → "major.minor.micro"`, from `avformat_version`, `avcodec_version`,
  /// `avutil_version` and `swscale_version`.
  public static var versions: [(name: String, version: String)] {
    func v(_ x: UInt32) -> String { "\(cffmpeg_version_major(x)).\(cffmpeg_version_minor(x)).\(cffmpeg_version_micro(x))" }
    return [("libavcodec", v(avcodec_version())), ("libavformat", v(avformat_version())),
            ("libavutil", v(avutil_version())), ("libswscale", v(swscale_version()))]
  }

  /// Silences FFmpeg's own log lines: damage is counted and reported by FrameScout
  /// instead. The corresponding FFmpeg call is `av_log_set_level(AV_LOG_QUIET)`.
  static let quiet: Void = { av_log_set_level(AV_LOG_QUIET) }()
}
