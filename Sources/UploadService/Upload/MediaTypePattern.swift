/// One entry of `ALLOWED_CONTENT_TYPES`: `type/subtype`, `type/*` or `*/*`, compared
/// case-insensitively with the essence (the part before any `;` parameters) of a content type.
package struct MediaTypePattern: Sendable, Equatable, CustomStringConvertible {
    /// Lower-cased type, or `*`.
    package let type: String
    /// Lower-cased subtype, or `*`.
    package let subtype: String

    /// `type/subtype`.
    package var description: String { "\(type)/\(subtype)" }

    /// Parses a pattern; nil when it is not `token/token`, `token/*` or `*/*`.
    package init?(_ text: String) {
        guard let essence = MediaTypePattern.essence(of: text) else { return nil }
        if essence.type == "*" && essence.subtype != "*" { return nil }
        self.type = essence.type
        self.subtype = essence.subtype
    }

    /// Whether a content type (already validated) matches this pattern.
    package func matches(_ contentType: String) -> Bool {
        guard
            let essence = MediaTypePattern.essence(
                of: contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
        else { return false }
        return (type == "*" || type == essence.type) && (subtype == "*" || subtype == essence.subtype)
    }

    /// `type/subtype` lower-cased, both RFC 9110 tokens (or `*`); nil otherwise.
    static func essence(of text: String) -> (type: String, subtype: String)? {
        let trimmed = text.trimmingASCIIWhitespace()
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let type = parts[0].lowercased()
        let subtype = parts[1].lowercased()
        guard (type == "*" || isToken(type)), (subtype == "*" || isToken(subtype)) else { return nil }
        return (type, subtype)
    }

    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)

    /// RFC 9110 section 5.6.2 token.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return tokenPunctuation.contains(byte)
                }
            }
    }
}
