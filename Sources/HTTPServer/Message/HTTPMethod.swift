/// An HTTP request method (RFC 9110 §9). Methods are case-sensitive.
package struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token exactly as sent, e.g. `GET`.
    package let rawValue: String

    /// Wraps a method token; no validation (the parser only produces valid tokens).
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `GET`
    package static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`
    package static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`
    package static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`
    package static let put = HTTPMethod(rawValue: "PUT")
    /// `DELETE`
    package static let delete = HTTPMethod(rawValue: "DELETE")
    /// `OPTIONS`
    package static let options = HTTPMethod(rawValue: "OPTIONS")
    /// `PATCH`
    package static let patch = HTTPMethod(rawValue: "PATCH")

    /// The methods this server implements; anything else is answered 501 (RFC 9110 §9.1).
    package static let known: [HTTPMethod] = [.get, .head, .post, .put, .delete, .options, .patch]

    /// The method token.
    package var description: String { rawValue }

    /// Maps request-line bytes to a known method without allocating, or nil for any other token.
    static func known(_ bytes: Span<UInt8>) -> HTTPMethod? {
        switch bytes.count {
        case 3:
            if bytes.matches("GET") { return .get }
            if bytes.matches("PUT") { return .put }
        case 4:
            if bytes.matches("POST") { return .post }
            if bytes.matches("HEAD") { return .head }
        case 5:
            if bytes.matches("PATCH") { return .patch }
        case 6:
            if bytes.matches("DELETE") { return .delete }
        case 7:
            if bytes.matches("OPTIONS") { return .options }
        default:
            break
        }
        return nil
    }
}

extension Span<UInt8> {
    /// Byte-exact comparison with an ASCII literal.
    func matches(_ literal: String) -> Bool {
        guard literal.utf8.count == count else { return false }
        var index = 0
        for byte in literal.utf8 {
            if self[index] != byte { return false }
            index += 1
        }
        return true
    }
}
