/// A setting with a value it cannot take. `setting` is the setting's name as the JSON
/// `parameters` state it (`min_event`); the command line maps it to its own flag
/// (`--min-event`), so the library never speaks in flags.
public struct SettingError: Error, Sendable, Hashable, CustomStringConvertible {
  public let setting: String
  /// What is wrong, said after the name: "must be a duration from 0 to 3600 s".
  public let reason: String

  public init(_ setting: String, _ reason: String) {
    self.setting = setting
    self.reason = reason
  }

  public var description: String { "\(setting) \(reason)" }

  /// The command-line flag of the setting, by the rule every command follows: the JSON
  /// name with dashes (`min_event` → `--min-event`).
  public var flag: String { "--" + String(setting.map { $0 == "_" ? "-" : $0 }) }
}

/// The settings of one engine, able to check and describe themselves: `validate()` is the
/// one place their ranges live, and `parameters` is the one place their JSON names and
/// effective values come from (reports, and the digest a batch keys its resume state on).
public protocol EngineSettings: Sendable {
  /// Throws for the first setting out of its range, naming it.
  func validate() throws(SettingError)
  /// Every effective setting (defaults included), in the order reports list them.
  var parameters: [(String, JSONValue)] { get }
}

/// One setting's range check, for `validate()` implementations.
public enum SettingCheck {
  /// `value` within `range`, else the error "NAME must be from LOW to HIGH UNIT".
  public static func within(_ value: Double, _ range: ClosedRange<Double>, _ name: String, unit: String = "") throws(SettingError) {
    guard range.contains(value) else {
      throw SettingError(name, "must be from \(plain(range.lowerBound)) to \(plain(range.upperBound))\(unit.isEmpty ? "" : " " + unit)")
    }
  }

  /// A number as a person writes it: 5 rather than 5.0.
  public static func plain(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}
