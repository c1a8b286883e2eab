import FrameScoutCore

/// Gray pixels an engine owns: allocated (zeroed) once by its `init`, freed by its
/// `deinit`, never copied (`~Copyable`: one owner, so the engine that holds it can be
/// handed on but never shared). Views into it are used within one call of the owner.
struct PixelStore: ~Copyable, @unchecked Sendable {
  // Unchecked Sendable: the memory has one owner, the value that holds this store.
  private let base: UnsafeMutablePointer<UInt8>
  let count: Int

  init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(1, count))
    base.initialize(repeating: 0, count: max(1, count))
  }

  deinit { base.deallocate() }

  /// `width`×`height` tightly packed pixels from `offset`.
  func view(at offset: Int = 0, width: Int, height: Int) -> GrayView {
    precondition(offset >= 0 && offset + width * height <= count)
    return GrayView(base: UnsafePointer(base + offset), width: width, height: height, stride: width)
  }

  mutating func mutableView(at offset: Int = 0, width: Int, height: Int) -> MutableGrayView {
    precondition(offset >= 0 && offset + width * height <= count)
    return MutableGrayView(base: base + offset, width: width, height: height, stride: width)
  }

  /// The first byte, for kernels that fill a table.
  mutating func pointer() -> UnsafeMutablePointer<UInt8> { base }
}
