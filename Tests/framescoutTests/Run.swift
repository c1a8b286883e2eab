import Foundation

/// What a finished process said: its exit status, standard output (bytes and text) and
/// standard error.
struct ProcessResult {
  var status: Int32
  var output: Data
  var err: String
  var out: String { String(decoding: output, as: UTF8.self) }
}

/// Runs `executable` with `arguments` (in `directory`, when given) to its end.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
  let p = Process()
  p.executableURL = executable
  p.arguments = arguments
  if let directory { p.currentDirectoryURL = directory }
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
