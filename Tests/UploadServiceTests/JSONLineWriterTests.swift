import Foundation
import Testing

@testable import UploadService

@Suite("JSON log line writer")
struct JSONLineWriterTests {
    static let values: [String] = [
        "", "plain", String((0..<128).map { Character(UnicodeScalar(UInt8($0))) }), "a\"b\\c/d\u{7F}",
        "résumé 😀\u{2028}", "tail\n", "\u{1}start",
    ]

    @Test("every value parses back unchanged and no raw control byte or DEL is written", arguments: values)
    func roundTrip(value: String) throws {
        var writer = JSONLineWriter()
        writer.add("k", value)
        writer.add("list", [value, "x"])
        let line = writer.finish()
        #expect(!line.utf8.contains { $0 < 0x20 || $0 == 0x7F })
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["k"] as? String == value)
        #expect(object?["list"] as? [String] == [value, "x"])
    }

    @Test("escapes use the short forms for quote, backslash, newline, return and tab")
    func shortEscapes() {
        var out: [UInt8] = []
        JSONLineWriter.appendString("\"\\\n\r\t\u{8}\u{7F}", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""\"\\\n\r\t\u0008\u007f""#)
    }
}
