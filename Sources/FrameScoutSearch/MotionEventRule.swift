import FrameScoutCore

/// The event logic of `scan`, fed one analysed frame at a time: runs of frames at or over
/// the threshold (gaps shorter than `bridge` bridged); runs closer than `mergeGap` merge
/// into one event, and an event counts when, merged, it lasts at least `minEvent` (a car
/// that crosses the region in three short bursts is one event, not three dropped blips).
/// An event's start and end are its first and last frames with motion; the padded range
/// adds `pre`/`post`. An event may be held open by a still presence (see `StillPresence`):
/// the caller says, frame by frame, whether the place where the motion stopped is still
/// occupied, and a stay there counts toward `minEvent` (a person who walks in for half a
/// second and then stands still). Several files are one timeline: an event may run on
/// across a file boundary. Allocates nothing per frame (cell marks live in arrays
/// allocated once: a run's, the pending event's).
public struct MotionEventRule: Sendable {
  struct Run: Sendable {
    var start: FramePosition
    var last: FramePosition
    var peak: FramePosition
    var peakScore: Double
    var activeFrames: Int
    /// Timeline seconds until which the place where the motion stopped stayed occupied.
    var lastOccupied = -Double.infinity
    var lastOccupiedPosition: FramePosition?
    /// Frames on which the place where the motion stopped was still occupied.
    var occupiedFrames = 0
    var lastActivity: Double { max(last.timeline, lastOccupied) }
  }

  let settings: ScanSettings
  let grid: MotionGrid
  /// The timeline's files, by index.
  let files: [String]
  /// Seconds one frame lasts (the first file's clock).
  let frameDuration: Double
  var run: Run?
  var pending: Run?
  /// Where the run and the pending event moved (analysis pixels): over all their frames, on the peak frame.
  var runBox = PixelBounds(), runPeakBox = PixelBounds(), pendingBox = PixelBounds(), pendingPeakBox = PixelBounds()
  /// The cells where the motion was last seen (a still presence is looked for there).
  public private(set) var lastCells: [Bool]
  /// Positions of the last `persistence` analysed frames (the run starts at the oldest).
  var recent: [FramePosition]
  var analysed = 0
  var lastAnalysed: FramePosition?
  public private(set) var events: [MotionEvent] = []

  public init(settings: ScanSettings, grid: MotionGrid, files: [String], frameDuration: Double) {
    self.settings = settings
    self.grid = grid
    self.files = files
    self.frameDuration = frameDuration
    lastCells = [Bool](repeating: false, count: grid.count)
    recent = [FramePosition](repeating: FramePosition(file: 0, frame: 0, time: 0, timeline: 0), count: ScanSettings.persistence)
  }

  /// No run and no event waiting: a frame with motion begins a new event.
  public var isIdle: Bool { run == nil && pending == nil }
  /// A run ended and its event waits (to merge, or to be held open by a still presence).
  public var isWaiting: Bool { run == nil && pending != nil }

  /// One analysed frame: its score, its cells' persistent changed fractions (`cells`, see
  /// `MotionScorer.persisted`), where it moved (`moved`, analysis pixels, see
  /// `MotionScorer.motionBounds`; empty: the cells at or over the threshold), and whether
  /// the place where the motion stopped is still occupied. Returns true when the waiting
  /// event ended (emitted or dropped) on this frame.
  @discardableResult
  public mutating func feed(_ position: FramePosition, score: Double, threshold: Double, cells: [Double], moved: PixelBounds = PixelBounds(),
                            occupied: Bool = false) -> Bool {
    analysed += 1
    lastAnalysed = position
    recent[analysed % recent.count] = position
    let active = score >= threshold
    var box = moved
    if active {
      mark(&lastCells, cells, threshold: threshold, reset: true)
      if box.isEmpty { box = grid.bounds(of: lastCells) }
    }
    if occupied, pending != nil, position.timeline - pending!.lastActivity <= settings.mergeGap + 1e-9,
       position.timeline - pending!.last.timeline <= ScanSettings.stillLimit {
      pending!.lastOccupied = position.timeline
      pending!.lastOccupiedPosition = position
      pending!.occupiedFrames += 1
    }
    var ended = false
    if run != nil {
      if position.timeline - run!.last.timeline > ScanSettings.bridge + 1e-9 {
        ended = closeRun()
      } else {
        if active {
          run!.last = position
          run!.activeFrames += 1
          runBox.add(box)
          if score > run!.peakScore {
            run!.peakScore = score
            run!.peak = position
            runPeakBox = box
          }
        }
        return false
      }
    }
    // A run beginning now began `persistence - 1` frames ago (the oldest frame of the
    // window): the pending event is over only when that is more than `mergeGap` after it.
    var start = recent[(analysed + 1) % recent.count]
    if start.file != position.file || start.timeline > position.timeline { start = position }
    if let p = pending, start.timeline - p.lastActivity > settings.mergeGap + 1e-9 { ended = emitPending() || ended }
    guard active else { return ended }
    runBox = box
    runPeakBox = box
    run = Run(start: start, last: position, peak: position, peakScore: score, activeFrames: 1)
    return ended
  }

  /// The footage ended: the run closes, and the waiting event is emitted. Footage that
  /// ends while the place where the motion stopped is still occupied (someone standing
  /// there): the event lasts to the end. Returns every event, in order.
  public mutating func finish() -> [MotionEvent] {
    closeRun()
    if let p = pending, let o = p.lastOccupiedPosition, let l = lastAnalysed, o == l, o.timeline > p.last.timeline {
      pending!.last = o
    }
    emitPending()
    return events
  }

  /// Marks the cells at or over the threshold (clearing the others first when `reset`).
  func mark(_ marks: inout [Bool], _ cells: [Double], threshold: Double, reset: Bool) {
    for k in cells.indices {
      let on = cells[k] >= threshold
      if reset { marks[k] = on } else if on { marks[k] = true }
    }
  }

  /// A finished run: merged into the pending event when it starts within `mergeGap` of
  /// the pending event's last activity, else the pending event is emitted (when it counts)
  /// and the run waits in its place. Returns true when the pending event ended.
  @discardableResult
  mutating func closeRun() -> Bool {
    guard let r = run else { return false }
    run = nil
    if var p = pending, r.start.timeline - p.lastActivity <= settings.mergeGap + 1e-9 {
      p.last = r.last
      p.activeFrames += r.activeFrames
      pendingBox.add(runBox)
      if r.peakScore > p.peakScore {
        p.peakScore = r.peakScore
        p.peak = r.peak
        pendingPeakBox = runPeakBox
      }
      pending = p
      return false
    }
    let ended = emitPending()
    pending = r
    pendingBox = runBox
    pendingPeakBox = runPeakBox
    return ended
  }

  /// The pending event, emitted when, merged, it lasts `minEvent` (its motion and the stay
  /// where the motion stopped). Returns true when there was one.
  @discardableResult
  mutating func emitPending() -> Bool {
    guard let p = pending else { return false }
    pending = nil
    if p.lastActivity - p.start.timeline + frameDuration * Double(settings.every) >= settings.minEvent - 1e-9 { events.append(event(p)) }
    return true
  }

  /// The event of a pending run.
  func event(_ p: Run) -> MotionEvent {
    let several = files.count > 1
    let source = grid.geometry
    return MotionEvent(
      file: files[p.start.file], start: TimePoint(frame: p.start.frame, time: p.start.time),
      end: TimePoint(frame: p.last.frame, time: p.last.time), score: p.peakScore, peak: TimePoint(frame: p.peak.frame, time: p.peak.time),
      peakBox: grid.sourceBox(of: pendingPeakBox) ?? PixelRect(x: 0, y: 0, width: source.sourceWidth, height: source.sourceHeight),
      box: grid.sourceBox(of: pendingBox), framesWithMotion: p.activeFrames,
      paddedStart: max(0, p.start.timeline - settings.pre), paddedEnd: p.last.timeline + settings.post,
      timelineStart: several ? p.start.timeline : nil, timelineEnd: several ? p.last.timeline : nil,
      endFile: several && p.last.file != p.start.file ? files[p.last.file] : nil,
      peakFile: several && p.peak.file != p.start.file ? files[p.peak.file] : nil)
  }
}
