/// A JWS in compact serialization (RFC 7515 §7.1), split and decoded but not yet trusted:
/// `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)`.
struct CompactJWS {
    /// The header's JSON object, members unique.
    let header: [String: JSONValue]
    /// The decoded payload bytes (JSON for a JWT; Wycheproof's JWS vectors carry arbitrary bytes).
    let payload: [UInt8]
    /// The decoded signature bytes.
    let signature: [UInt8]
    /// How many leading bytes of the token form the signing input (`header "." payload`).
    let signingInputCount: Int

    /// Splits and decodes `token` (its UTF-8 bytes). Exactly two dots; every part canonical
    /// unpadded base64url; the header a JSON object with unique member names. An empty
    /// signature is structurally valid (`alg: none` uses it); the header or signature check
    /// refuses it.
    init(_ token: UnsafeBufferPointer<UInt8>) throws(JWTError) {
        var firstDot = -1
        var secondDot = -1
        for index in token.indices where token[index] == UInt8(ascii: ".") {
            if firstDot < 0 {
                firstDot = index
            } else if secondDot < 0 {
                secondDot = index
            } else {
                throw JWTError(.malformed, "the token has more than three parts")
            }
        }
        guard secondDot > 0 else { throw JWTError(.malformed, "the token does not have three dot-separated parts") }
        guard firstDot > 0 else { throw JWTError(.malformed, "the token's header is empty") }
        guard let headerBytes = Base64URL.decode(token[0..<firstDot]) else {
            throw JWTError(.malformed, "the token's header is not base64url")
        }
        guard let payload = Base64URL.decode(token[(firstDot + 1)..<secondDot]) else {
            throw JWTError(.malformed, "the token's payload is not base64url")
        }
        guard let signature = Base64URL.decode(token[(secondDot + 1)...]) else {
            throw JWTError(.malformed, "the token's signature is not base64url")
        }
        do {
            self.header = try StrictJSONParser.parseObject(headerBytes)
        } catch {
            throw JWTError(.malformed, "the token's header \(error.message)")
        }
        self.payload = payload
        self.signature = signature
        self.signingInputCount = secondDot
    }
}
