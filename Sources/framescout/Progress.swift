import Foundation

/// A one-line progress bar on stderr (percent, speed as ×realtime, ETA), drawn only when
/// stderr is a terminal and not `--quiet`; redrawn at most 5 times a second.
final class Progress {
  let label: String
  let total: Double
  let enabled: Bool
  let started = DispatchTime.now().uptimeNanoseconds
  var lastDrawn: UInt64 = 0
  var drawn = false

  init(label: String, total: Double, enabled: Bool) {
    self.label = label
    self.total = total
    self.enabled = enabled && isatty(STDERR_FILENO) == 1 && total > 0
  }

  /// `done`: seconds of footage processed so far.
  func update(_ done: Double) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    if drawn && now - lastDrawn < 200_000_000 { return }
    lastDrawn = now
    drawn = true
    let elapsed = Double(now - started) / 1e9
    let fraction = max(0, min(1, done / total))
    let speed = elapsed > 0 ? done / elapsed : 0
    let eta = speed > 0 ? (total - done) / speed : 0
    let width = 30, filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(format: "\r%@ [%@] %3.0f%%  %.0fx realtime  ETA %@ ", label, bar, fraction * 100, speed, Self.clock(eta))
    writeStandardError(line)
  }

  /// Clears the line.
  func finish() {
    guard enabled && drawn else { return }
    writeStandardError(("\r" + String(repeating: " ", count: 79) + "\r"))
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
