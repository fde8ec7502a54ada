import Foundation
import Testing

@testable import JWTAuth

/// Wycheproof's JWS vectors against the signature half of verification (split → header → key →
/// RS256). Their payloads are not JWT claims, so claims are not involved.
@Suite("Wycheproof JWS vectors")
struct WycheproofJWSTests {
    struct Case: CustomTestStringConvertible {
        let id: Int
        let comment: String
        let jws: String
        let valid: Bool
        let publicJWK: [String: Any]?
        var testDescription: String { "tcId \(id) \(comment)" }
    }

    static func cases() throws -> [Case] {
        let json = try Fixtures.json("wycheproof/json_web_signature_test.json")
        var cases: [Case] = []
        for group in try #require(json["testGroups"] as? [[String: Any]]) {
            let publicJWK = group["public"] as? [String: Any]
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let jws: String
                if let compact = test["jws"] as? String {
                    jws = compact
                } else if let object = test["jws"] {
                    // JSON serialization (RFC 7515 §7.2): handed over as text, it must be refused.
                    jws = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                } else {
                    throw FixtureError("a JWS test has no jws")
                }
                cases.append(
                    Case(
                        id: test["tcId"] as? Int ?? -1, comment: test["comment"] as? String ?? "", jws: jws,
                        valid: test["result"] as? String == "valid", publicJWK: publicJWK))
            }
        }
        return cases
    }

    static func headerAlgorithm(_ jws: String) -> String? {
        guard let first = jws.split(separator: ".", omittingEmptySubsequences: false).first,
            let bytes = Base64URL.decode(String(first)),
            let header = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        return header["alg"] as? String
    }

    static func keys(for jwk: [String: Any]?) throws -> KeySet {
        var serial: UInt64 = 0
        let document = try JSONSerialization.data(withJSONObject: ["keys": jwk.map { [$0] } ?? []])
        return try KeySet.parse(Array(document), previous: nil, generation: 1, nextSerial: &serial)
    }

    static func accepts(_ testCase: Case) throws -> Bool {
        let keys = try keys(for: testCase.publicJWK)
        do {
            _ = try JWSVerifier.verifiedPayload(testCase.jws, keys: keys)
            return true
        } catch {
            return false
        }
    }

    @Test("RS256 vectors (rs256 groups, RFC 7520, wrong-use keys) get Wycheproof's verdict")
    func rs256Vectors() throws {
        let rs256 = try Self.cases().filter { Self.headerAlgorithm($0.jws) == "RS256" }
        // Those of the rs256 groups whose header still decodes (221 + 5), 2 from RFC 7520, 2 keys
        // marked for encryption, 1 RS256 signature presented to a PS512 key.
        #expect(rs256.count == 231)
        #expect(rs256.filter(\.valid).count == 8)
        for testCase in rs256 {
            #expect(try Self.accepts(testCase) == testCase.valid, "\(testCase.testDescription)")
        }
    }

    @Test(
        "every other vector is refused: other algorithms, alg none, HS256 confusion, embedded jwk, JSON serialization")
    func otherVectorsAreRefused() throws {
        let others = try Self.cases().filter { Self.headerAlgorithm($0.jws) != "RS256" }
        #expect(others.count == 401 - 231)
        for testCase in others {
            #expect(try !Self.accepts(testCase), "\(testCase.testDescription)")
        }
    }
}
