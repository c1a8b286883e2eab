import ArgumentParser
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Compare two recordings (not yet).")
  func run() throws {}
}
