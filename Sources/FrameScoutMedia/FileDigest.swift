import Crypto
import Foundation

/// SHA-256 of a file, read in 1 MiB chunks (bounded memory), opened read-only.
public enum FileDigest {
  public static func sha256(path: String) throws(MediaError) -> (hex: String, bytes: Int) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      switch errno {
      case ENOENT: throw MediaError(file: path, kind: .notFound, reason: "no such file")     // vanished since it was listed
      case EACCES: throw MediaError(file: path, kind: .permissionDenied, reason: "permission denied")
      default: throw MediaError(file: path, kind: .readFailed, reason: "cannot open for reading: \(String(cString: strerror(errno)))")
      }
    }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
    defer { try? handle.close() }
    var hasher = SHA256()
    var total = 0
    while true {
      let chunk: Data
      do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
        throw MediaError(file: path, kind: .readFailed, reason: "read failed: \(error.localizedDescription)")
      }
      if chunk.isEmpty { break }
      total += chunk.count
      hasher.update(data: chunk)
    }
    let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    return (hex, total)
  }
}
