/// A 64-bit perceptual hash (aHash, dHash or pHash of an 8×8 grid of bits). Bit `i` of the
/// grid in row-major order is bit `63 − i` of `bits`, so `description` prints the same
/// 16 hex digits as Python's `imagehash` (`str(ImageHash)`).
public struct Hash64: Hashable, Sendable, CustomStringConvertible {
  public var bits: UInt64

  @inlinable
  public init(bits: UInt64) { self.bits = bits }

  /// Parses 16 hex digits as printed by `description` or by `imagehash`.
  public init?(hex: String) {
    guard hex.utf8.count == 16, let v = UInt64(hex, radix: 16) else { return nil }
    bits = v
  }

  /// Number of differing bits (0…64): the Hamming distance, one `popcnt` with
  /// `-Xcc -march=x86-64-v2` (an emulation of it on baseline x86-64).
  @inlinable
  public func distance(to other: Hash64) -> Int { (bits ^ other.bits).nonzeroBitCount }

  /// Bit `index` (0…63) of the grid in row-major order.
  @inlinable
  public subscript(index: Int) -> Bool { (bits >> UInt64(63 - index)) & 1 == 1 }

  public var description: String {
    let s = String(bits, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
  }

  /// Index and distance of the nearest of `candidates` to `query` (first one on ties),
  /// or nil when there are none. A linear scan: about 1 ns per candidate with popcnt.
  @inlinable
  public static func nearest(to query: Hash64, in candidates: UnsafeBufferPointer<Hash64>) -> (index: Int, distance: Int)? {
    guard !candidates.isEmpty else { return nil }
    var best = (index: 0, distance: 65)
    for i in candidates.indices {
      let d = (candidates[i].bits ^ query.bits).nonzeroBitCount
      if d < best.distance { best = (i, d) }
    }
    return best
  }
}
