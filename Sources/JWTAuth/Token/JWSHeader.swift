/// The protected header of an RS256 JWS, checked: `alg` is exactly `RS256`, there is a `kid`,
/// and none of the members that would let the token choose its own key or add semantics we do
/// not implement is present.
struct JWSHeader {
    /// Members refused outright. `crit` (RFC 7515 §4.1.11) would oblige us to understand
    /// extensions; `jku`, `x5u`, `jwk` and `x5c` would let the token name or carry its own key
    /// (Wycheproof `rejectsAttackerProvidedEmbeddedJwk`).
    static let refusedMembers = ["crit", "jku", "x5u", "jwk", "x5c"]

    /// The key id, the only way a key is chosen.
    let keyID: String

    init(_ header: [String: JSONValue]) throws(JWTError) {
        guard let algorithm = header["alg"] else {
            throw JWTError(.algorithmNotAllowed, "the header has no alg; only RS256 is accepted")
        }
        guard algorithm == .string("RS256") else {
            throw JWTError(.algorithmNotAllowed, "the header's alg is not RS256, the only algorithm accepted")
        }
        for member in Self.refusedMembers where header[member] != nil {
            throw JWTError(.headerNotAllowed, "the header carries \(member), which is refused")
        }
        guard let keyIDValue = header["kid"] else {
            throw JWTError(.missingKeyID, "the header has no kid")
        }
        guard case .string(let keyID) = keyIDValue, !keyID.isEmpty else {
            throw JWTError(.malformed, "the header's kid is not a non-empty string")
        }
        self.keyID = keyID
    }
}
