import CryptoPrimitives

/// The signature half of verification, in its fixed order: split → header → key by `kid` →
/// RS256 signature. Claims are the caller's business (`CognitoClaims`); Wycheproof's JWS vectors
/// exercise this part alone, since their payloads are not JSON.
enum JWSVerifier {
    /// A token whose header passed and whose key was found, signature not yet checked.
    struct Candidate {
        let jws: CompactJWS
        let keyID: String
        let key: KeySet.VerificationKey
    }

    /// Splits `token`, checks the header, and finds the key its `kid` names. No default key, no
    /// trying other keys.
    static func candidate(_ token: UnsafeBufferPointer<UInt8>, keys: KeySet?) throws(JWTError) -> Candidate {
        let jws = try CompactJWS(token)
        let header = try JWSHeader(jws.header)
        guard let keys else {
            throw JWTError(.keysUnavailable, "no JWKS has been loaded yet", keyID: header.keyID)
        }
        switch keys.entries[header.keyID] {
        case nil:
            throw JWTError(.unknownKey, "no key in the JWKS has the token's kid", keyID: header.keyID)
        case .unusable(let why):
            throw JWTError(.keyNotAllowed, "the JWKS key the token names may not verify it: \(why)")
        case .usable(let key):
            return Candidate(jws: jws, keyID: header.keyID, key: key)
        }
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 over the signing input (RFC 7515 §5.2 step 8, RFC 7518 §3.3).
    static func checkSignature(of candidate: Candidate, in token: UnsafeBufferPointer<UInt8>) throws(JWTError) {
        let signingInput = UnsafeRawBufferPointer(
            UnsafeBufferPointer(rebasing: token[0..<candidate.jws.signingInputCount]))
        guard candidate.key.publicKey.isValidSignature(candidate.jws.signature, for: signingInput) else {
            throw JWTError(.badSignature, "the RS256 signature does not verify")
        }
    }

    /// The whole signature half; returns the verified payload bytes.
    static func verifiedPayload(_ token: String, keys: KeySet?) throws(JWTError) -> [UInt8] {
        var token = token
        let result: Result<[UInt8], JWTError> = token.withUTF8 { bytes in
            do throws(JWTError) {
                let candidate = try candidate(bytes, keys: keys)
                try checkSignature(of: candidate, in: bytes)
                return .success(candidate.jws.payload)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
