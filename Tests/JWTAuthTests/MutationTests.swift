import Foundation
import Testing

@testable import JWTAuth

/// Deterministic random mutations (seeded; randomness is a parameter): no change to a valid
/// token's text is ever accepted, and no input makes the parsers misbehave.
@Suite("Random mutations are refused", .tags(.security))
struct MutationTests {
    /// SplitMix64: a tiny seeded generator so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u{0}".utf8)

    @Test("3000 random edits of a valid token's text (replace, insert, delete, truncate) are all refused")
    func tokenTextMutations() async throws {
        let verifier = try await Cognito.verifier(cacheCapacity: 0)
        let token = Array(TestKeys.primary.token(Cognito.accessClaims()).utf8)
        #expect(throws: Never.self) { try verifier.verify(String(decoding: token, as: UTF8.self), now: Cognito.now) }
        var random = SeededGenerator(state: 20_261_126)
        var accepted: [String] = []
        for round in 0..<3000 {
            var mutated = token
            let position = Int.random(in: 0..<token.count, using: &random)
            switch round % 4 {
            case 0:
                var replacement = Self.alphabet.randomElement(using: &random)!
                while replacement == mutated[position] { replacement = Self.alphabet.randomElement(using: &random)! }
                mutated[position] = replacement
            case 1: mutated.insert(Self.alphabet.randomElement(using: &random)!, at: position)
            case 2: mutated.remove(at: position)
            default: mutated.removeLast(Int.random(in: 1...token.count, using: &random))
            }
            let text = String(decoding: mutated, as: UTF8.self)
            if (try? verifier.verify(text, now: Cognito.now)) != nil { accepted.append("round \(round)") }
        }
        #expect(accepted.isEmpty, "accepted: \(accepted)")
    }

    @Test("random bytes and random mutations of JSON documents never crash the strict parser or the JWKS reader")
    func parserRobustness() throws {
        var random = SeededGenerator(state: 7515)
        let seedDocument = Array(JWKSDocument(keys: [TestKeys.primary.jwk]).json.utf8)
        var serial: UInt64 = 0
        var parsedMutants = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = seedDocument
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[position] = UInt8.random(in: 0...255, using: &random)
                }
            }
            if (try? StrictJSONParser.parseObject(bytes)) != nil { parsedMutants += 1 }
            _ = try? KeySet.parse(bytes, previous: nil, generation: 1, nextSerial: &serial)
        }
        // Some edits land inside strings and keep the document valid: the parser does accept JSON.
        #expect(parsedMutants > 0)
    }
}
