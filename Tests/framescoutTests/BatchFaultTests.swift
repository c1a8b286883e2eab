import Foundation
import XCTest

/// A batch under faults (issue 21, item 4): the output folder on a full filesystem or made
/// read-only, inputs that vanish or are still being copied, SIGTERM and SIGKILL at random
/// moments. Each time: the error is one line, the report files are the complete old version
/// or the complete new one, a rerun finishes with the report a clean run gives, and the
/// evidence files' bytes and modification times are unchanged.
///
/// A full or read-only filesystem is a real tmpfs mount when this process may mount (root
/// with CAP_SYS_ADMIN, as in CI); elsewhere the same failure is injected into every output
/// write after the first N (FRAMESCOUT_INJECT_WRITE_FAILURE=N:ENOSPC), and the test says so.
final class BatchFaultTests: XCTestCase {
  var binary: URL { builtFramescout() }

  func tempDir() throws -> URL { try temporaryFolder(for: self, prefix: "framescout-faults") }

  func framescout(_ args: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(binary, args, environment: environment)
  }

  func start(_ args: [String], environment: [String: String] = [:]) -> Process {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    return p
  }

  /// Six clips, one of them damaged (truncated.mp4 decodes with a warning).
  func evidence(in base: URL) throws -> URL {
    let dir = base.appendingPathComponent("evidence/cam1")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for name in ["passerby.mp4", "static.mkv", "mjpeg.avi", "parcel_taken.mp4", "bag_left.mp4", "truncated.mp4"] {
      try FileManager.default.copyItem(atPath: try testVideo(name), toPath: dir.appendingPathComponent(name).path)
    }
    return dir.deletingLastPathComponent()
  }

  /// Every evidence file's bytes and modification time.
  func snapshot(_ dir: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let e = FileManager.default.enumerator(atPath: dir.path)!
    while let rel = e.nextObject() as? String {
      let path = dir.appendingPathComponent(rel).path
      var st = stat()
      XCTAssertEqual(stat(path, &st), 0)
      guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      withUnsafeBytes(of: st.st_mtim) { bytes.append(contentsOf: $0) }
      out[rel] = bytes
    }
    return out
  }

  /// report.json, report.csv and report.html of a batch output folder (nil when absent).
  func reports(_ out: String) -> [String?] {
    ["report.json", "report.csv", "report.html"].map { try? String(contentsOfFile: out + "/" + $0, encoding: .utf8) }
  }

  /// Every file below `out`: none is a temporary file, every state record parses.
  func assertWhole(_ out: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
    let e = FileManager.default.enumerator(atPath: out)
    while let rel = e?.nextObject() as? String {
      XCTAssertFalse(rel.hasSuffix(".tmp"), "\(context): a temporary file left: \(rel)", file: file, line: line)
      if rel.hasPrefix("state/") && rel.hasSuffix(".json") {
        let data = FileManager.default.contents(atPath: out + "/" + rel) ?? Data()
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: data), "\(context): \(rel) is not whole JSON", file: file, line: line)
      }
    }
  }

  func assertOneLine(_ err: String, containing words: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
    let lines = err.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "\(context): \(err)", file: file, line: line)
    XCTAssertTrue(err.hasPrefix("framescout: ") && err.contains(words), "\(context): \(err)", file: file, line: line)
  }

  /// A small tmpfs at `dir` (nil when this process may not mount). Unmounted at teardown.
  func mountTmpfs(_ dir: URL, kilobytes: Int) throws -> Bool {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") || FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    let r = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", dir.path])
    guard r.status == 0 else { return false }
    addTeardownBlock { _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), ["-l", dir.path]) }
    return true
  }

  func remount(_ dir: URL, _ options: String) throws {
    let r = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,\(options)", dir.path])
    XCTAssertEqual(r.status, 0, "mount -o remount,\(options): \(r.err)")
  }

  /// Bytes of the files below `dir`.
  func size(_ dir: String) -> Int {
    var total = 0
    let e = FileManager.default.enumerator(atPath: dir)
    while let rel = e?.nextObject() as? String {
      total += ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + rel))?[.size] as? Int) ?? 0
    }
    return total
  }

  func testAFullDiskStopsTheBatchInOneLineKeepsTheOldReportAndTheRerunFinishes() throws {
    let base = try tempDir()
    let evidence = try evidence(in: base)
    let before = try snapshot(evidence)
    let args = ["batch", evidence.path, "--quiet", "--jobs", "1"]
    let clean = try framescout(args + ["--out", base.appendingPathComponent("clean").path])
    XCTAssertEqual(clean.status, 0, clean.err)
    let expected = reports(base.appendingPathComponent("clean").path)
    let cleanBytes = size(base.appendingPathComponent("clean").path)

    // The old report: the same folder with only passerby.mp4, which fits.
    let out = base.appendingPathComponent("small")
    let mounted = try mountTmpfs(out, kilobytes: max(64, cleanBytes / 2 / 1024))
    let outPath = out.appendingPathComponent("out").path
    let subset = try framescout(args + ["--out", outPath, "--include", "passerby.mp4"])
    XCTAssertEqual(subset.status, 0, subset.err)
    let old = reports(outPath)
    XCTAssertNotNil(old[0])

    // The whole folder does not fit: one line, exit 2, the old report whole.
    let fault = mounted ? [:] : ["FRAMESCOUT_INJECT_WRITE_FAILURE": "4:ENOSPC"]
    if !mounted { print("BatchFaultTests: cannot mount a tmpfs here; the full disk is injected (ENOSPC after 4 writes)") }
    let full = try framescout(args + ["--out", outPath], environment: fault)
    XCTAssertEqual(full.status, 2, full.err)
    assertOneLine(full.err, containing: "No space left on device", "full disk")
    XCTAssertEqual(reports(outPath), old, "the old reports stay whole")
    assertWhole(outPath, "full disk")

    // Room again: the rerun gives the clean run's report.
    if mounted { try remount(out, "size=\(cleanBytes * 4 / 1024 + 1024)k") }
    let rerun = try framescout(args + ["--out", outPath])
    XCTAssertEqual(rerun.status, 0, rerun.err)
    XCTAssertEqual(reports(outPath), expected)
    assertWhole(outPath, "after the rerun")
    XCTAssertEqual(try snapshot(evidence), before, "evidence bytes and modification times unchanged")
  }

  /// A single command's streamed CSV (audit --signals) on a full disk: one line, exit 2,
  /// no half file (the writer used to trap on the failed write).
  func testAStreamedCSVOnAFullDiskFailsInOneLine() throws {
    let base = try tempDir()
    let mnt = base.appendingPathComponent("mnt")
    guard try mountTmpfs(mnt, kilobytes: 16) else { throw XCTSkip("cannot mount a tmpfs here") }
    let signals = mnt.appendingPathComponent("signals.csv").path
    let r = try framescout(["audit", try testVideo("passerby.mp4"), "--signals", signals])
    XCTAssertEqual(r.status, 2, r.err)
    assertOneLine(r.err, containing: "No space left on device", "audit --signals on a full disk")
    XCTAssertFalse(FileManager.default.fileExists(atPath: signals))
    assertWhole(mnt.path, "audit --signals on a full disk")
  }

  /// Standard output redirected to a full disk (/dev/full): one line, exit 2, never a
  /// silently short report with exit 0.
  func testStandardOutputOnAFullDiskFailsInOneLine() throws {
    guard let full = FileHandle(forWritingAtPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
    // Short reports fail at the last flush, a long one (over stdio's 4 KiB buffer) in a print before it.
    let five = try ["passerby.mp4", "bag_left.mp4", "parcel_taken.mp4", "passerby_cut.mp4", "passerby_dup.mp4"].map(testVideo)
    for args in [["probe", try testVideo("passerby.mp4"), "--json"], ["scan", try testVideo("passerby.mp4"), "--json"], ["audit"] + five + ["--json"]] {
      let p = start(args)
      let err = Pipe()
      p.standardOutput = full
      p.standardError = err
      try p.run()
      let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      XCTAssertEqual(p.terminationReason, .exit, "\(args): \(text)")
      XCTAssertEqual(p.terminationStatus, 2, "\(args): \(text)")
      assertOneLine(text, containing: "standard output: cannot write", "\(args[0]) > /dev/full")
    }
  }

  func testAnOutputFolderMadeReadOnlyMidRunStopsTheBatchAndTheRerunFinishes() throws {
    let base = try tempDir()
    let evidence = try evidence(in: base)
    let before = try snapshot(evidence)
    let args = ["batch", evidence.path, "--quiet", "--jobs", "1"]
    let cleanOut = base.appendingPathComponent("clean").path
    XCTAssertEqual(try framescout(args + ["--out", cleanOut]).status, 0)
    let expected = reports(cleanOut)

    // Mid-run (injected: every write after the third fails as on a read-only filesystem).
    let out = base.appendingPathComponent("out").path
    let ro = try framescout(args + ["--out", out], environment: ["FRAMESCOUT_INJECT_WRITE_FAILURE": "3:EROFS"])
    XCTAssertEqual(ro.status, 2, ro.err)
    assertOneLine(ro.err, containing: "Read-only file system", "read-only mid-run")
    XCTAssertNil(reports(out)[0], "no report yet: none is half-written")
    assertWhole(out, "read-only mid-run")
    let rerun = try framescout(args + ["--out", out])
    XCTAssertEqual(rerun.status, 0, rerun.err)
    XCTAssertEqual(reports(out), expected)

    // A real read-only mount under a finished folder: a run that must write stops in one
    // line and the complete report stays; writable again, the rerun finishes.
    let mountPoint = base.appendingPathComponent("mnt")
    if try mountTmpfs(mountPoint, kilobytes: 16 * 1024) {
      let real = mountPoint.appendingPathComponent("out").path
      XCTAssertEqual(try framescout(args + ["--out", real]).status, 0)
      try remount(mountPoint, "ro")
      let other = ["--min-event", "2s"]     // other parameters: every file must be analysed and recorded again
      let stopped = try framescout(args + other + ["--out", real])
      XCTAssertEqual(stopped.status, 2, stopped.err)
      assertOneLine(stopped.err, containing: "Read-only file system", "read-only mount")
      XCTAssertEqual(reports(real), expected)
      try remount(mountPoint, "rw")
      let otherClean = base.appendingPathComponent("clean2s").path
      XCTAssertEqual(try framescout(args + other + ["--out", otherClean]).status, 0)
      XCTAssertEqual(try framescout(args + other + ["--out", real]).status, 0)
      XCTAssertEqual(reports(real), reports(otherClean))
      assertWhole(real, "read-only mount, after the rerun")
    } else {
      print("BatchFaultTests: cannot mount a tmpfs here; the read-only mount case is not run (the injected one was)")
    }
    XCTAssertEqual(try snapshot(evidence), before, "evidence bytes and modification times unchanged")
  }

  func testAnInputStillBeingCopiedAndOneThatVanishesAreReportedAndTheRerunFinishes() throws {
    let base = try tempDir()
    let evidence = try evidence(in: base)
    let cam = evidence.appendingPathComponent("cam1")
    let growing = cam.appendingPathComponent("a_copying.mp4"), gone = cam.appendingPathComponent("z_gone.mp4")
    let source = try Data(contentsOf: URL(fileURLWithPath: try testVideo("passerby_30fps.mp4")))
    try FileManager.default.copyItem(atPath: try testVideo("passerby_dup.mp4"), toPath: gone.path)
    try source.prefix(source.count / 5).write(to: growing)

    // The copy goes on for 3 s after the batch starts (a_copying.mp4 is its first file).
    let copier = Thread {
      let h = try! FileHandle(forWritingTo: growing)
      h.seekToEndOfFile()
      var at = source.count / 5
      let step = (source.count - at) / 30 + 1
      while at < source.count {
        usleep(100_000)
        let n = min(step, source.count - at)
        h.write(source.subdata(in: at..<(at + n)))
        at += n
      }
      try! h.close()
    }
    let out = base.appendingPathComponent("out").path
    let p = start(["batch", evidence.path, "--quiet", "--jobs", "1", "--out", out])
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    copier.start()
    // z_gone.mp4 vanishes once the batch has recorded its first file.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: out + "/state"))?.filter { $0.hasSuffix(".json") }.isEmpty ?? true) {
      usleep(2000)
    }
    try FileManager.default.removeItem(at: gone)
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    while copier.isExecuting || !copier.isFinished { usleep(10_000) }
    XCTAssertEqual(p.terminationStatus, 3, text)
    let lines = text.split(separator: "\n")
    XCTAssertEqual(lines.count, 2, text)
    XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("framescout: ") }, text)
    XCTAssertTrue(lines.contains { $0.contains("a_copying.mp4") }, "the file being copied is reported: \(text)")
    XCTAssertTrue(lines.contains { $0.contains("z_gone.mp4") && $0.contains("no such file") }, "the vanished file is reported: \(text)")

    // Copied, the rerun analyses it anew and gives a clean run's report.
    let before = try snapshot(evidence)
    let rerun = try framescout(["batch", evidence.path, "--quiet", "--jobs", "1", "--out", out])
    XCTAssertEqual(rerun.status, 0, rerun.err)
    let cleanOut = base.appendingPathComponent("clean").path
    XCTAssertEqual(try framescout(["batch", evidence.path, "--quiet", "--jobs", "1", "--out", cleanOut]).status, 0)
    XCTAssertEqual(reports(out), reports(cleanOut))
    XCTAssertEqual(try snapshot(evidence), before, "evidence bytes and modification times unchanged")
  }

  func testSignalsAtRandomMomentsLeaveWholeReportsAndTheRerunFinishes() throws {
    let base = try tempDir()
    let evidence = try evidence(in: base)
    let before = try snapshot(evidence)
    let args = ["batch", evidence.path, "--quiet", "--jobs", "2"]
    let cleanOut = base.appendingPathComponent("clean").path
    let started = Date()
    XCTAssertEqual(try framescout(args + ["--out", cleanOut]).status, 0)
    let cleanSeconds = Date().timeIntervalSince(started)
    let expected = reports(cleanOut)

    // Each round starts from an output folder with the old report (of passerby.mp4 alone),
    // is signalled at a fixed fraction of a clean run's time, then finishes with a rerun.
    let oldOut = base.appendingPathComponent("old").path
    XCTAssertEqual(try framescout(args + ["--out", oldOut, "--include", "passerby.mp4"]).status, 0)
    let old = reports(oldOut)
    var stoppedByHandler = 0
    for k in 0..<8 {
      let sig = k % 2 == 0 ? SIGTERM : SIGKILL
      // Moments spread over the run, the same on every run (the golden-ratio sequence).
      let delay = (0.1 + Double(k) * 0.618_034).truncatingRemainder(dividingBy: 1) * cleanSeconds
      let out = base.appendingPathComponent("out\(k)").path
      try FileManager.default.copyItem(atPath: oldOut, toPath: out)
      let p = start(args + ["--out", out])
      let err = Pipe()
      p.standardError = err
      p.standardOutput = FileHandle.nullDevice
      try p.run()
      usleep(UInt32(delay * 1e6))
      kill(p.processIdentifier, sig)
      let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      let context = "signal \(sig) after \(String(format: "%.2f", delay)) s"
      if p.terminationReason == .exit && p.terminationStatus == 128 + sig {
        stoppedByHandler += 1
        assertOneLine(text, containing: "batch stopped by SIGTERM", context)
        XCTAssertTrue(text.contains("run the same command again to resume"), text)
      } else if p.terminationReason == .exit {
        XCTAssertEqual(p.terminationStatus, 0, "\(context): finished before the signal: \(text)")
      }
      let now = reports(out)
      XCTAssertTrue(now == old || now == expected, "\(context): the reports are the old whole ones or the new")
      let e = FileManager.default.enumerator(atPath: out)
      while let rel = e?.nextObject() as? String {
        guard rel.hasPrefix("state/") && rel.hasSuffix(".json") && !rel.contains("/.") else { continue }
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: out + "/" + rel) ?? Data()), "\(context): \(rel)")
      }
      let rerun = try framescout(args + ["--out", out])
      XCTAssertEqual(rerun.status, 0, "\(context): \(rerun.err)")
      XCTAssertEqual(reports(out), expected, "\(context): the rerun gives the clean run's reports")
      assertWhole(out, "\(context), after the rerun: the interrupted writes' temporary files are removed")
    }
    XCTAssertEqual(try snapshot(evidence), before, "evidence bytes and modification times unchanged")
    XCTAssertGreaterThan(stoppedByHandler, 0, "at least one SIGTERM came while the batch ran")
    print("BatchFaultTests: \(stoppedByHandler) of 4 SIGTERMs met the handler (the others came before it was installed or after the run)")
  }
}
