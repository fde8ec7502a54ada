import CryptoPrimitives
import Foundation
import Testing

/// Wycheproof RSASSA-PKCS1-v1_5 SHA-256 vectors (C2SP/wycheproof, Apache-2.0; copied into Fixtures).
///
/// Verdicts: every `valid` signature verifies, every `invalid` one does not. The single
/// `acceptable` case per file (a DigestInfo without the ASN.1 NULL) is refused: RS256 signers,
/// Cognito among them, always encode the NULL, and accepting two encodings of one signature is
/// malleability we do not need.
@Suite("RSA PKCS#1 v1.5 SHA-256 verification (Wycheproof)")
struct WycheproofRSATests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let file: String
        let id: Int
        let comment: String
        let modulus: [UInt8]
        let exponent: [UInt8]
        let der: [UInt8]
        let message: [UInt8]
        let signature: [UInt8]
        let result: String
        var testDescription: String { "\(file) #\(id) \(result) \(comment)" }
    }

    static let files = [
        "rsa_signature_2048_sha256_test.json", "rsa_signature_3072_sha256_test.json",
        "rsa_signature_4096_sha256_test.json",
    ]

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    static func field<T>(_ object: [String: Any], _ name: String, as type: T.Type = T.self) throws -> T {
        guard let value = object[name] as? T else { throw FixtureError(description: "fixture field \(name) missing") }
        return value
    }

    static func hexField(_ object: [String: Any], _ name: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(try field(object, name, as: String.self)) else {
            throw FixtureError(description: "fixture field \(name) is not hex")
        }
        return bytes
    }

    static func load(_ file: String) throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wycheproof/\(file)")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let root = root as? [String: Any] else { throw FixtureError(description: "\(file) is not an object") }
        var vectors: [Vector] = []
        for group in try field(root, "testGroups", as: [[String: Any]].self) {
            let key = try field(group, "publicKey", as: [String: Any].self)
            let modulus = try hexField(key, "modulus")
            let exponent = try hexField(key, "publicExponent")
            let der = try hexField(group, "publicKeyDer")
            for test in try field(group, "tests", as: [[String: Any]].self) {
                vectors.append(
                    Vector(
                        file: file, id: try field(test, "tcId"), comment: test["comment"] as? String ?? "",
                        modulus: modulus, exponent: exponent, der: der,
                        message: try hexField(test, "msg"), signature: try hexField(test, "sig"),
                        result: try field(test, "result")))
            }
        }
        return vectors
    }

    @Test("every vector gets its verdict, with the key built from n and e and from DER", arguments: files)
    func verdicts(file: String) throws {
        let vectors = try Self.load(file)
        #expect(vectors.count > 250)
        var keys: [String: (RSAPublicKey, RSAPublicKey)] = [:]
        var checked = (valid: 0, invalid: 0, acceptable: 0)
        for vector in vectors {
            let cacheKey = Hex.encode(vector.modulus)
            let pair: (RSAPublicKey, RSAPublicKey)
            if let cached = keys[cacheKey] {
                pair = cached
            } else {
                pair = (
                    try RSAPublicKey(modulus: vector.modulus, exponent: vector.exponent),
                    try RSAPublicKey(derSubjectPublicKeyInfo: vector.der)
                )
                keys[cacheKey] = pair
            }
            let fromComponents = pair.0.isValidSignature(vector.signature, for: vector.message)
            let fromDER = pair.1.isValidSignature(vector.signature, for: vector.message)
            #expect(fromComponents == fromDER, "\(vector.testDescription): the two key forms disagree")
            switch vector.result {
            case "valid":
                #expect(fromComponents, "\(vector.testDescription) should verify")
                checked.valid += 1
            case "invalid":
                #expect(!fromComponents, "\(vector.testDescription) should be refused")
                checked.invalid += 1
            default:
                #expect(!fromComponents, "\(vector.testDescription): acceptable cases are refused by policy")
                checked.acceptable += 1
            }
        }
        #expect(checked.valid > 0 && checked.invalid > 200)
    }

    @Test("the key size is read from the modulus", arguments: zip(files, [2048, 3072, 4096]))
    func bitCount(file: String, bits: Int) throws {
        let vector = try #require(try Self.load(file).first)
        #expect(try RSAPublicKey(modulus: vector.modulus, exponent: vector.exponent).bitCount == bits)
    }
}
