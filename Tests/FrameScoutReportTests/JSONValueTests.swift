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
