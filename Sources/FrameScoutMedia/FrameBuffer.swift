import FrameScoutCore

/// Reduced gray frames in memory that one thread owns at a time. The pixels are reachable
/// only through this value, and it cannot be copied: handing it to another thread moves it
/// (`consume`, a `Channel`), which leaves the sender nothing to touch. Frames are lent out
/// as views for the length of a call, never kept.
struct FrameBuffer: ~Copyable, @unchecked Sendable {
  // Unchecked Sendable: the pointer is private and only lent to closures, and the value has
  // one owner at a time, so sending it sends the only way to its memory.
  private let base: UnsafeMutablePointer<UInt8>
  let width: Int
  let height: Int
  /// How many frames it holds.
  let capacity: Int

  init(width: Int, height: Int, frames: Int) {
    self.width = width
    self.height = height
    capacity = frames
    base = .allocate(capacity: max(1, width * height * frames))
  }

  deinit { base.deallocate() }

  /// Copies `gray` (of the buffer's frame size) into frame `k`. Allocates nothing.
  mutating func store(_ gray: GrayView, at k: Int) {
    precondition(k >= 0 && k < capacity && gray.width == width && gray.height == height, "FrameBuffer: frame \(k) does not fit")
    gray.copy(to: base + k * width * height)
  }

  /// Lends frame `k` to `body`.
  func withFrame<R>(_ k: Int, _ body: (GrayView) throws -> R) rethrows -> R {
    try body(GrayView(base: UnsafePointer(base + k * width * height), width: width, height: height, stride: width))
  }
}
