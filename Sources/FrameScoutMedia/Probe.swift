import Foundation

/// Everything `framescout probe` reports about one file: container and stream facts,
/// packet statistics, size and SHA-256.
public struct ProbeResult: Sendable {
  public var path: String
  public var bytes: Int
  public var sha256: String
  public var stream: StreamInfo
  /// How the frames are numbered and timed (with the user's frame rate, if given).
  public var clock: StreamClock
  public var packets: PacketScan
  /// Whether `packets` covers the whole file (`--count`) or only its start.
  public var counted: Bool

  /// Packets scanned for the keyframe interval when not counting the whole file.
  public static let samplePackets = 3000

  public static func probe(path: String, options: OpenOptions = OpenOptions(), count: Bool) throws(MediaError) -> ProbeResult {
    // Open first: a file that is not a video fails here, before hashing it.
    let decoder = try VideoDecoder(path: path, options: DecodeOptions(open: options, analysisWidth: nil))
    let stream = decoder.info
    let scan = try PacketScan.scan(path: path, options: options, limit: count ? nil : samplePackets)
    let digest = try FileDigest.sha256(path: path)
    return ProbeResult(path: path, bytes: digest.bytes, sha256: digest.hex, stream: stream, clock: decoder.clock, packets: scan,
                       counted: count)
  }

  /// Whether the packets carry timestamps (raw elementary streams do not).
  public var hasTimestamps: Bool { stream.hasTimestamps && (packets.packets == 0 || packets.minPts != nil) }

  /// Where the nominal frame rate comes from, in words.
  public var frameRateSource: String? {
    hasTimestamps ? stream.nominalFPSSource
      : stream.nominalFPS != nil ? "no timestamps: the demuxer's rate (bitstream timing info, else FFmpeg's default 25)" : nil
  }

  /// The exact frame count (only after a full packet scan).
  public var frames: Int? { counted && packets.complete ? packets.packets : nil }
}
