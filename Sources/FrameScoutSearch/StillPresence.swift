import FrameScoutCore

/// Someone who stops moving is still there: the frame from before the event began, and a
/// change map of the current frame against that frame. While the cells where the motion
/// was last seen still differ from it, the event rules hold the event open (a person
/// standing still between walking in and walking off is one event, not two).
struct StillPresence: ~Copyable {
  let grid: MotionGrid
  /// The scene before the event (valid while `remembered`).
  var reference: PixelStore
  var remembered = false
  var map: ChangeMap
  /// A cell is still occupied while at least this fraction of its pixels differ from the
  /// scene before the event.
  static let occupiedFraction = 0.2

  init(grid: MotionGrid) {
    self.grid = grid
    reference = PixelStore(count: grid.geometry.analysisWidth * grid.geometry.analysisHeight)
    map = grid.changeMap()
  }

  /// Keeps `scene` (the frame before the motion began) as the reference.
  mutating func remember(_ scene: GrayView) {
    scene.copy(to: reference.mutableView(width: scene.width, height: scene.height).base)
    remembered = true
  }

  mutating func forget() { remembered = false }

  /// Whether any of the `cells` still differs from the remembered scene on `current`.
  mutating func occupied(_ current: GrayView, cells: [Bool], pixelThreshold: Int) -> Bool {
    map.update(previous: reference.view(width: current.width, height: current.height), current: current, threshold: UInt8(pixelThreshold))
    let counts = map.counts
    for k in counts.indices where cells[k] && grid.cellArea[k] > 0
      && Double(counts[k]) >= Self.occupiedFraction * Double(grid.cellArea[k]) { return true }
    return false
  }
}
