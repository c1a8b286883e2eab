/// A borrowed, read-only view of 8-bit gray pixels: `height` rows of `width` bytes,
/// `stride` bytes apart. It owns nothing; whoever lends it keeps the memory alive for
/// the duration of the call it is lent to (a decoded frame's Y plane, or a `GrayImage`).
public struct GrayView {
  public let base: UnsafePointer<UInt8>
  public let width: Int
  public let height: Int
  public let stride: Int

  @inlinable
  public init(base: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
    precondition(width >= 0 && height >= 0 && stride >= width, "GrayView: bad geometry \(width)x\(height) stride \(stride)")
    self.base = base
    self.width = width
    self.height = height
    self.stride = stride
  }

  /// The pixel at column `x`, row `y` (bounds-checked: for tests and slow paths).
  @inlinable
  public subscript(x: Int, y: Int) -> UInt8 {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "GrayView: (\(x),\(y)) outside \(width)x\(height)")
    return base[y &* stride &+ x]
  }

  /// Row `y` as a buffer of `width` bytes.
  @inlinable
  public func row(_ y: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + (y &* stride), count: width)
  }

  /// Copies the pixels row by row to `destination`, `destinationStride` bytes a row
  /// (default: tightly packed). Allocates nothing.
  @inlinable
  public func copy(to destination: UnsafeMutablePointer<UInt8>, destinationStride: Int? = nil) {
    let step = destinationStride ?? width
    for y in 0..<height { (destination + y &* step).update(from: base + y &* stride, count: width) }
  }

  /// A view of the rectangle `region` (clipped to nothing: it must lie inside). No copy.
  @inlinable
  public func cropped(to region: PixelRect) -> GrayView {
    precondition(region.x >= 0 && region.y >= 0 && region.width >= 0 && region.height >= 0
      && region.x + region.width <= width && region.y + region.height <= height,
      "GrayView: \(region) outside \(width)x\(height)")
    return GrayView(base: base + (region.y &* stride &+ region.x), width: region.width, height: region.height, stride: stride)
  }
}

/// A mutable borrowed view, the destination of kernels that write pixels.
public struct MutableGrayView {
  public let base: UnsafeMutablePointer<UInt8>
  public let width: Int
  public let height: Int
  public let stride: Int

  @inlinable
  public init(base: UnsafeMutablePointer<UInt8>, width: Int, height: Int, stride: Int) {
    precondition(width >= 0 && height >= 0 && stride >= width, "MutableGrayView: bad geometry")
    self.base = base
    self.width = width
    self.height = height
    self.stride = stride
  }

  @inlinable
  public var readOnly: GrayView { GrayView(base: UnsafePointer(base), width: width, height: height, stride: stride) }
}

/// A rectangle in pixels.
public struct PixelRect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int, y: Int, width: Int, height: Int
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x; self.y = y; self.width = width; self.height = height
  }
  public var description: String { "\(x),\(y),\(width),\(height)" }
}

/// An owned gray image with tightly packed rows (`stride == width`). Its storage is reused
/// when the image is resized to the same or a smaller size, so a decoder can refill one
/// image per frame without allocating.
public struct GrayImage: Sendable {
  public private(set) var width: Int
  public private(set) var height: Int
  public private(set) var pixels: [UInt8]
  public var stride: Int { width }

  public init(width: Int, height: Int, fill: UInt8 = 0) {
    precondition(width >= 0 && height >= 0)
    self.width = width
    self.height = height
    self.pixels = [UInt8](repeating: fill, count: width * height)
  }

  /// Copies a view into a new owned image.
  public init(copying view: GrayView) {
    self.init(width: view.width, height: view.height)
    pixels.withUnsafeMutableBufferPointer { view.copy(to: $0.baseAddress!) }
  }

  /// Changes the size, keeping the allocation when it is large enough.
  public mutating func resize(width: Int, height: Int) {
    precondition(width >= 0 && height >= 0)
    self.width = width
    self.height = height
    let count = width * height
    if pixels.count != count {
      if pixels.count > count { pixels.removeLast(pixels.count - count) }
      else { pixels.append(contentsOf: repeatElement(0, count: count - pixels.count)) }
    }
  }

  public subscript(x: Int, y: Int) -> UInt8 {
    get { pixels[y * width + x] }
    set { pixels[y * width + x] = newValue }
  }

  /// Lends a read-only view of the whole image.
  @inlinable
  public func withView<R>(_ body: (GrayView) throws -> R) rethrows -> R {
    try pixels.withUnsafeBufferPointer { buffer in
      try body(GrayView(base: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, width: width, height: height, stride: width))
    }
  }

  /// Lends a mutable view of the whole image.
  public mutating func withMutableView<R>(_ body: (MutableGrayView) throws -> R) rethrows -> R {
    let (w, h) = (width, height)
    return try pixels.withUnsafeMutableBufferPointer { buffer in
      try body(MutableGrayView(base: buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!, width: w, height: h, stride: w))
    }
  }
}

/// Owned, reusable pixel memory for producers that lend views of it frame after frame
/// (a decoder's reduced image). Grows when needed and never shrinks; freed in `deinit`.
public final class PixelBuffer {
  public private(set) var width = 0
  public private(set) var height = 0
  private var storage: UnsafeMutablePointer<UInt8>?
  private var capacity = 0

  public init() {}
  deinit { storage?.deallocate() }

  /// Makes room for `width`×`height` tightly packed pixels (allocates only when growing).
  public func resize(width: Int, height: Int) {
    precondition(width >= 0 && height >= 0)
    let needed = max(1, width * height)
    if needed > capacity {
      storage?.deallocate()
      storage = .allocate(capacity: needed)
      storage!.initialize(repeating: 0, count: needed)
      capacity = needed
    }
    self.width = width
    self.height = height
  }

  /// A view of the pixels, valid until the next `resize` or the buffer's end.
  public var view: GrayView { GrayView(base: UnsafePointer(storage ?? Self.empty), width: width, height: height, stride: width) }
  public var mutableView: MutableGrayView { MutableGrayView(base: storage ?? Self.empty, width: width, height: height, stride: width) }

  nonisolated(unsafe) private static let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
}
