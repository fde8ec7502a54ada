/// Extracts the token from `Authorization`: `Bearer <token>` (scheme case-insensitive, RFC 6750),
/// or a bare token as the classic frontend sends it. Anything else is nil.
package enum BearerToken {
    /// The token in `header`, or nil when there is none usable.
    package static func extract(from header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { return nil }
        let token: String
        if let space = trimmed.firstIndex(of: " ") {
            guard trimmed[..<space].lowercased() == "bearer" else { return nil }
            token = String(trimmed[trimmed.index(after: space)...]).trimmingASCIIWhitespace()
        } else {
            guard trimmed.lowercased() != "bearer" else { return nil }
            token = trimmed
        }
        // A JWS compact serialization: base64url parts and dots only (RFC 7515 section 7.1).
        guard !token.isEmpty, token.utf8.allSatisfy(isTokenByte) else { return nil }
        return token
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
