/// A JSON value (RFC 8259) as the strict parser produces it. Numbers are binary64, as JWT
/// NumericDate values are compared in seconds.
enum JSONValue: Sendable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The string, if this is one.
    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
