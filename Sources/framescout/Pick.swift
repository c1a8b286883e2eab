import ArgumentParser
import FrameScout
import FrameScoutCore
import Foundation

struct Pick: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a page to draw regions on a frame: it gives the --roi/--exclude options and a --regions file.",
    discussion: """
      One self-contained HTML file (the frame embedded, no network): drag a rectangle or
      click a polygon's points (double-click or Enter closes it), mark each shape include
      or exclude, move, resize or delete it, zoom for small objects. The page shows the
      matching options live, copies them, and downloads a regions file for --regions.
      Coordinates are source pixels of the frame whatever the display scale; a frame with
      non-square pixels is shown at its display aspect, coordinates still in source pixels.
      A frame that cannot be decoded is replaced by the nearest one that can (a warning).
      """)

  @Argument(help: "Video file.") var file: String
  @Option(help: "The frame: seconds, HH:MM:SS.mmm or #frame (default: a tenth of the way in).") var at: TimeSpec?
  @Option(help: "Also show this many other frames, spread over the video, to check the regions over time.") var frames = 0
  @Option(name: .shortAndLong, help: "Output HTML file.") var output = "pick.html"
  @Flag(help: "Open the page in the default browser (xdg-open or open); without one, print its path.") var open = false
  @OptionGroup var input: InputOptions

  var settings: PickSettings { PickSettings(at: at, frames: frames, open: input.open) }

  func validate() throws { try checkSettings(settings, output: output, input: file) }

  func run() throws {
    let report = try PickJob(file: file, output: output, settings: settings).run()
    printText(report.text, warnings: report.warnings)
    if open && !openInBrowser(report.output) { print("no browser to open it with: open \(URL(fileURLWithPath: report.output).absoluteString)") }
  }

  /// Hands the page to the desktop's opener (xdg-open, else macOS's open); false when there
  /// is none or it fails (a server without a desktop).
  func openInBrowser(_ path: String) -> Bool {
    let env = ProcessInfo.processInfo.environment
    let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    for tool in ["xdg-open", "open"] {
      guard let exe = dirs.map({ ($0 as NSString).appendingPathComponent(tool) }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
      else { continue }
      if tool == "xdg-open" && env["DISPLAY"] == nil && env["WAYLAND_DISPLAY"] == nil { return false }
      let p = Process()
      p.executableURL = URL(fileURLWithPath: exe)
      p.arguments = [URL(fileURLWithPath: path).path]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      do { try p.run() } catch { return false }
      p.waitUntilExit()
      return p.terminationStatus == 0
    }
    return false
  }
}
