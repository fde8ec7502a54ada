/// A parsed JSON value that keeps what `JSONSerialization` loses: the exact lexeme of a number
/// (so `1`, `1.0` and `1e3` can be told apart) and every member of an object in order (so a
/// duplicated key is visible instead of silently overwritten).
package enum RequestJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written in the document.
    case number(String)
    case string(String)
    case array([RequestJSON])
    /// Members in document order; duplicates are kept for the caller to refuse.
    case object([(key: String, value: RequestJSON)])

    /// Structural equality, member order included.
    package static func == (lhs: RequestJSON, rhs: RequestJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the value's JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
