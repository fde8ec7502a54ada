import Foundation
import HTTPServer
import Testing

@testable import UploadService

@Suite("Upload response JSON written by hand")
struct UploadResponseJSONTests {
    static func encoderBytes(_ upload: PresignedUpload) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(upload))
    }

    static func upload(filename: String, headers: [String: String]) -> PresignedUpload {
        PresignedUpload(
            uploadUrl: "https://b.s3.eu-west-1.amazonaws.com/uploads/s/2026/11/18/101010-00-a%20b.png?X-Amz-Date=1&a=b",
            method: "PUT", key: "uploads/s/2026/11/18/101010-00-" + filename, filename: filename, headers: headers,
            expiresAt: "2026-11-18T11:11:40Z", expiresIn: 300)
    }

    static let names: [String] =
        [
            "photo 1.jpg", "a\"b\\c/d", "résumé (final)+v2.pdf", "😀🎉.png", "\u{7F}del", "\u{2028}\u{2029}", "",
            "<script>&'", String((0..<32).map { Character(UnicodeScalar(UInt8($0))) }),
        ]

    @Test("bytes equal JSONEncoder's with sorted keys and unescaped slashes", arguments: names)
    func matchesEncoder(filename: String) throws {
        let headers = ["Content-Type": "image/png", "Content-Length": "42", "If-None-Match": "*"]
        let upload = Self.upload(filename: filename, headers: headers)
        #expect(upload.jsonBytes == (try Self.encoderBytes(upload)))
    }

    @Test("header order matches JSONEncoder's with and without a checksum header")
    func headerOrder() throws {
        let sets: [[String: String]] = [
            ["Content-Type": "a", "Content-Length": "1", "If-None-Match": "*", "x-amz-checksum-sha256": "q+/="],
            ["Content-Type": "a", "Content-Length": "1", "If-None-Match": "*"],
            [:],
        ]
        for headers in sets {
            let upload = Self.upload(filename: "x", headers: headers)
            #expect(upload.jsonBytes == (try Self.encoderBytes(upload)))
        }
    }

    @Test("the output parses back to the same fields")
    func roundTrips() throws {
        let upload = Self.upload(filename: "a\"\n\u{1}.txt", headers: ["Content-Type": "text/plain"])
        let object = try JSONSerialization.jsonObject(with: Data(upload.jsonBytes)) as? [String: Any]
        #expect(object?["filename"] as? String == "a\"\n\u{1}.txt")
        #expect(object?["expiresIn"] as? Int == 300)
        #expect((object?["headers"] as? [String: String])?["Content-Type"] == "text/plain")
    }

    @Test("error bodies equal JSONEncoder's, with and without a field", arguments: names)
    func errorBodyMatchesEncoder(text: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for body in [
            UploadError.ErrorBody(error: text, code: "invalid_token", field: nil),
            UploadError.ErrorBody(error: "Bad \(text)", code: text, field: text),
        ] {
            #expect(body.jsonBytes == Array(try encoder.encode(body)))
        }
    }

    @Test("a 401 carries the JSON error body")
    func unauthorizedBody() throws {
        let response = UploadError.unauthorized(reason: "bad_signature").response(requestID: "r1")
        #expect(response.status.code == 401)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(object?["code"] as? String != nil)
        #expect(object?["error"] as? String != nil)
    }
}
