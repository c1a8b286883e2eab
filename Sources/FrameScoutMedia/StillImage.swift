import FrameScoutCore

/// Pictures given by the user (a crop of the object to find): read with FFmpeg's image
/// decoders (JPEG, PNG, BMP, TIFF, WebP…, or the first frame of a video), as gray.
public enum StillImage {
  public static func loadGray(path: String) throws(MediaError) -> GrayImage { try load(path: path).gray }

  /// The picture as gray, and its mean colour.
  public static func load(path: String) throws(MediaError) -> (gray: GrayImage, chroma: Chroma) {
    let decoder = try VideoDecoder(path: path, options: DecodeOptions(threads: 1, analysisWidth: nil))
    var image: GrayImage? = nil
    var chroma = Chroma(u: 128, v: 128)
    do {
      try decoder.forEachFrame { frame in
        image = GrayImage(copying: frame.luma)
        chroma = frame.meanChroma(in: PixelRect(x: 0, y: 0, width: frame.luma.width, height: frame.luma.height))
        return .stop
      }
    } catch let e as MediaError { throw e } catch {
      throw MediaError(file: path, kind: .readFailed, reason: "cannot decode the picture: \(error)")
    }
    guard let image, image.width > 0, image.height > 0 else {
      throw MediaError(file: path, kind: .notVideo, reason: "not a picture: no image could be decoded from the file")
    }
    return (image, chroma)
  }
}
