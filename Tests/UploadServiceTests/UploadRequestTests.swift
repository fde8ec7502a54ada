import Testing

@testable import UploadService

@Suite("Upload request body")
struct UploadRequestTests {
    static let policy = UploadPolicy(
        maxUploadBytes: 1_000_000,
        allowedContentTypes: [MediaTypePattern("image/*")!, MediaTypePattern("application/pdf")!])
    static let checksum = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="

    func decode(_ body: String, policy: UploadPolicy = UploadRequestTests.policy) throws(UploadError) -> UploadRequest {
        try UploadRequest.decode(body: Array(body.utf8), policy: policy)
    }

    @Test("a complete body decodes to exactly what the caller asked for")
    func valid() throws {
        let request = try decode(
            #"{"filename":"report 2026.pdf","contentType":"application/pdf","size":48213,"checksumSHA256":"\#(Self.checksum)"}"#
        )
        #expect(
            request
                == UploadRequest(
                    filename: "report 2026.pdf", contentType: "application/pdf", size: 48213,
                    checksumSHA256: Self.checksum))
    }

    @Test("the checksum is optional, null counts as absent, size 0 and the exact limit are allowed")
    func optionalAndEdges() throws {
        #expect(try decode(#"{"filename":"a.png","contentType":"image/png","size":0}"#).checksumSHA256 == nil)
        #expect(
            try decode(#"{"filename":"a.png","contentType":"image/png","size":1000000,"checksumSHA256":null}"#).size
                == 1_000_000)
        #expect(
            try decode(#"{"filename":"ü 日本.png","contentType":"IMAGE/PNG; q=1","size":1}"#).contentType
                == "IMAGE/PNG; q=1")
    }

    static let invalidBodies: [(body: String, status: Int, code: String, field: String?)] = [
        ("", 400, "invalid_json", nil),
        ("not json", 400, "invalid_json", nil),
        (#"{"filename":"a.png","#, 400, "invalid_json", nil),
        (#"{"filename":"a.png","contentType":"image/png","size":1,}"#, 400, "invalid_json", nil),
        (#"["filename"]"#, 400, "invalid_json", nil),
        (#""a string""#, 400, "invalid_json", nil),
        (#"{"filename":"a.png","contentType":"image/png","size":1} extra"#, 400, "invalid_json", nil),
        (#"{"contentType":"image/png","size":1}"#, 400, "missing_field", "filename"),
        (#"{"filename":null,"contentType":"image/png","size":1}"#, 400, "missing_field", "filename"),
        (#"{"filename":"","contentType":"image/png","size":1}"#, 400, "invalid_field", "filename"),
        (#"{"filename":42,"contentType":"image/png","size":1}"#, 400, "invalid_field", "filename"),
        (
            "{\"filename\":\"\(String(repeating: "a", count: 256))\",\"contentType\":\"image/png\",\"size\":1}", 400,
            "invalid_field", "filename"
        ),
        (
            "{\"filename\":\"\(String(repeating: "é", count: 128))\",\"contentType\":\"image/png\",\"size\":1}", 400,
            "invalid_field", "filename"
        ),
        (#"{"filename":"a\u0000.png","contentType":"image/png","size":1}"#, 400, "invalid_field", "filename"),
        (#"{"filename":"a\nb.png","contentType":"image/png","size":1}"#, 400, "invalid_field", "filename"),
        (#"{"filename":"a\u0085b.png","contentType":"image/png","size":1}"#, 400, "invalid_field", "filename"),
        (#"{"filename":"a.png","size":1}"#, 400, "missing_field", "contentType"),
        (#"{"filename":"a.png","contentType":"","size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.png","contentType":"png","size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.png","contentType":"image/*","size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.png","contentType":"image/png\r\nX-Evil: 1","size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.png","contentType":" image/png","size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.png","contentType":["image/png"],"size":1}"#, 400, "invalid_field", "contentType"),
        (#"{"filename":"a.txt","contentType":"text/plain","size":1}"#, 415, "content_type_not_allowed", "contentType"),
        (#"{"filename":"a.png","contentType":"imagex/png","size":1}"#, 415, "content_type_not_allowed", "contentType"),
        (#"{"filename":"a.png","contentType":"image/png"}"#, 400, "missing_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":-1}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":1.5}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":1.0}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":1e3}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":"12"}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":true}"#, 400, "invalid_field", "size"),
        (#"{"filename":"a.png","contentType":"image/png","size":1000001}"#, 413, "file_too_large", "size"),
        (
            #"{"filename":"a.png","contentType":"image/png","size":99999999999999999999999}"#, 413, "file_too_large",
            "size"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"checksumSHA256":"abc"}"#, 400, "invalid_field",
            "checksumSHA256"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"checksumSHA256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}"#,
            400, "invalid_field", "checksumSHA256"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"checksumSHA256":"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg="}"#,
            400, "invalid_field", "checksumSHA256"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"checksumSHA256":"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgh="}"#,
            400, "invalid_field", "checksumSHA256"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"checksumSHA256":5}"#, 400, "invalid_field",
            "checksumSHA256"
        ),
        (
            #"{"filename":"a.png","contentType":"image/png","size":1,"key":"uploads/other/x"}"#, 400, "unknown_field",
            "key"
        ),
        (#"{"filename":"a.png","contentType":"image/png","size":1,"size":99}"#, 400, "duplicate_field", "size"),
        (#"{"FileName":"a.png","contentType":"image/png","size":1}"#, 400, "unknown_field", "FileName"),
    ]

    @Test("each invalid body is refused with its status, code and the field at fault", arguments: invalidBodies)
    func invalid(body: String, status: Int, code: String, field: String?) {
        #expect {
            _ = try decode(body)
        } throws: { error in
            guard let error = error as? UploadError else { return false }
            return error.status == status && error.code == code && error.field == field && !error.message.isEmpty
        }
    }

    @Test("with no content-type list any media type is allowed")
    func anyType() throws {
        #expect(
            try decode(#"{"filename":"a","contentType":"application/x-whatever","size":1}"#, policy: UploadPolicy())
                .size == 1)
    }

    @Test("media type patterns match the essence case-insensitively and ignore parameters")
    func patterns() {
        #expect(MediaTypePattern("image/*")!.matches("Image/PNG"))
        #expect(MediaTypePattern("*/*")!.matches("text/plain; charset=utf-8"))
        #expect(MediaTypePattern("text/plain")!.matches("text/plain;charset=utf-8"))
        #expect(!MediaTypePattern("text/plain")!.matches("text/plainx"))
        #expect(!MediaTypePattern("image/*")!.matches("imagex/png"))
        #expect(MediaTypePattern("image") == nil)
        #expect(MediaTypePattern("*/png") == nil)
        #expect(MediaTypePattern("image/p ng") == nil)
    }
}

@Suite("Request JSON parser")
struct RequestJSONParserTests {
    @Test("keeps number lexemes and duplicate members")
    func lexemes() throws {
        let value = try RequestJSONParser.parse(
            Array(#" {"a": 1.0, "a": -0, "b": [true, null, "x\u00e9\ud83d\ude00"]} "#.utf8))
        #expect(
            value
                == .object([
                    ("a", .number("1.0")), ("a", .number("-0")),
                    ("b", .array([.bool(true), .null, .string("xé😀")])),
                ]))
    }

    @Test(
        "refuses what RFC 8259 refuses",
        arguments: [
            "01", "1.", ".5", "+1", "[1,]", "{\"a\":1,}", "'a'", "\"\\x\"", "\"\\ud800\"", "tru", "[1 2]",
            "\"a\u{01}\"", "{a:1}", "NaN", "// c\n1",
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ])
    func refuses(text: String) {
        #expect(throws: RequestJSONParser.SyntaxError.self) { try RequestJSONParser.parse(Array(text.utf8)) }
    }

    @Test("refuses invalid UTF-8 inside strings")
    func invalidUTF8() {
        #expect(throws: RequestJSONParser.SyntaxError.self) { try RequestJSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}
