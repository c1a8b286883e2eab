import Foundation
import XCTest

/// The committed clips and their truth files, for engine tests.
enum TestClips {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestVideos")

  /// The path of a clip; the test is skipped when it is missing.
  static func path(_ name: String) throws -> String {
    let p = folder.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("missing \(name)") }
    return p
  }

  /// The clip's NAME.truth.json as a dictionary.
  static func truth(_ name: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name + ".truth.json"))) as! [String: Any]
  }

  /// Names of the clips that have a truth file, sorted.
  static func all() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().filter { $0.hasSuffix(".truth.json") }
      .map { String($0.dropLast(".truth.json".count)) }
  }
}
