import FrameScoutCore
import FrameScoutMedia

extension OnScreenClock {
  /// Decodes the first seconds again, keeping each candidate's box of every frame, learns a
  /// reader from each and keeps the one whose digits follow each other best; reads those
  /// frames with it into `values`.
  func learn(_ candidates: [Candidate], values: inout [(frame: Int, seconds: Int64?, guess: Int64?)]) throws {
    var stacks = candidates.map { _ in [UInt8]() }
    var frames: [Int] = []
    try decoder.forEachFrame(from: 0, through: learnFrames - 1) { frame in
      result.framesDecoded += 1
      frames.append(frame.index)
      for (k, c) in candidates.enumerated() {
        let v = frame.luma.cropped(to: c.box)
        for y in 0..<v.height { stacks[k] += v.row(y) }
      }
      return .next
    }
    let format = settings.format.flatMap { OSDLayout(format: $0) }
    var best: (reader: OSDClockReader, stack: Int)? = nil, why = ""
    for (k, c) in candidates.enumerated() {
      let learnt: OSDClockReader? = stacks[k].withUnsafeBufferPointer { buffer in
        let views = Self.views(buffer, box: c.box, count: frames.count)
        return OSDClockReader.learn(crops: views, frames: frames, fps: decoder.clock.rate, box: c.box, secondsX: c.seconds.x + c.seconds.width / 2 - c.box.x,
                                    polarity: c.polarity, textLevel: c.level, format: format, failure: &why)
      }
      if let r = learnt, best == nil || r.font.consistency > best!.reader.font.consistency { best = (r, k) }
    }
    guard var chosen = best else { failure = why; return }
    values = stacks[chosen.stack].withUnsafeBufferPointer { buffer in
      zip(frames, Self.views(buffer, box: chosen.reader.box, count: frames.count)).map { f, v in
        let r = chosen.reader.reading(box: v)
        return (f, r.seconds, r.guess)
      }
    }
    reader = chosen.reader
  }

  /// The frames' boxes stacked one under the other in `buffer`, as views.
  static func views(_ buffer: UnsafeBufferPointer<UInt8>, box: PixelRect, count: Int) -> [GrayView] {
    guard let base = buffer.baseAddress else { return [] }
    return (0..<count).map { GrayView(base: base + $0 * box.width * box.height, width: box.width, height: box.height, stride: box.width) }
  }
}
