import Foundation
import XCTest

/// What a finished process said: its exit status, standard output (bytes and text) and
/// standard error.
struct ProcessResult {
  var status: Int32
  var output: Data
  var err: String
  var out: String { String(decoding: output, as: UTF8.self) }
}

/// Runs `executable` with `arguments` (in `directory`, when given) to its end.
/// `environment` adds to (or overrides) this process's variables.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
  let p = Process()
  p.executableURL = executable
  p.arguments = arguments
  if let directory { p.currentDirectoryURL = directory }
  if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return ProcessResult(status: p.terminationStatus, output: o, err: String(decoding: e, as: UTF8.self))
}

/// The framescout binary beside this test bundle.
func builtFramescout() -> URL {
  let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                    Bundle.main.bundleURL, Bundle(for: GoldenTests.self).bundleURL.deletingLastPathComponent()]
  for dir in candidates where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("framescout").path) {
    return dir.appendingPathComponent("framescout")
  }
  return candidates[0].appendingPathComponent("framescout")
}

/// A TestVideos clip's path (skips the test when the clip is missing).
func testVideo(_ name: String) throws -> String {
  let path = CommandLineTests.videos.appendingPathComponent(name).path
  guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("missing \(name)") }
  return path
}

/// A new empty folder, removed when `test` ends.
func temporaryFolder(for test: XCTestCase, prefix: String) throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
  return dir
}
