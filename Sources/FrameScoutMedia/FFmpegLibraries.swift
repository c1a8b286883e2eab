import CFFmpeg
import CFFmpegLog

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

  /// Replaces FFmpeg's own log lines by a callback that prints nothing and counts each
  /// decoder's errors (CFFmpegLog): damage is reported by FrameScout, once, in its words.
  static let quiet: Void = { cffmpeg_install_log_counter() }()
}
