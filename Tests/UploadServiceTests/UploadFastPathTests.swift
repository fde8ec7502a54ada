import Foundation
import Testing

@testable import UploadService

@Suite("Upload fast paths agree with the general rules")
struct UploadFastPathTests {
    @Test(
        "the eight-bytes-at-a-time escape check agrees with a byte loop on every byte at every position and on 300,000 mixes"
    )
    func escapeCheck() {
        func slow(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        var disagreements = 0
        for length in 1...17 {
            for position in 0..<length {
                for value in UInt8(0)...0xFF {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = value
                    if bytes.withUnsafeBufferPointer(JSONEscaping.needsEscape) != slow(bytes) { disagreements += 1 }
                }
            }
        }
        // Borrows between neighbouring bytes: mixes of values next to the thresholds.
        let alphabet: [UInt8] = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x81, 0xA2, 0xDC, 0xFF,
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<300_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 59) + 1
            var bytes: [UInt8] = []
            var bits = state
            for _ in 0..<length {
                bits = bits &* 6_364_136_223_846_793_005 &+ 1
                bytes.append(alphabet[Int(bits >> 60)])
            }
            if bytes.withUnsafeBufferPointer(JSONEscaping.needsEscape) != slow(bytes) { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    @Test("object keys get 16 lowercase hex characters of fresh randomness each time")
    func randomHex() {
        let values = (0..<200).map { _ in Application.randomHex() }
        #expect(
            values.allSatisfy { $0.utf8.count == 16 && $0.utf8.allSatisfy { "0123456789abcdef".utf8.contains($0) } })
        #expect(Set(values).count == values.count)
        // Every hex digit shows up somewhere in 3200 random nibbles.
        #expect(Set(values.joined()).count == 16)
    }

    @Test("the control-character check is exactly general category Cc, for every Unicode scalar")
    func controlIsCategoryCc() {
        var disagreements = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if UploadRequest.isControl(scalar) != (scalar.properties.generalCategory == .control) {
                disagreements += 1
            }
        }
        #expect(disagreements == 0)
    }

    @Test("the leading-mark check is exactly the three mark categories, for every Unicode scalar")
    func markCategories() {
        var disagreements = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let general = [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
            if FilenameSanitizer.isMark(scalar) != general { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    @Test("ASCII file names sanitise per scalar exactly as the general rule does, for every ASCII character")
    func asciiSanitiserMatchesGeneral() {
        for value in UInt8(0)..<0x80 {
            let name = "a" + String(Unicode.Scalar(value)) + "b" + String(Unicode.Scalar(value))
            #expect(
                String(FilenameSanitizer.asciiScalars(name)) == String(FilenameSanitizer.generalScalars(name)),
                "byte \(value)")
        }
    }

    @Test(
        "whole ASCII names sanitise as before",
        arguments: [
            "photo 1.jpg", "../../etc/passwd", "..hidden", "  .  x", "a/b\\c%2e%2e#?*:\"<>|^`{}[]~",
            "\u{0}\u{1F}\u{7F}",
            "trailing dots...", "   ", "", "tab\there", String(repeating: "n", count: 300) + ".jpeg",
            "mixed é", "x\u{301}", ".\u{301}a",
        ])
    func wholeNames(name: String) {
        #expect(FilenameSanitizer.sanitize(name) == Self.generalSanitized(name))
    }

    @Test("random ASCII names, long ones included, sanitise on bytes exactly as on scalars")
    func randomASCIINames() {
        var generator = SystemRandomNumberGenerator()
        // Weighted towards what the rule treats specially: dots, spaces, controls, replaced characters.
        let special = Array(". . .  \u{0}\u{7F}\t/%#?*~".unicodeScalars)
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...260, using: &generator)
            var name = String.UnicodeScalarView()
            for _ in 0..<length {
                if Bool.random(using: &generator) {
                    name.append(special.randomElement(using: &generator)!)
                } else {
                    name.append(Unicode.Scalar(UInt8.random(in: 0..<0x80, using: &generator)))
                }
            }
            let text = String(name)
            #expect(FilenameSanitizer.sanitize(text) == Self.generalSanitized(text), "\(text.debugDescription)")
        }
    }

    /// The general (scalar and Character) path, step by step, as the reference for the fast paths.
    static func generalSanitized(_ name: String) -> String {
        let expected: String = {
            let normalized = name.utf8.allSatisfy { $0 < 0x80 } ? name : name.precomposedStringWithCanonicalMapping
            var scalars = FilenameSanitizer.generalScalars(normalized)
            FilenameSanitizer.trimLeading(&scalars)
            var result = FilenameSanitizer.collapseRuns(of: " ", in: String(scalars))
            result = FilenameSanitizer.truncate(result, toUTF8Bytes: FilenameSanitizer.maximumBytes)
            var trimmed = result.unicodeScalars
            FilenameSanitizer.trimTrailing(&trimmed)
            result = String(trimmed)
            return result.isEmpty ? FilenameSanitizer.fallback : result
        }()
        return expected
    }

    @Test(
        "every content type the one-pass check accepts, the general checks accept too",
        arguments: [
            "image/jpeg", "IMAGE/PNG", "application/vnd.ms-excel", "a/b", "*/*", "image/*", "*/png", "/png", "image/",
            "image", "image/png/x", "image/png; charset=x", " image/png", "image/png ", "im age/png", "image/pn\u{E9}",
            "x-!#$%&'*+-.^_`|~/y", "a/**", "**/b", "te\u{7F}xt/plain", "text/pl\"ain",
            String(repeating: "a", count: 300) + "/b",
        ])
    func plainMediaTypes(type: String) {
        if UploadRequest.isPlainMediaType(type) {
            #expect(UploadRequest.isValidMediaType(type), "\(type) passes the one-pass check but not the general one")
        }
    }

    @Test(
        "on every string of up to five characters from a hostile alphabet, one-pass acceptance implies general acceptance"
    )
    func plainMediaTypesExhaustive() {
        let alphabet = ["a", "B", "*", "/", ";", " ", "\t", "\u{E9}", "\"", "=", ".", "~"]
        var texts = [""]
        var violations: [String] = []
        for _ in 0..<5 {
            texts = texts.flatMap { text in alphabet.map { text + $0 } }
            for text in texts where UploadRequest.isPlainMediaType(text) && !UploadRequest.isValidMediaType(text) {
                violations.append(text)
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
    }

    @Test(
        "the usual content types take the one-pass check",
        arguments: ["image/jpeg", "IMAGE/PNG", "application/vnd.ms-excel"])
    func usualTypesArePlain(type: String) {
        #expect(UploadRequest.isPlainMediaType(type))
    }

    @Test(
        "request strings decode to the same text with and without escapes, ASCII or not",
        arguments: [
            (#""plain""#, "plain"), (#""""#, ""), (#""caf\u00e9""#, "café"), (#""café""#, "café"),
            (#""a\"b""#, "a\"b"), (#""\u00e9x""#, "éx"), (#""x\n""#, "x\n"), (#""😀 ok""#, "😀 ok"),
        ])
    func requestStrings(json: String, expected: String) throws {
        let document = try RequestJSONParser.parse(Array("{\"k\":\(json)}".utf8))
        guard case .object(let members) = document, let member = members.first else {
            Issue.record("not an object")
            return
        }
        #expect(member.value == .string(expected))
    }
}
