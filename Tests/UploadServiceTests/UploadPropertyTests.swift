import Foundation
import Testing

@testable import UploadService

/// SplitMix64: a small deterministic generator, so every run checks the same cases.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Upload input properties (deterministic random cases)")
struct UploadPropertyTests {
    static let valid = Array(
        #"{"filename":"report 2026.pdf","contentType":"image/png","size":48213,"checksumSHA256":"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}"#
            .utf8)
    static let policy = UploadPolicy(maxUploadBytes: 1_000_000, allowedContentTypes: [MediaTypePattern("image/*")!])

    @Test("20,000 mutated bodies either decode to a valid request or fail with a 400/413/415 naming a known code")
    func mutatedBodies() {
        var random = SplitMix64(state: 0x5EC0_4E)
        let codes: Set<String> = [
            "invalid_json", "missing_field", "invalid_field", "unknown_field", "duplicate_field", "file_too_large",
            "content_type_not_allowed",
        ]
        for _ in 0..<20_000 {
            var body = Self.valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: body[position] = UInt8.random(in: 0...255, using: &random)
                case 1: body.remove(at: position)
                default: body.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
                if body.isEmpty { body = [0x7B] }
            }
            do {
                let request = try UploadRequest.decode(body: body, policy: Self.policy)
                #expect(!request.filename.isEmpty && request.filename.utf8.count <= 255)
                #expect(request.size >= 0 && request.size <= 1_000_000)
                #expect(Self.policy.allows(contentType: request.contentType))
            } catch {
                #expect([400, 413, 415].contains(error.status))
                #expect(codes.contains(error.code), "\(error.code)")
            }
        }
    }

    @Test("5,000 random Unicode names always sanitise to one safe, bounded, non-empty key segment")
    func randomNames() {
        var random = SplitMix64(state: 0xF11E)
        let alphabet: [Unicode.Scalar] = [
            ".", "/", "\\", "%", " ", "\u{0}", "\u{1F}", "\u{7F}", "\u{85}", "\u{200B}", "\u{200D}", "\u{202E}",
            "\u{2066}", "\u{FEFF}", "\u{301}", "a", "Z", "9", "-", "_", "é", "日", "😀", "~", ":", "*", "?", "\u{3000}",
            "\u{2028}", "\u{E000}",
        ]
        let builder = ObjectKeyBuilder(randomHex: { "0123456789abcdef" })
        for _ in 0..<5_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...300, using: &random) {
                scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
            }
            let name = String(scalars)
            let segment = FilenameSanitizer.sanitize(name)
            #expect(!segment.isEmpty && segment.utf8.count <= FilenameSanitizer.maximumBytes)
            #expect(!segment.hasPrefix(".") && !segment.hasPrefix(" ") && !segment.hasSuffix(" "))
            #expect(!segment.contains("/") && !segment.contains("\\") && !segment.contains("%"))
            #expect(
                !segment.unicodeScalars.contains {
                    $0.properties.generalCategory == .control
                        || ($0.properties.generalCategory == .format && $0 != "\u{200C}" && $0 != "\u{200D}")
                })
            #expect(segment == FilenameSanitizer.sanitize(segment), "sanitising is idempotent")
            let key = builder.key(subject: "sub-1", filename: name, now: .init(timeIntervalSince1970: 0))
            #expect(key.hasPrefix("uploads/sub-1/1970/01/01/000000-0123456789abcdef-"))
            #expect(key.split(separator: "/", omittingEmptySubsequences: false).count == 6)
        }
    }
}
