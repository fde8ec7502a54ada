package import CryptoPrimitives

/// An RSA public key as a JSON Web Key (RFC 7517) for RS256 signatures, as Cognito publishes its
/// keys: `{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}`. Local mode uses it to
/// serve a JWKS for its own signing key.
package struct JWK: Sendable, Equatable {
    /// The key id tokens name in their `kid` header.
    package var keyID: String
    /// Big-endian modulus `n`, no leading zero bytes.
    package var modulus: [UInt8]
    /// Big-endian public exponent `e`, no leading zero bytes.
    package var exponent: [UInt8]

    /// A JWK for the given modulus and exponent.
    package init(keyID: String, modulus: [UInt8], exponent: [UInt8]) {
        self.keyID = keyID
        self.modulus = Array(modulus.drop { $0 == 0 })
        self.exponent = Array(exponent.drop { $0 == 0 })
    }

    /// A JWK for `publicKey`.
    package init(keyID: String, publicKey: RSAPublicKey) throws(CryptoError) {
        let (modulus, exponent) = try publicKey.components()
        self.init(keyID: keyID, modulus: modulus, exponent: exponent)
    }

    /// The JWK as a JSON object, members in Cognito's order.
    package var json: String {
        "{\"alg\":\"RS256\",\"e\":\"\(Base64URL.encode(exponent))\",\"kid\":\(JSONText.quoted(keyID)),"
            + "\"kty\":\"RSA\",\"n\":\"\(Base64URL.encode(modulus))\",\"use\":\"sig\"}"
    }
}
