// Scans a video for motion and prints each event with its picture: the FrameScout façade in use.
//   swift run -c release scan-events TestVideos/passerby.mp4 [PICTURE_FOLDER]
import FrameScout
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let file = arguments.first else {
  print("usage: scan-events VIDEO [PICTURE_FOLDER]")
  exit(1)
}
let folder = arguments.count > 1 ? arguments[1] : "scan-events-pictures"
do {
  var settings = ScanSettings()     // DVR-like defaults; every field is documented in ScanSettings
  settings.minEvent = 1
  var report = try ScanJob(files: [file], settings: settings).run()
  try report.writeThumbnails(into: folder)
  for (k, event) in report.events.enumerated() {
    print("event \(k + 1): \(event.start.timecode) to \(event.end.timecode) (#\(event.start.frame)-#\(event.end.frame)),"
          + " score \(event.score), box \(event.box.map { "\($0)" } ?? "-"), picture \(event.thumbnail ?? "none")")
  }
  if report.events.isEmpty { print("no motion") }
  for warning in report.warnings { print("warning: \(warning.file): \(warning.message)") }
} catch {
  print("scan-events: \(error)")
  exit(2)
}
