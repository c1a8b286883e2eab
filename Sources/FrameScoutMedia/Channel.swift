import Foundation

/// A place a value with one owner can be left in and taken from again.
final class Slot<Value: ~Copyable> {
  var value: Value?
  init() { value = nil }
}

/// A bounded first-in first-out hand-off between threads for values that have one owner at
/// a time (`~Copyable`, e.g. a `FrameBuffer`): `send` moves a value in, `receive` moves the
/// oldest one out; both wait (on the channel's lock) while it is full or empty.
final class Channel<Value: ~Copyable & Sendable>: @unchecked Sendable {
  // Unchecked Sendable: every field is read and written under `condition`, and the values
  // themselves are Sendable and move in and out, never shared.
  private let condition = NSCondition()
  private let cells: [Slot<Value>]
  private var head = 0, count = 0, closed = false

  init(capacity: Int) {
    precondition(capacity > 0)
    cells = (0..<capacity).map { _ in Slot<Value>() }
  }

  /// Moves `value` in, waiting while the channel is full. After `close()` the value is dropped.
  func send(_ value: consuming Value) {
    condition.lock()
    defer { condition.unlock() }
    while count == cells.count && !closed { condition.wait() }
    if closed { return }
    cells[(head + count) % cells.count].value = consume value
    count += 1
    condition.broadcast()
  }

  /// Moves the oldest value out, waiting while the channel is empty; nil once it is closed
  /// and empty.
  func receive() -> Value? {
    condition.lock()
    defer { condition.unlock() }
    while count == 0 && !closed { condition.wait() }
    if count == 0 { return nil }
    let value = cells[head].value.take()
    head = (head + 1) % cells.count
    count -= 1
    condition.broadcast()
    return value
  }

  /// No more values: `receive` returns what is left, then nil. Later calls do nothing.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }
}
