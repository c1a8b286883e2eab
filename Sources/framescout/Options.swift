import ArgumentParser
import FrameScout
import FrameScoutCore
import FrameScoutSearch
import Foundation

// What the commands share: turning options into checked settings, timing a job, printing
// its report and warnings, and the checks of output paths (an input is never written to).

/// Settings from the options, checked before any file is opened: a region that does not
/// parse, or a setting out of range, is a usage error naming the option (and the text
/// given for it, where `given(setting)` has one).
func checkedSettings<S: EngineSettings>(_ make: () throws -> S, given: (String) -> String? = { _ in nil }) throws -> S {
  let settings: S
  do { settings = try make() } catch let error as ValidationError { throw error } catch { throw ValidationError("--roi: \(error)") }
  do { try settings.validate() } catch { throw error.usage(given: given(error.setting)) }
  return settings
}

/// A job's result and the seconds it took.
func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
  let started = DispatchTime.now().uptimeNanoseconds
  let result = try body()
  return (result, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
}

/// A report on stdout, as JSON or as text (with the speed line), then its warnings on stderr.
func printReport(_ report: some JobReport, json: Bool, elapsed: Double) {
  print(json ? report.json.serialized() : report.text(elapsed: elapsed), terminator: "")
  printWarnings(report.allWarnings)
}

extension SettingError {
  /// `usage`, naming the text the user gave for the setting when there is one
  /// ("--hold 'abc' must be a duration from 0.2 s to 600 s").
  func usage(given text: String?) -> ValidationError {
    text.map { SettingError(setting, "'\($0)' " + reason).usage } ?? usage
  }
}

/// An output folder: an existing folder, or a path whose parent exists (it is created
/// only when there is something to write), and never an input file.
func checkFolder(_ dir: String, inputs: [String]) throws {
  var isDir: ObjCBool = false
  if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
    if !isDir.boolValue { throw ValidationError("\(dir) exists and is not a folder") }
    return
  }
  let parent = URL(fileURLWithPath: dir).deletingLastPathComponent().path
  if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDir) || !isDir.boolValue {
    throw ValidationError("the folder \(parent) (for \(dir)) does not exist")
  }
}

/// Warnings about inputs, one line each on stderr.
func printWarnings(_ warnings: [Warning]) {
  for w in warnings { printError("\(w.file): warning: \(w.message)") }
}

/// A setting's default duration as an option's default text (`--help` shows it): 1.5 → "1.5s".
func durationText(_ seconds: Double) -> String { SettingCheck.plain(seconds) + "s" }

/// `10s`, `1.5`, `00:01:00` → seconds.
func parseDuration(_ text: String) -> Double? { TimeSpec.seconds(parsingDuration: text) }

/// Outputs never overwrite an input (evidence is never written to) and need an existing folder.
func checkOutput(_ output: String, inputs: [String]) throws {
  let out = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath()
  for file in inputs where URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath() == out {
    throw ValidationError("the output \(output) is an input file: inputs are never written to")
  }
  var isDir: ObjCBool = false
  let dir = out.deletingLastPathComponent().path
  if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
    throw ValidationError("the folder of \(output) does not exist")
  }
  if FileManager.default.fileExists(atPath: out.path, isDirectory: &isDir), isDir.boolValue {
    throw ValidationError("the output \(output) is a directory")
  }
}

/// The included and excluded regions of `--roi`, `--exclude` and `--regions FILE`; a usage
/// error names the option, and for the file its line ("--regions r.txt line 2: …").
func regionOptions(rois: [String], excludes: [String], file: String?) throws -> RegionList {
  var list = RegionList()
  for r in rois { do { list.include.append(try RegionSpec(parsing: r)) } catch { throw ValidationError("--roi '\(r)': \(error)") } }
  for r in excludes { do { list.exclude.append(try RegionSpec(parsing: r)) } catch { throw ValidationError("--exclude '\(r)': \(error)") } }
  if let file {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      throw ValidationError("--regions: cannot read \(file)")
    }
    do {
      let lines = try RegionList(parsing: text)
      list.include += lines.include
      list.exclude += lines.exclude
    } catch { throw ValidationError("--regions \(file) \(error)") }
  }
  return list
}

/// `--report DIR`: a folder (or a path in an existing folder) of its own, which holds the
/// report's pictures and clips (so --thumbnails and --clips are not given with it).
func checkReportFolder(_ dir: String?, thumbnails: String?, clips: String?, inputs: [String]) throws {
  guard let dir else { return }
  if thumbnails != nil || clips != nil {
    throw ValidationError("--report \(dir) writes its own thumbs/ and clips/: give it without --thumbnails and --clips")
  }
  try checkFolder(dir, inputs: inputs)
}

/// A one-file command's checks: its settings (a usage error naming the option), and its
/// output (never the input, in an existing folder).
func checkSettings(_ settings: some EngineSettings, output: String, input: String) throws {
  do { try settings.validate() } catch { throw error.usage }
  try checkOutput(output, inputs: [input])
}

/// A report's line of text on stdout, its warnings on stderr.
func printText(_ text: String, warnings: [Warning]) {
  print(text, terminator: "")
  printWarnings(warnings)
}

/// This run's command line, each word quoted for a shell where it needs it.
var invocation: String { CommandLine.arguments.dropFirst().reduce("framescout") { $0 + " " + shellQuoted($1) } }
