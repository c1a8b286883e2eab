import Foundation

/// Writes bytes to `path` atomically: a temporary file beside it, then a rename, so a
/// killed run never leaves half a file.
public enum AtomicFile {
  /// The corresponding C calls are `open` (O_CREAT | O_EXCL), `write`, `close` and `rename`;
  /// a failure names the reason as the system gives it ("Permission denied", "Read-only
  /// file system", "No space left on device").
  public static func write(_ bytes: [UInt8], to path: String) throws(MediaError) {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
    func failure(_ what: String) -> MediaError {
      MediaError(file: path, kind: .writeFailed, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    unlink(tmp)
    if let injected = WriteFaults.next() { errno = injected; throw failure("cannot write into the folder \(dir)") }
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw failure("cannot write into the folder \(dir)") }
    var written = 0
    let ok = bytes.withUnsafeBytes { raw -> Bool in
      while written < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 { if errno == EINTR { continue }; return false }
        written += n
      }
      return true
    }
    if !ok { let e = failure("cannot write"); close(fd); unlink(tmp); throw e }
    if close(fd) != 0 { let e = failure("cannot write"); unlink(tmp); throw e }
    if rename(tmp, path) != 0 { let e = failure("cannot write"); unlink(tmp); throw e }
  }
}

extension AtomicFile {
  /// Removes the temporary files (`.NAME.PID.tmp`) a killed run of another process left in
  /// `dir`; a live process's are left alone. Best effort: a folder that cannot be read is skipped.
  public static func removeStale(in dir: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
    for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
      let parts = name.dropLast(4).split(separator: ".")
      guard parts.count >= 2, let pid = Int32(parts[parts.count - 1]), pid != getpid() else { continue }
      if kill(pid, 0) == 0 || errno != ESRCH { continue }     // alive (or not ours to ask)
      unlink((dir as NSString).appendingPathComponent(name))
    }
  }
}

/// Injected write failures, for the fault tests only: with FRAMESCOUT_INJECT_WRITE_FAILURE
/// set to `N:ERRNO` (ERRNO one of ENOSPC, EROFS, EIO, EACCES), every `AtomicFile` write
/// after the first N fails as the system would have failed it (a full disk, a folder made
/// read-only). Unset (always, outside tests), nothing changes.
enum WriteFaults {
  static let plan: (after: Int, errno: Int32)? = {
    guard let text = ProcessInfo.processInfo.environment["FRAMESCOUT_INJECT_WRITE_FAILURE"] else { return nil }
    let parts = text.split(separator: ":")
    let codes: [Substring: Int32] = ["ENOSPC": ENOSPC, "EROFS": EROFS, "EIO": EIO, "EACCES": EACCES]
    guard parts.count == 2, let n = Int(parts[0]), n >= 0, let code = codes[parts[1]] else { return nil }
    return (n, code)
  }()
  nonisolated(unsafe) static var writes = 0
  static let lock = NSLock()

  /// The errno this write fails with, or nil when it goes ahead.
  static func next() -> Int32? {
    guard let plan else { return nil }
    lock.lock()
    defer { lock.unlock() }
    writes += 1
    return writes > plan.after ? plan.errno : nil
  }
}
