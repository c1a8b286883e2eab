import FrameScoutCore
import FrameScoutMedia

/// The picture of a finding (watch's before/after, find's best match): its exact frame
/// re-decoded in colour, rectangles drawn (given in source pixels, scaled to the
/// picture), the timecode, frame number and a label burned in, as JPEG.
struct FindingPicture {
  struct Box {
    var rect: PixelRect
    var colour: (UInt8, UInt8, UInt8)
    var thickness = 2
  }

  let open: OpenOptions
  /// One grabber per file, opened when its first picture is asked for.
  var grabbers: [String: FrameGrabber] = [:]

  init(open: OpenOptions) { self.open = open }

  mutating func grabber(_ path: String) throws -> FrameGrabber {
    if let g = grabbers[path] { return g }
    let g = try FrameGrabber(path: path, options: open)
    grabbers[path] = g
    return g
  }

  /// Frame `n` of `grabber` with `boxes` drawn and "TIMECODE  #N  LABEL" on top.
  static func jpeg(_ grabber: FrameGrabber, frame n: Int, boxes: [Box], label: String) throws -> [UInt8] {
    try grabber.withFrame(n) { frame, _ in
      var image = frame.rgb()
      let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
      for b in boxes {
        let r = b.rect
        image.strokeRect(PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy),
                                   width: Int(Double(r.width) * sx), height: Int(Double(r.height) * sy)),
                         b.colour, thickness: b.thickness)
      }
      image.drawText("\(Timecode.format(frame.time))  #\(n)  \(label)", x: 6, y: 6, scale: 2)
      return try JPEGEncoder.encode(image, quality: 90)
    }
  }
}
