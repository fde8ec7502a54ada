import CryptoPrimitives
import Foundation
import Testing

@testable import JWTAuth

@Suite("Known answers: RFC 7515 Appendix A.2")
struct KnownAnswerTests {
    struct Vector {
        let jws: String
        let modulus: [UInt8]
        let exponent: [UInt8]
    }

    static func vector() throws -> Vector {
        let json = try Fixtures.json("rfc7515-a2-rs256.json")
        guard let jws = json["jws"] as? String, let jwk = json["jwk"] as? [String: String],
            let n = jwk["n"].flatMap(Base64URL.decode), let e = jwk["e"].flatMap(Base64URL.decode)
        else { throw FixtureError("rfc7515-a2-rs256.json lacks jws or jwk") }
        return Vector(jws: jws, modulus: n, exponent: e)
    }

    @Test("the RFC 7515 A.2 RS256 signature verifies under its published key")
    func rfc7515SignatureVerifies() throws {
        let vector = try Self.vector()
        let key = try RSAPublicKey(modulus: vector.modulus, exponent: vector.exponent)
        #expect(key.bitCount == 2048)
        let parts = vector.jws.split(separator: ".").map(String.init)
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(key.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8)))
    }

    @Test("the RFC 7515 A.2 signature fails after any one-bit change to the signing input")
    func rfc7515SigningInputIsCovered() throws {
        let vector = try Self.vector()
        let key = try RSAPublicKey(modulus: vector.modulus, exponent: vector.exponent)
        let parts = vector.jws.split(separator: ".").map(String.init)
        let signature = try #require(Base64URL.decode(parts[2]))
        let input = Array((parts[0] + "." + parts[1]).utf8)
        for position in stride(from: 0, to: input.count, by: 7) {
            var changed = input
            changed[position] ^= 0x01
            #expect(!key.isValidSignature(signature, for: changed), "bit flip at \(position) still verifies")
        }
    }

    @Test("the RFC 7515 A.2 token's header and payload decode to the RFC's JSON")
    func rfc7515Decodes() throws {
        let vector = try Self.vector()
        let parts = vector.jws.split(separator: ".").map(String.init)
        #expect(Base64URL.decode(parts[0]).map { String(decoding: $0, as: UTF8.self) } == #"{"alg":"RS256"}"#)
        let payload = try #require(Base64URL.decode(parts[1]))
        #expect(
            String(decoding: payload, as: UTF8.self)
                == "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}")
        #expect(Base64URL.encode(payload) == parts[1])
    }

    @Test("the RFC 7515 A.2 token is refused by the JWS verifier because its header has no kid")
    func rfc7515WithoutKeyIDIsRefused() throws {
        let vector = try Self.vector()
        let jwks = JWKSDocument(keys: [JWK(keyID: "rfc7515", modulus: vector.modulus, exponent: vector.exponent)])
        var serial: UInt64 = 0
        let keys = try KeySet.parse(jwks.jsonBytes, previous: nil, generation: 1, nextSerial: &serial)
        #expect(throws: JWTError.self) { try JWSVerifier.verifiedPayload(vector.jws, keys: keys) }
        do {
            _ = try JWSVerifier.verifiedPayload(vector.jws, keys: keys)
        } catch {
            #expect(error.reason == .missingKeyID)
        }
    }
}
