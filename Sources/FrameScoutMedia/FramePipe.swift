import FrameScoutCore
import Foundation

/// Hands reduced frames from a producing thread (the decoder) to the thread that reads them
/// (the analysis), in order, through `slots` frame buffers allocated once, so the decoder
/// is fed again while a frame is read. Each buffer moves between the two threads as a value
/// with one owner (`FrameBuffer`): out of the free channel to the producer, with its frame
/// and tag to the reader, and back; no thread can touch a buffer another one holds.
public final class FramePipe<Tag: Sendable>: Sendable {
  public let width: Int
  public let height: Int
  private let free: Channel<FrameBuffer>
  private let filled: Channel<PipedFrame<Tag>>

  init(slots: Int, width: Int, height: Int) {
    self.width = width
    self.height = height
    free = Channel(capacity: slots)
    filled = Channel(capacity: slots)
    for _ in 0..<slots { free.send(FrameBuffer(width: width, height: height, frames: 1)) }
  }

  /// Copies one frame into a free buffer and queues it with its tag, waiting while every
  /// buffer is in use. Allocates nothing for frames of the pipe's size; a frame of another
  /// size (a stream whose picture size changes) replaces the buffer by one of its size.
  public func send(_ gray: GrayView, _ tag: Tag) {
    guard var buffer = free.receive() else { return }
    if buffer.width != gray.width || buffer.height != gray.height {
      buffer = FrameBuffer(width: gray.width, height: gray.height, frames: 1)
    }
    buffer.store(gray, at: 0)
    filled.send(PipedFrame(pixels: buffer, tag: tag))
  }

  /// Runs `produce` on a thread of its own, sending frames into a new pipe, while the
  /// calling thread lends each frame, in order, to `consume`. Returns what `produce`
  /// returned once both are done, or throws its error (once the frames it sent before
  /// failing have been consumed).
  public static func run<Outcome: Sendable>(slots: Int, width: Int, height: Int,
                                            produce: @escaping @Sendable (FramePipe) throws -> Outcome,
                                            consume: (GrayView, Tag) -> Void) throws -> Outcome {
    let pipe = FramePipe(slots: slots, width: width, height: height)
    let outcome = Channel<Result<Outcome, any Error>>(capacity: 1)
    let producer = Thread {
      outcome.send(Result { try produce(pipe) })
      pipe.filled.close()
    }
    producer.start()
    while let frame = pipe.filled.receive() {
      frame.pixels.withFrame(0) { consume($0, frame.tag) }
      pipe.free.send(frame.pixels)
    }
    return try outcome.receive()!.get()
  }
}

/// A frame on its way through a pipe: its buffer and what the producer tagged it with.
struct PipedFrame<Tag: Sendable>: ~Copyable, Sendable {
  var pixels: FrameBuffer
  let tag: Tag
}
