import CryptoPrimitives
import Foundation
import Testing

@Suite("Wycheproof RSASSA-PKCS1-v1_5 SHA-256 verification vectors")
struct WycheproofRSATests {
    static let files = [
        "wycheproof/rsa_signature_2048_sha256_test.json",
        "wycheproof/rsa_signature_3072_sha256_test.json",
        "wycheproof/rsa_signature_4096_sha256_test.json",
    ]

    /// Wycheproof marks a few signatures "acceptable": legacy encodings a verifier may take or
    /// refuse. Ours refuses them all (strict DER DigestInfo, as RFC 8017 §8.2.2 step 4 compares
    /// the re-encoded EM). Observed: the "MissingNull" DigestInfo (parameters omitted).
    static let acceptableVerdict = false

    @Test("every vector gets Wycheproof's verdict, keys built from n and e and from DER", arguments: files)
    func vectors(file: String) throws {
        let json = try Fixtures.json(file)
        let groups = try #require(json["testGroups"] as? [[String: Any]])
        var checked = 0
        var acceptable: [Int] = []
        for group in groups {
            let publicKey = try #require(group["publicKey"] as? [String: Any])
            let modulus = try #require((publicKey["modulus"] as? String).flatMap(Hex.decode))
            let exponent = try #require((publicKey["publicExponent"] as? String).flatMap(Hex.decode))
            let der = try #require((group["publicKeyDer"] as? String).flatMap(Hex.decode))
            let fromComponents = try RSAPublicKey(modulus: modulus, exponent: exponent)
            let fromDER = try RSAPublicKey(derSubjectPublicKeyInfo: der)
            #expect(fromComponents.bitCount == group["keySize"] as? Int)
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let id = test["tcId"] as? Int ?? -1
                let message = try #require((test["msg"] as? String).flatMap(Hex.decode))
                let signature = try #require((test["sig"] as? String).flatMap(Hex.decode))
                let expected: Bool
                switch test["result"] as? String {
                case "valid": expected = true
                case "invalid": expected = false
                case "acceptable":
                    expected = Self.acceptableVerdict
                    acceptable.append(id)
                default: throw FixtureError("tcId \(id) has no result")
                }
                let comment = test["comment"] as? String ?? ""
                #expect(fromComponents.isValidSignature(signature, for: message) == expected, "tcId \(id) \(comment)")
                #expect(
                    fromDER.isValidSignature(signature, for: message) == expected, "tcId \(id) (DER key) \(comment)")
                checked += 1
            }
        }
        #expect(checked == json["numberOfTests"] as? Int, "every vector in \(file) was checked")
        #expect(acceptable.count <= 1, "acceptable vectors: \(acceptable)")
    }
}
