import Crypto
import Foundation
import XCTest

/// The outputs of every command, recorded before the library took over the run, must stay
/// byte-identical (Tests/Golden/commands.txt lists the commands; `FRAMESCOUT_GOLDEN_RECORD=1`
/// records them again). Exit codes are kept in Tests/Golden/status.txt.
final class GoldenTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let golden = root.appendingPathComponent("Tests/Golden")

  struct Case { var name: String; var arguments: [String]; var output: String }

  static func cases() throws -> [Case] {
    let text = try String(contentsOf: golden.appendingPathComponent("commands.txt"), encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
      if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { return nil }
      let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 3 else { return nil }
      return Case(name: parts[0], arguments: parts[1].split(separator: " ").map(String.init), output: parts[2])
    }
  }

  var binary: URL { builtFramescout() }

  /// Runs one case in a fresh $OUT folder: its exit status and the bytes it is judged by.
  func run(_ c: Case) throws -> (status: Int32, output: Data) {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("framescout-golden-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    let r = try runProcess(binary, c.arguments.map { $0.replacingOccurrences(of: "$OUT", with: out.path) }, in: Self.root)
    let (status, o) = (r.status, r.output)
    // Paths in what it wrote name the temporary folder: make them $OUT again.
    func relative(_ data: Data) -> Data {
      Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: out.path, with: "$OUT").utf8)
    }
    if c.output == "stdout" { return (status, relative(o)) }
    if c.output.hasPrefix("sha256:") {
      let file = out.appendingPathComponent(String(c.output.dropFirst(7)))
      let data = (try? Data(contentsOf: file)) ?? Data()
      let hex = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
      return (status, Data((hex + "\n").utf8))
    }
    return (status, relative((try? Data(contentsOf: out.appendingPathComponent(c.output))) ?? Data()))
  }

  func testEveryCommandWritesItsGoldenOutput() throws {
    let record = ProcessInfo.processInfo.environment["FRAMESCOUT_GOLDEN_RECORD"] == "1"
    let statusFile = Self.golden.appendingPathComponent("status.txt")
    var statuses: [String] = []
    let expectedStatus = record ? [:] : Dictionary(uniqueKeysWithValues: try String(contentsOf: statusFile, encoding: .utf8)
      .split(separator: "\n").map { line -> (String, String) in
        let p = line.split(separator: " "); return (String(p[0]), String(p[1]))
      })
    let cases = try Self.cases()
    XCTAssertGreaterThan(cases.count, 40)
    for c in cases {
      let (status, output) = try run(c)
      let file = Self.golden.appendingPathComponent(c.name)
      statuses.append("\(c.name) \(status)")
      if record {
        try output.write(to: file)
        continue
      }
      XCTAssertEqual(String(status), expectedStatus[c.name], "\(c.name): exit status")
      let expected = try Data(contentsOf: file)
      if expected != output {
        let a = String(decoding: expected, as: UTF8.self), b = String(decoding: output, as: UTF8.self)
        let diff = zip(a.split(separator: "\n", omittingEmptySubsequences: false), b.split(separator: "\n", omittingEmptySubsequences: false))
          .enumerated().first { $0.element.0 != $0.element.1 }
        XCTFail("\(c.name) differs from Tests/Golden/\(c.name)"
                + (diff.map { ", line \($0.offset + 1):\n  golden: \($0.element.0.prefix(300))\n  now:    \($0.element.1.prefix(300))" } ?? " (length)"))
      }
    }
    if record { try (statuses.joined(separator: "\n") + "\n").write(to: statusFile, atomically: true, encoding: .utf8) }
  }
}

