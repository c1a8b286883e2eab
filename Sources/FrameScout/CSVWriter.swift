import FrameScoutMedia
import Foundation

/// A CSV written line by line to a temporary file beside `path`, renamed into place by
/// `commit()` (a killed run leaves no half file; memory stays flat however many lines).
public final class CSVWriter {
  let path: String
  let temporary: String
  let handle: FileHandle
  var buffer = ""

  public init(path: String, header: String) throws(MediaError) {
    self.path = path
    let url = URL(fileURLWithPath: path)
    temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
    guard FileManager.default.createFile(atPath: temporary, contents: nil), let h = FileHandle(forWritingAtPath: temporary) else {
      throw MediaError(file: path, kind: .writeFailed, reason: "cannot write")
    }
    handle = h
    line(header)
  }

  deinit { try? handle.close(); try? FileManager.default.removeItem(atPath: temporary) }

  public func line(_ text: String) {
    buffer += text
    buffer += "\n"
    if buffer.utf8.count > 1 << 16 { flush() }
  }

  func flush() {
    handle.write(Data(buffer.utf8))
    buffer.removeAll(keepingCapacity: true)
  }

  public func commit() throws(MediaError) {
    flush()
    do { try handle.close() } catch { throw MediaError(file: path, kind: .writeFailed, reason: "cannot write: \(error)") }
    if rename(temporary, path) != 0 { throw MediaError(file: path, kind: .writeFailed, reason: "cannot write: \(String(cString: strerror(errno)))") }
  }
}
