import FrameScoutMedia
import FrameScoutSearch
import Foundation

/// One file's audit: its fingerprints (one decode pass) and what `FrameAudit` found in
/// them, with the two per-frame files the audit can write beside its report.
public struct FileAudit: Sendable {
  public let stream: FingerprintStream
  public let result: AuditResult
  public var path: String { stream.path }

  /// Decodes `path` once and audits it; with `--clock osd` (`fingerprint.open.clock`) also
  /// reads its on-screen clock (sampled) and adds each jump as an `osd-jump` finding.
  public init(path: String, settings: AuditSettings = AuditSettings(), fingerprint: FingerprintSettings = FingerprintSettings()) throws {
    try settings.validate()
    stream = try FingerprintStream.make(path: path, settings: fingerprint)
    var r = FrameAudit(settings: settings).audit(stream)
    if fingerprint.open.clock.source == .osd {
      var osd = OSDSettings()
      osd.open = fingerprint.open
      osd.threads = fingerprint.threads
      let clock = try OnScreenClock(path: path, settings: osd).run()
      r.findings = (r.findings + clock.jumpFindings).sorted { $0.start.frame < $1.start.frame }
    }
    result = r
  }

  /// FFmpeg's framemd5 text (`ffmpeg -i F -f framemd5 -`): a header, then per frame
  /// `stream, dts, pts, duration, size, md5`, timestamps in the stream's time base. Nil
  /// when the fingerprints hold no MD5s (`FingerprintSettings.md5`).
  public var frameMD5: String? {
    let s = stream
    guard s.md5.count == s.count else { return nil }
    var out = "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: \(s.info.timeBase)\n#media_type 0: video\n#codec_id 0: rawvideo\n"
    if let f = s.formats.first { out += "#dimensions 0: \(f.width)x\(f.height)\n" }
    out += "#stream#, dts,        pts, duration,     size, hash\n"
    let origin = s.pts.compactMap { $0 }.first ?? 0
    func pad(_ v: Int64, _ w: Int) -> String {
      let t = String(v)
      return String(repeating: " ", count: max(0, w - t.count)) + t
    }
    for k in 0..<s.count {
      let t = s.pts[k].map { $0 - origin } ?? Int64(k)
      let hex = s.md5[k].map { String(format: "%02x", $0) }.joined()
      out += "0, \(pad(t, 10)), \(pad(t, 10)), \(pad(max(0, s.durationTicks[k]), 8)), \(pad(Int64(s.rawSize[k]), 8)), \(hex)\n"
    }
    return out
  }

  /// Writes `frameMD5` to `path` (atomically).
  public func writeFrameMD5(to path: String) throws(MediaError) {
    guard let text = frameMD5 else { throw MediaError(file: path, kind: .writeFailed, reason: "no frame MD5s were taken") }
    try AtomicFile.write(Array(text.utf8), to: path)
  }

  /// The header of the signals CSV.
  public static let signalsHeader =
    "frame,time,pts,keyframe,corrupt,packet_size,change,grid_change,phash_distance,bit_identical_to_previous,brightness,motion,motion_on_track,motion_two_step,noise_threshold,motion_speed,motion_speed_coarse,light_changed,light_textured,light_kept"

  /// Frame `k`'s row of the signals CSV: what the audit looked at, so a reader can see why.
  public func signalsRow(_ k: Int) -> String {
    let s = stream
    let g = k > 0 ? s.gridDistance(k, k - 1) : 0
    let p = k > 0 ? (s.phash[k] ^ s.phash[k - 1]).nonzeroBitCount : 0
    let same = k > 0 && s.contentHash[k] == s.contentHash[k - 1]
    return "\(k),\(String(format: "%.6f", s.time[k])),\(s.pts[k].map(String.init) ?? ""),\(s.isKeyframe[k] ? 1 : 0),\(s.isCorrupt[k] ? 1 : 0),"
      + "\(s.packetSize[k]),\(String(format: "%.4f", s.change[k])),\(String(format: "%.4f", g)),\(p),\(same ? 1 : 0),\(String(format: "%.2f", s.brightness[k])),"
      + (k < s.motion.count ? "\(String(format: "%.4f", s.motion[k])),\(String(format: "%.4f", s.motionOnTrack[k])),"
         + "\(String(format: "%.4f", s.motionTwoStep[k])),\(s.noiseThreshold[k])," : ",,,,")
      + (k < s.motionSpeed.count ? "\(String(format: "%.3f", s.motionSpeed[k])),\(String(format: "%.3f", s.motionSpeedCoarse[k]))," : ",,")
      + (k < s.lightKept.count ? "\(String(format: "%.3f", s.lightChanged[k])),\(String(format: "%.3f", s.lightTextured[k])),\(String(format: "%.3f", s.lightKept[k]))" : ",,")
  }

  /// Writes the per-frame signals behind the findings as CSV to `path`, one row a frame.
  public func writeSignals(to path: String) throws(MediaError) {
    let csv = try CSVWriter(path: path, header: Self.signalsHeader)
    for k in 0..<stream.count { csv.line(signalsRow(k)) }
    try csv.commit()
  }
}
