import FrameScoutCore

/// The event logic of `scan`, fed one analysed frame at a time: runs of frames at or over
/// the threshold (gaps shorter than `bridge` bridged) that last at least `minEvent`; runs
/// closer than `mergeGap` merge. An event's start and end are its first and last frames
/// with motion; the padded range adds `pre`/`post`. A run may be held open by a still
/// presence (see `StillPresence`): the caller says, frame by frame, whether the place
/// where the motion stopped is still occupied. Several files are one timeline: an event
/// may run on across a file boundary. Allocates nothing per frame (cell marks live in
/// arrays allocated once: a run's, the pending event's).
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
    /// Lasted `minEvent` on its own (or merged with one that did).
    var qualified = false
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
  var runCells: [Bool], runPeakCells: [Bool], pendingCells: [Bool], pendingPeakCells: [Bool]
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
    runCells = [Bool](repeating: false, count: grid.count)
    runPeakCells = runCells; pendingCells = runCells; pendingPeakCells = runCells; lastCells = runCells
    recent = [FramePosition](repeating: FramePosition(file: 0, frame: 0, time: 0, timeline: 0), count: ScanSettings.persistence)
  }

  /// No run and no event waiting: a frame with motion begins a new event.
  public var isIdle: Bool { run == nil && pending == nil }
  /// A run ended and its event waits (to merge, or to be held open by a still presence).
  public var isWaiting: Bool { run == nil && pending != nil }

  /// One analysed frame: its score, its cells' persistent changed fractions (`cells`, see
  /// `MotionScorer.persisted`), and whether the place where the motion stopped is still
  /// occupied. Returns true when the waiting event ended (emitted or dropped) on this frame.
  @discardableResult
  public mutating func feed(_ position: FramePosition, score: Double, threshold: Double, cells: [Double], occupied: Bool = false) -> Bool {
    analysed += 1
    lastAnalysed = position
    recent[analysed % recent.count] = position
    let active = score >= threshold
    if active { mark(&lastCells, cells, threshold: threshold, reset: true) }
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
          mark(&runCells, cells, threshold: threshold, reset: false)
          if score > run!.peakScore {
            run!.peakScore = score
            run!.peak = position
            mark(&runPeakCells, cells, threshold: threshold, reset: true)
          }
        }
        return false
      }
    }
    if let p = pending, position.timeline - p.lastActivity > settings.mergeGap + 1e-9 { ended = emitPending() || ended }
    guard active else { return ended }
    mark(&runCells, cells, threshold: threshold, reset: true)
    mark(&runPeakCells, cells, threshold: threshold, reset: true)
    // The motion began `persistence - 1` frames ago (the oldest frame of the window).
    var start = recent[(analysed + 1) % recent.count]
    if start.file != position.file || start.timeline > position.timeline { start = position }
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

  /// A finished run: merged into the pending event when close enough, else the pending
  /// event is emitted and the run waits in its place. A run shorter than `minEvent` waits
  /// too, unqualified: it becomes an event only if someone stays where its motion stopped
  /// (a person who walks in for half a second and then stands still), or a qualified run
  /// follows while they are there; otherwise it is dropped. It never extends a qualified
  /// event (a flicker after a person left does not move the end). Returns true when the
  /// pending event ended.
  @discardableResult
  mutating func closeRun() -> Bool {
    guard var r = run else { return false }
    run = nil
    r.qualified = r.last.timeline - r.start.timeline + frameDuration * Double(settings.every) >= settings.minEvent - 1e-9
    if var p = pending, r.start.timeline - p.lastActivity <= settings.mergeGap + 1e-9 {
      let keepPending = p.qualified || p.occupiedFrames > 0
      if r.qualified && keepPending || !r.qualified && p.qualified {
        guard r.qualified else { return false }     // a flicker after an event: ignored
        p.last = r.last
        p.activeFrames += r.activeFrames
        p.qualified = true
        for k in pendingCells.indices where runCells[k] { pendingCells[k] = true }
        if r.peakScore > p.peakScore {
          p.peakScore = r.peakScore
          p.peak = r.peak
          swap(&pendingPeakCells, &runPeakCells)
        }
        pending = p
        return false
      }
      if !keepPending || !r.qualified {
        // An unqualified blip is replaced by the newer run.
        pending = nil
      }
    }
    let ended = emitPending()
    pending = r
    swap(&pendingCells, &runCells)
    swap(&pendingPeakCells, &runPeakCells)
    return ended
  }

  /// The pending event, emitted when it counts. Returns true when there was one.
  @discardableResult
  mutating func emitPending() -> Bool {
    guard let p = pending else { return false }
    pending = nil
    // An unqualified run counts only when the stay that followed it makes it last minEvent.
    if !p.qualified && !(p.occupiedFrames > 0 && p.lastActivity - p.start.timeline + frameDuration >= settings.minEvent - 1e-9) { return true }
    events.append(event(p))
    return true
  }

  /// The event of a pending run.
  func event(_ p: Run) -> MotionEvent {
    let several = files.count > 1
    let source = grid.geometry
    return MotionEvent(
      file: files[p.start.file], start: TimePoint(frame: p.start.frame, time: p.start.time),
      end: TimePoint(frame: p.last.frame, time: p.last.time), score: p.peakScore, peak: TimePoint(frame: p.peak.frame, time: p.peak.time),
      peakBox: grid.box(of: pendingPeakCells) ?? PixelRect(x: 0, y: 0, width: source.sourceWidth, height: source.sourceHeight),
      box: grid.box(of: pendingCells), framesWithMotion: p.activeFrames,
      paddedStart: max(0, p.start.timeline - settings.pre), paddedEnd: p.last.timeline + settings.post,
      timelineStart: several ? p.start.timeline : nil, timelineEnd: several ? p.last.timeline : nil,
      endFile: several && p.last.file != p.start.file ? files[p.last.file] : nil,
      peakFile: several && p.peak.file != p.start.file ? files[p.peak.file] : nil)
  }
}
