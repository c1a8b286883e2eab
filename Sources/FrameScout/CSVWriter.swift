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

  /// The first write error (a full disk): reported by `commit()`, never a trap.
  var writeError: Error?

  func flush() {
    if writeError == nil {
      do { try handle.write(contentsOf: Data(buffer.utf8)) } catch { writeError = error }
    }
    buffer.removeAll(keepingCapacity: true)
  }

  public func commit() throws(MediaError) {
    flush()
    if let writeError { throw MediaError(file: path, kind: .writeFailed, reason: "cannot write: \(Self.reason(writeError))") }
    do { try handle.close() } catch { throw MediaError(file: path, kind: .writeFailed, reason: "cannot write: \(Self.reason(error))") }
    if rename(temporary, path) != 0 { throw MediaError(file: path, kind: .writeFailed, reason: "cannot write: \(String(cString: strerror(errno)))") }
  }

  /// The system's reason for a Foundation write error ("No space left on device"), one line.
  static func reason(_ error: Error) -> String {
    let e = error as NSError
    let posix = e.domain == NSPOSIXErrorDomain ? e : (e.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0 : nil }
    if let posix { return String(cString: strerror(Int32(posix.code))) }
    return e.localizedDescription.split(separator: "\n").first.map(String.init) ?? "write error"
  }
}
