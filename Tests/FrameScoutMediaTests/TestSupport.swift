import Foundation
import XCTest

/// The package root, found from this file's path (Tests/FrameScoutMediaTests/…).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testVideos = packageRoot.appendingPathComponent("TestVideos")

func clip(_ name: String) throws -> String {
  let path = testVideos.appendingPathComponent(name).path
  guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("missing \(name): run tools/make-testvideos") }
  return path
}

/// The truth file of a clip (`NAME.EXT.truth.json`) as a dictionary.
func truth(_ name: String) throws -> [String: Any] {
  let data = try Data(contentsOf: testVideos.appendingPathComponent(name + ".truth.json"))
  return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// Every clip in TestVideos that has a truth file, by file name.
func allClips() throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: testVideos.path)
    .filter { $0.hasSuffix(".truth.json") }
    .map { String($0.dropLast(".truth.json".count)) }
    .filter { FileManager.default.fileExists(atPath: testVideos.appendingPathComponent($0).path) }
    .sorted()
}

/// Runs a program and returns its standard output (nil when it is not installed).
func runTool(_ program: String, _ args: [String]) throws -> (status: Int32, out: String, err: String)? {
  // A path is run as it is; a bare name is looked up on PATH.
  let paths = program.contains("/") ? [program]
    : (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(program)" }
  guard let exe = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: exe)
  p.arguments = args
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// A temporary folder removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
  return dir
}

/// Resident memory of this process in bytes (Linux /proc/self/statm).
func residentBytes() -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
  let fields = text.split(separator: " ")
  return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
