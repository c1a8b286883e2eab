/// Finds a burned-in clock by its seconds digit: the cells (4×4 pixels) of the frame's top
/// and bottom quarters (or of a given box) whose mean changes abruptly, alone, once a second,
/// while the rest does not. Fed the first seconds of a clip frame by frame (`add`), it
/// keeps one byte a cell a frame.
public struct OSDFinder: Sendable {
  public static let cell = 4
  /// A cell changes when its mean moves by more than 3 × its median move + 2, and more
  /// than 2: above the noise (a 4×4 mean of the test clips' noise 8 moves by 2 or so), below
  /// a thin stroke of white on a flat bright sky moving (FreeSans 16 px, 23 levels brighter:
  /// 3–5 over a median of 0), far below an outlined digit changing (20–60).
  static func changeLevel(_ moves: [Int]) -> Int {
    let sorted = moves.sorted()
    return max(2, 3 * (sorted.isEmpty ? 0 : sorted[sorted.count / 2]) + 2)
  }
  public let frameWidth: Int
  public let frameHeight: Int
  /// Frames a second (the clip's rate), for the 1 s cadence.
  public let fps: Double
  /// The cell rows looked at (frame cell-row numbers) and the cell columns' range.
  let cellRows: [Int]
  let cellX: Range<Int>
  /// Each frame's cell means, frame after frame.
  var means: [UInt8] = []
  public private(set) var frames = 0

  /// `box`: look only there; nil: the frame's top and bottom quarters.
  public init(frameWidth: Int, frameHeight: Int, fps: Double, box: PixelRect? = nil) {
    self.frameWidth = frameWidth
    self.frameHeight = frameHeight
    self.fps = fps
    let c = Self.cell, rows = frameHeight / c
    if let box {
      cellRows = Array(max(0, box.y / c)..<min(rows, (box.y + box.height) / c))
      cellX = max(0, box.x / c)..<min(frameWidth / c, (box.x + box.width) / c)
    } else {
      cellRows = (0..<rows).filter { $0 < (rows + 3) / 4 || $0 >= rows - (rows + 3) / 4 }
      cellX = 0..<(frameWidth / c)
    }
  }

  public var cellsPerFrame: Int { cellRows.count * cellX.count }

  /// Adds one frame's cell means.
  public mutating func add(_ luma: GrayView) {
    let c = Self.cell
    means.reserveCapacity(cellsPerFrame * (frames + 1))
    for r in cellRows {
      for cx in cellX {
        var sum = 0
        for y in (r * c)..<(r * c + c) {
          let row = luma.base + y * luma.stride + cx * c
          for x in 0..<c { sum += Int(row[x]) }
        }
        means.append(UInt8(sum / (c * c)))
      }
    }
    frames += 1
  }

  /// The frames (from 1) at which cell `i` changes cleanly: a change (from two frames
  /// before) over at most three frames with no other change within 4 frames either side.
  func cleanChanges(cell i: Int) -> [Int] {
    let n = cellsPerFrame
    // Over two frames: an encoder may spread a faint change over two (FreeSans on a sky: −3, −3).
    let moves = (1..<frames).map { abs(Int(means[$0 * n + i]) - Int(means[max(0, $0 - 2) * n + i])) }
    let level = Self.changeLevel(moves)
    var changed = [Bool](repeating: false, count: frames)
    for f in 1..<frames { changed[f] = moves[f - 1] > level }
    var out: [Int] = []
    var f = 1
    while f < frames {
      guard changed[f] else { f += 1; continue }
      var end = f
      while end + 1 < frames && changed[end + 1] { end += 1 }
      let quietBefore = (max(1, f - 4)..<f).allSatisfy { !changed[$0] }
      let quietAfter = ((end + 1)..<min(frames, end + 5)).allSatisfy { !changed[$0] }
      if end - f <= 2 && quietBefore && quietAfter { out.append(f) }
      f = end + 1
    }
    return out
  }

  /// How much cell `i` behaves like a seconds digit: its clean changes with another clean
  /// change one second (±1 frame) before or after, per second of the frames seen.
  public func cadence(cell i: Int) -> Double { rhythm(cell: i).cadence }

  /// The cadence, and the phase of the paired changes within the second (their median
  /// frame modulo `fps`): the cells of one digit change at the same frames.
  func rhythm(cell i: Int) -> (cadence: Double, phase: Double) {
    guard frames > 1 else { return (0, 0) }
    let changes = cleanChanges(cell: i), period = Int((fps).rounded())
    let set = Set(changes)
    let paired = changes.filter { e in (-1...1).contains { set.contains(e + period + $0) || set.contains(e - period + $0) } }
    let phases = paired.map { Double($0).truncatingRemainder(dividingBy: fps) }.sorted()
    return (Double(paired.count) / (Double(frames) / fps), phases.isEmpty ? 0 : phases[phases.count / 2])
  }

  /// The seconds digit's rectangle in frame pixels: the largest 8-connected group of cells
  /// with a cadence of at least 0.3 that change at the same phase of the second (rain or
  /// a flickering light may have a 1 s rhythm too, but not one phase over a digit's cells);
  /// nil when there is none (no clock, or less than 3 s seen).
  public func secondsDigit() -> PixelRect? {
    guard Double(frames) >= 3 * fps else { return nil }
    let w = cellX.count, n = cellsPerFrame
    var ticking = [Bool](repeating: false, count: n), phase = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let r = rhythm(cell: i)
      ticking[i] = r.cadence >= 0.3
      phase[i] = r.phase
    }
    func samePhase(_ a: Int, _ b: Int) -> Bool {
      let d = abs(phase[a] - phase[b])
      return min(d, fps - d) <= 0.5
    }
    var seen = [Bool](repeating: false, count: n)
    var best: [Int] = []
    for start in 0..<n where ticking[start] && !seen[start] {
      var group: [Int] = [], stack = [start]
      seen[start] = true
      while let i = stack.popLast() {
        group.append(i)
        let (r, x) = (i / w, i % w)
        for dr in -1...1 {
          for dx in -1...1 {
            let (rr, xx) = (r + dr, x + dx)
            guard rr >= 0, rr < cellRows.count, xx >= 0, xx < w else { continue }
            // Adjacent cell rows only (the two bands are not adjacent to each other).
            guard abs(cellRows[rr] - cellRows[r]) <= 1 else { continue }
            let j = rr * w + xx
            if ticking[j] && !seen[j] && samePhase(i, j) { seen[j] = true; stack.append(j) }
          }
        }
      }
      if group.count > best.count { best = group }
    }
    guard best.count >= 2 else { return nil }
    let c = Self.cell
    let ys = best.map { cellRows[$0 / w] }, xs = best.map { cellX.lowerBound + $0 % w }
    let rect = PixelRect(x: xs.min()! * c, y: ys.min()! * c, width: (xs.max()! - xs.min()! + 1) * c,
                         height: (ys.max()! - ys.min()! + 1) * c)
    return rect.width * rect.height * 50 > frameWidth * frameHeight ? nil : rect
  }
}
