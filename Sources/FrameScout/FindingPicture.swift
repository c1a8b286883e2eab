import FrameScoutCore
import FrameScoutMedia

/// The picture of a finding (watch's before/after, find's best match): its exact frame
/// re-decoded in colour, rectangles drawn (given in source pixels, scaled to the
/// picture), the timecode, frame number and a label burned in, and, where the file has a
/// wall clock, the time of day with its source on a second line, as JPEG.
struct FindingPicture {
  struct Box {
    var rect: PixelRect
    var colour: (UInt8, UInt8, UInt8)
    var thickness = 2
  }

  let open: OpenOptions
  /// One grabber per file, opened when its first picture is asked for.
  var grabbers: [String: FrameGrabber] = [:]
  /// Each file's wall clock, resolved when its grabber is opened.
  var clocks: [String: FileClock] = [:]

  init(open: OpenOptions) { self.open = open }

  mutating func grabber(_ path: String) throws -> FrameGrabber {
    if let g = grabbers[path] { return g }
    let g = try FrameGrabber(path: path, options: open)
    grabbers[path] = g
    clocks[path] = Self.wallClock(g, open: open)
    return g
  }

  /// The wall clock of `grabber`'s file, as the commands resolve it.
  static func wallClock(_ grabber: FrameGrabber, open: OpenOptions) -> FileClock {
    FileClock.of(path: grabber.path, info: grabber.info, duration: grabber.info.duration, clock: grabber.clock,
                 request: open.clock, open: open)
  }

  /// The wall-clock line of a picture of a frame at `seconds` ("WALL 2026-11-20
  /// 07:31:14.320Z CONTAINER"); nil without a source.
  static func wallLabel(_ clock: FileClock?, seconds: Double) -> String? {
    guard let clock, let used = clock.used, let w = clock.wall(atSeconds: seconds) else { return nil }
    return "WALL \(WallTimes.displayed(w.corrected, in: clock.display)) \(used.source.rawValue)"
      + (clock.correction.isIdentity ? "" : " CORRECTED")
  }

  /// Frame `n` of `grabber` with `boxes` drawn and "TIMECODE  #N  LABEL" on top (and the
  /// wall-clock line under it when the file has a clock).
  func jpeg(_ grabber: FrameGrabber, frame n: Int, boxes: [Box], label: String) throws -> [UInt8] {
    let clock = clocks[grabber.path] ?? Self.wallClock(grabber, open: open)
    return try grabber.withFrame(n) { frame, _ in
      var image = frame.rgb()
      let sx = Double(image.width) / Double(frame.luma.width), sy = Double(image.height) / Double(frame.luma.height)
      for b in boxes {
        let r = b.rect
        image.strokeRect(PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy),
                                   width: Int(Double(r.width) * sx), height: Int(Double(r.height) * sy)),
                         b.colour, thickness: b.thickness)
      }
      image.drawText("\(Timecode.format(frame.time))  #\(n)  \(label)", x: 6, y: 6, scale: 2)
      if let wall = Self.wallLabel(clock, seconds: frame.time) {
        image.drawText(wall, x: 6, y: 10 + 2 * BitmapFont.lineHeight, scale: 2)
      }
      return try JPEGEncoder.encode(image, quality: 90)
    }
  }
}
