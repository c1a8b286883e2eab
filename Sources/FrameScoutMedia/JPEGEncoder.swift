import CJPEG
import FrameScoutCore
import Foundation

/// JPEG encoding through libjpeg (the C target CJPEG, whose setjmp trap turns libjpeg
/// errors into values instead of `exit()`).
public enum JPEGEncoder {
  public static func encode(_ image: RGBImage, quality: Int = 90) throws(MediaError) -> [UInt8] {
    try image.pixels.withUnsafeBufferPointer { (buf) throws(MediaError) -> [UInt8] in
      try encode(buf.baseAddress, width: image.width, height: image.height, stride: image.width * 3, components: 3, quality: quality)
    }
  }

  public static func encode(_ view: GrayView, quality: Int = 90) throws(MediaError) -> [UInt8] {
    try encode(view.base, width: view.width, height: view.height, stride: view.stride, components: 1, quality: quality)
  }

  static func encode(_ pixels: UnsafePointer<UInt8>?, width: Int, height: Int, stride: Int, components: Int, quality: Int) throws(MediaError) -> [UInt8] {
    var out: UnsafeMutablePointer<UInt8>? = nil
    var size: UInt = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = cjpeg_encode(pixels, Int32(width), Int32(height), Int32(stride), Int32(components),
                              Int32(max(1, min(100, quality))), &out, &size, &message, message.count)
    defer { cjpeg_free(out) }
    if status != 0 || out == nil {
      let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw MediaError(file: "<jpeg>", kind: .encodeFailed, reason: "JPEG encoding failed: \(text)")
    }
    return Array(UnsafeBufferPointer(start: out, count: Int(size)))
  }
}
