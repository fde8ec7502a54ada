import CryptoPrimitives

/// Stage 3 and 4 of the AWS document: the signing key
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")` and the
/// signature, lowercase hex `HMAC(signingKey, stringToSign)`.
package enum SigningKey {
    /// Derives the signing key for `scope` (four HMACs; cache it, see `SigningKeyCache`).
    package static func derive(secretAccessKey: String, scope: CredentialScope) -> [UInt8] {
        let dateKey = HMACSHA256.authenticate(scope.date, key: Array(("AWS4" + secretAccessKey).utf8))
        let regionKey = HMACSHA256.authenticate(scope.region, key: dateKey)
        let serviceKey = HMACSHA256.authenticate(scope.service, key: regionKey)
        return HMACSHA256.authenticate(CredentialScope.terminator, key: serviceKey)
    }

    /// The signature of `stringToSign` under `signingKey`, as lowercase hex.
    package static func signature(of stringToSign: String, signingKey: [UInt8]) -> String {
        Hex.encode(HMACSHA256.authenticate(stringToSign, key: signingKey))
    }
}
