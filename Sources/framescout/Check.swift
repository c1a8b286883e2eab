import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutMedia

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the engines on sample clips and compare with the expected events (a CI regression check).",
    discussion: """
      EXPECTATIONS.json: {"tolerance": 0.5, "clips": [{"file": "passerby.mp4", "engine": "scan",
      "expect": [{"kind": "motion", "start": 4.84, "end": 9.44}]}, {"file": "parcel_taken.mp4",
      "engine": "watch", "roi": "392,146,56,44", "expect": [{"kind": "disappeared", "start": 9.36}],
      "tolerance": 0.08}]}. Files are relative to the expectations file; times in seconds;
      "tolerance" (seconds) per clip or for all. Every expected event must be found with the
      same kind and its start (and end, when given) within the tolerance, and nothing else
      may be found. Prints one line per clip and a diff for each difference.
      Exit codes: 0 all as expected, 4 a regression, 1 a malformed file, 2 a clip could not be read.
      --update rewrites the file with what the engines find now (tolerances kept).
      """)

  @Argument(help: "The expectations file.") var expectations: String
  @Flag(help: "Rewrite the expectations with the current detections.") var update = false

  func run() throws {
    let report: CheckReport
    do { report = try CheckJob(expectations: Expectations(path: expectations)).run() }
    catch let e as Expectations.Malformed { throw ValidationError(e.description) }
    print(report.clipLines, terminator: "")
    if update {
      try AtomicFile.write(Array(report.updated.serialized().utf8), to: expectations)
      print("updated \(expectations)")
      return
    }
    print(report.verdict, terminator: "")
    if report.regressions > 0 { throw ExitCode(Exit.regression) }
  }
}
