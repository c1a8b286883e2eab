import CFFmpeg
import Crypto
import FrameScoutCore

/// One plane of a decoded frame as FFmpeg's `av_image_copy_to_buffer` lays it out:
/// `rows` rows of `rowBytes` bytes each, `stride` bytes apart in memory (borrowed).
public struct FramePlane {
  public let base: UnsafePointer<UInt8>
  public let rowBytes: Int
  public let rows: Int
  public let stride: Int
}

extension VideoFrame {
  /// Size in bytes of the packet the frame was decoded from (`AVFrame.pkt_size`; -1 unknown).
  public var packetSize: Int { Int(cffmpeg_frame_packet_size(native)) }

  /// Duration of the frame in the stream's time base, when the demuxer states it
  /// (`AVFrame.pkt_duration`; 0 when unknown).
  public var durationTicks: Int64 { cffmpeg_frame_duration(native) }

  /// Width, height and pixel format number of the decoded picture (no allocation: for
  /// noticing changes frame by frame).
  public var formatKey: SIMD3<Int32> { SIMD3(native.pointee.width, native.pointee.height, native.pointee.format) }

  /// Width, height and pixel format (FFmpeg's name) of the decoded picture.
  public var format: (width: Int, height: Int, pixelFormat: String) {
    let name = av_get_pix_fmt_name(AVPixelFormat(native.pointee.format)).map { String(cString: $0) } ?? "unknown"
    return (Int(native.pointee.width), Int(native.pointee.height), name)
  }

  /// Lends every plane of the raw decoded frame, in plane order, with the row sizes FFmpeg's
  /// framemd5 muxer hashes (`av_image_get_linesize` bytes per row, chroma rows subsampled).
  /// Hardware and bitstream formats lend nothing.
  public func forEachPlane(_ body: (FramePlane) -> Void) {
    Self.forEachPlane(of: native, from: 0, body)
  }

  /// The planes of `native` from plane `first` on (see `forEachPlane(_:)`).
  static func forEachPlane(of native: UnsafeMutablePointer<AVFrame>, from first: Int, _ body: (FramePlane) -> Void) {
    for plane in first..<4 {
      var rowBytes: Int32 = 0, rows: Int32 = 0
      guard cffmpeg_frame_plane_layout(native, Int32(plane), &rowBytes, &rows) != 0 else { break }
      let base: UnsafeMutablePointer<UInt8>?
      let stride: Int32
      switch plane {
      case 0: base = native.pointee.data.0; stride = native.pointee.linesize.0
      case 1: base = native.pointee.data.1; stride = native.pointee.linesize.1
      case 2: base = native.pointee.data.2; stride = native.pointee.linesize.2
      default: base = native.pointee.data.3; stride = native.pointee.linesize.3
      }
      guard let base, stride >= rowBytes || rows <= 1 else { break }
      body(FramePlane(base: UnsafePointer(base), rowBytes: Int(rowBytes), rows: Int(rows), stride: Int(stride)))
    }
  }

  /// 64-bit hash of the raw decoded picture (all planes, padding excluded): equal for
  /// bit-identical decoded frames. See `ContentHasher`. Taken while the luma was reduced
  /// when the decoder was asked to (`DecodeOptions.contentHash`), the same value either way.
  public func contentHash() -> UInt64 {
    if let fusedHash { return fusedHash }
    var h = ContentHasher()
    forEachPlane { p in
      for y in 0..<p.rows { h.add(p.base + y * p.stride, count: p.rowBytes) }
    }
    return h.finish()
  }

  /// Whether `luma` is plane 0 of `native` exactly as the raw-frame hash reads it (8-bit
  /// luma plane, `av_image_get_linesize` bytes a row): then hashing it row by row and the
  /// other planes after it is `contentHash()`.
  static func lumaIsPlaneZero(_ native: UnsafeMutablePointer<AVFrame>, _ luma: GrayView) -> Bool {
    var rowBytes: Int32 = 0, rows: Int32 = 0
    guard cffmpeg_frame_plane_layout(native, 0, &rowBytes, &rows) != 0, let y = native.pointee.data.0 else { return false }
    return UnsafePointer(y) == luma.base && Int(rowBytes) == luma.width && Int(rows) == luma.height
      && Int(native.pointee.linesize.0) == luma.stride
  }

  /// MD5 of the raw decoded picture, byte for byte what `ffmpeg -i F -f framemd5 -` hashes
  /// for the same frame (swift-crypto's `Insecure.MD5`).
  public func md5() -> [UInt8] {
    var md5 = Insecure.MD5()
    forEachPlane { p in
      for y in 0..<p.rows { md5.update(bufferPointer: UnsafeRawBufferPointer(start: p.base + y * p.stride, count: p.rowBytes)) }
    }
    return Array(md5.finalize())
  }

  /// Bytes of the raw picture as framemd5 counts them (its "size" column).
  public var rawSize: Int {
    var n = 0
    forEachPlane { n += $0.rowBytes * $0.rows }
    return n
  }
}
