import CryptoPrimitives
import Foundation
import JWTAuth

/// Mints RS256 tokens for tests, with any header and claims, from a key generated at test time.
/// Test-only: the keys never leave the test process.
struct TestSigner: Sendable {
    let privateKey: RSAPrivateKey
    let publicKey: RSAPublicKey
    let keyID: String

    init(bits: Int = 2048, keyID: String) throws {
        self.privateKey = try RSAPrivateKey.generate(bits: bits)
        self.publicKey = try privateKey.publicKey()
        self.keyID = keyID
    }

    /// The same key under another `kid`.
    func renamed(_ keyID: String) -> TestSigner { TestSigner(privateKey, publicKey, keyID) }

    private init(_ privateKey: RSAPrivateKey, _ publicKey: RSAPublicKey, _ keyID: String) {
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.keyID = keyID
    }

    var jwk: JWK { try! JWK(keyID: keyID, publicKey: publicKey) }

    /// The default header: `{"alg":"RS256","kid":<keyID>}`.
    var header: [String: Any] { ["alg": "RS256", "kid": keyID] }

    /// A token with `claims` (JSON-serialisable) under `header` (default: RS256 + this kid).
    func token(_ claims: [String: Any], header: [String: Any]? = nil) -> String {
        token(headerJSON: Self.json(header ?? self.header), payloadJSON: Self.json(claims))
    }

    /// A token from raw JSON texts (for duplicate keys and other things JSONSerialization won't write).
    func token(headerJSON: String, payloadJSON: String) -> String {
        let signingInput = Base64URL.encode(Array(headerJSON.utf8)) + "." + Base64URL.encode(Array(payloadJSON.utf8))
        return signingInput + "." + Base64URL.encode(signature(signingInput))
    }

    func signature(_ signingInput: String) -> [UInt8] {
        try! privateKey.signature(for: Array(signingInput.utf8))
    }

    static func json(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Keys shared by the suites (RSA key generation is slow; generate each once).
enum TestKeys {
    static let primary = try! TestSigner(keyID: "key-1")
    static let secondary = try! TestSigner(keyID: "key-2")
    static let attacker = try! TestSigner(keyID: "key-1")
    static let weak1024 = try! TestSigner(bits: 1024, keyID: "weak-key")
}
