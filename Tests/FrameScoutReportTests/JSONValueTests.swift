import FrameScoutCore
import FrameScoutReport
import XCTest

final class JSONValueTests: XCTestCase {
  func testKeysKeepTheirOrderAndOutputIsStable() {
    let v: JSONValue = .object([("schema", "framescout/1"), ("b", 1), ("a", .array([1, 2, 3])),
                                ("nested", .object([("x", 2.5), ("y", .null), ("z", true)]))])
    let expected = """
      {
        "schema": "framescout/1",
        "b": 1,
        "a": [1, 2, 3],
        "nested": {
          "x": 2.5,
          "y": null,
          "z": true
        }
      }

      """
    XCTAssertEqual(v.serialized(), expected)
    XCTAssertEqual(v.serialized(), v.serialized())
  }

  func testNumbersAndEscapes() {
    XCTAssertEqual(JSONValue.double(25).serialized(), "25.0\n")
    XCTAssertEqual(JSONValue.double(0.04).serialized(), "0.04\n")
    XCTAssertEqual(JSONValue.double(.nan).serialized(), "null\n")
    XCTAssertEqual(JSONValue.string("a\"b\\c\n\u{1}</script>").serialized(), "\"a\\\"b\\\\c\\n\\u0001</script>\"\n")
    // Round trip through Foundation's parser.
    let text = JSONValue.object([("name", "<script>alert(1)</script>.mp4"), ("t", 50.48)]).serialized()
    let parsed = try! JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    XCTAssertEqual(parsed["name"] as? String, "<script>alert(1)</script>.mp4")
    XCTAssertEqual(parsed["t"] as? Double, 50.48)
  }
}

final class JSONParserTests: XCTestCase {
  /// Written, read back and written again: byte-identical, key order kept.
  func testRoundTripIsByteIdentical() throws {
    let v: JSONValue = .object([
      ("z", 1), ("a", .array([.double(4.8), .double(12.0), .double(1e-05), .int(-3)])),
      ("s", .string("<script>alert(1)</script> \"quoted\" \\ é 😀 \u{1} line\nbreak")),
      ("n", .null), ("t", true), ("o", .object([("empty", .array([])), ("e", .object([]))])),
    ])
    let text = v.serialized()
    let back = try JSONValue(parsing: text)
    XCTAssertEqual(back.serialized(), text)
    XCTAssertEqual(back["z"]?.intValue, 1)
    XCTAssertEqual(back["s"]?.stringValue, "<script>alert(1)</script> \"quoted\" \\ é 😀 \u{1} line\nbreak")
    XCTAssertThrowsError(try JSONValue(parsing: "{\"a\": }"))
    XCTAssertThrowsError(try JSONValue(parsing: "[1, 2"))
    XCTAssertThrowsError(try JSONValue(parsing: "{} x"))
  }
}
