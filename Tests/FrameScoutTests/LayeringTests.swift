import Foundation
import XCTest

/// The layers of the README's design, read from the sources: each target imports only what
/// it may. C (FFmpeg, libjpeg) stays behind FrameScoutMedia; FrameScoutCore needs nothing but
/// the C library (no Foundation); the engines never see FFmpeg; the command line reaches the
/// library through its modules, never through C.
final class LayeringTests: XCTestCase {
  static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources")

  static let system: Set<String> = ["Glibc", "Darwin", "Musl"]
  static let allowed: [String: Set<String>] = [
    "FrameScoutCore": system,
    "FrameScoutScalarBaseline": ["FrameScoutCore"],
    "FrameScoutMedia": system.union(["CFFmpeg", "CFFmpegLog", "CJPEG", "FrameScoutCore", "Crypto", "Foundation", "Synchronization"]),
    "FrameScoutSearch": system.union(["FrameScoutCore", "FrameScoutMedia", "Foundation", "Synchronization"]),
    "FrameScoutReport": system.union(["FrameScoutCore", "Foundation"]),
    "FrameScout": system.union(["FrameScoutCore", "FrameScoutMedia", "FrameScoutSearch", "FrameScoutReport", "Crypto", "Foundation",
                                "Synchronization"]),
    "FrameScoutBenchmarks": system.union(["FrameScout", "FrameScoutScalarBaseline", "Foundation", "Dispatch"]),
    // The command line reaches reports through the façade's jobs, never the report layer itself.
    "framescout": system.union(["ArgumentParser", "FrameScout", "FrameScoutCore", "FrameScoutMedia", "FrameScoutSearch",
                                "FrameScoutBenchmarks", "Foundation", "Dispatch"]),
  ]

  /// Every `import X` of every Swift file below `dir`, with the file it is in.
  func imports(in dir: URL) throws -> [(file: String, module: String)] {
    var found: [(String, String)] = []
    let walker = FileManager.default.enumerator(atPath: dir.path)
    while let rel = walker?.nextObject() as? String {
      guard rel.hasSuffix(".swift") else { continue }
      let text = try String(contentsOf: dir.appendingPathComponent(rel), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let words = line.split(separator: " ").filter { !$0.hasPrefix("@") && $0 != "public" && $0 != "internal" && $0 != "private" }
        guard words.count >= 2, words[0] == "import" else { continue }
        // `import struct Foundation.URL` names a module after its kind.
        let module = (words.count >= 3 && ["struct", "class", "enum", "func", "protocol", "typealias"].contains(String(words[1])) ? words[2] : words[1])
          .split(separator: ".").first.map(String.init) ?? ""
        found.append((rel, module))
      }
    }
    return found
  }

  func testEveryTargetImportsOnlyWhatItsLayerAllows() throws {
    let targets = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { !$0.hasPrefix("C") && !$0.hasPrefix(".") }
    XCTAssertEqual(Set(targets), Set(Self.allowed.keys), "a target without a layer rule (add it here and to the README)")
    var checked = 0
    for target in targets {
      let rule = try XCTUnwrap(Self.allowed[target])
      for (file, module) in try imports(in: Self.sources.appendingPathComponent(target)) {
        checked += 1
        XCTAssertTrue(rule.contains(module), "Sources/\(target)/\(file) imports \(module), which its layer may not")
      }
    }
    XCTAssertGreaterThan(checked, 50)
  }

  /// The rule's own test: a forbidden import in a copy of a file is caught.
  func testAForbiddenImportIsCaught() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("layering-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "import FrameScoutCore\n@preconcurrency import CFFmpeg\nimport struct Foundation.URL\n".write(
      to: dir.appendingPathComponent("Engine.swift"), atomically: true, encoding: .utf8)
    let found = try imports(in: dir).map(\.module)
    XCTAssertEqual(found, ["FrameScoutCore", "CFFmpeg", "Foundation"])
    XCTAssertFalse(Self.allowed["FrameScoutSearch"]!.contains("CFFmpeg"))
    XCTAssertFalse(Self.allowed["FrameScoutCore"]!.contains("Foundation"))
  }
}
