import FrameScoutCore

/// The top-level JSON object every command writes with `--json` (schema "framescout/1",
/// see DESIGN.md): tool, command, every effective parameter, inputs, events, warnings.
public enum Envelope {
  public static let schema = "framescout/1"

  public static func make(toolVersion: String, libraries: [(name: String, version: String)], command: String,
                          parameters: [(String, JSONValue)], inputs: [JSONValue], events: [JSONValue] = [],
                          warnings: [(file: String, message: String)], extra: [(String, JSONValue)] = []) -> JSONValue {
    var fields: [(String, JSONValue)] = [
      ("schema", .string(schema)),
      ("tool", .object([("name", "framescout"), ("version", .string(toolVersion)),
                        ("ffmpeg", .object(libraries.map { ($0.name, JSONValue.string($0.version)) }))])),
      ("command", .string(command)),
      ("parameters", .object(parameters)),
      ("inputs", .array(inputs)),
      ("events", .array(events)),
    ]
    fields += extra
    fields.append(("warnings", .array(warnings.map { .object([("file", .string($0.file)), ("message", .string($0.message))]) })))
    return .object(fields)
  }
}
