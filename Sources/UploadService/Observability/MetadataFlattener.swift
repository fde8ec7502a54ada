import Logging

/// Turns swift-log metadata into a sorted list of dotted keys and redacted values.
enum MetadataFlattener {
    enum Value: Equatable {
        case string(String)
        case array([String])

        /// The value as one string, arrays as `[a,b]`.
        var text: String {
            switch self {
            case .string(let value): return value
            case .array(let values): return "[" + values.joined(separator: ",") + "]"
            }
        }
    }

    static func flatten(_ metadata: Logger.Metadata) -> [(key: String, value: Value)] {
        var fields: [(key: String, value: Value)] = []
        flatten(metadata, prefix: "", into: &fields)
        return fields
    }

    private static func flatten(
        _ metadata: Logger.Metadata, prefix: String, into fields: inout [(key: String, value: Value)]
    ) {
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            let fullKey = prefix.isEmpty ? key : prefix + "." + key
            if LogRedaction.isSecretKey(key) {
                fields.append((fullKey, .string(LogRedaction.placeholder)))
                continue
            }
            switch value {
            case .string(let string):
                fields.append((fullKey, .string(LogRedaction.redactText(string))))
            case .stringConvertible(let convertible):
                fields.append((fullKey, .string(LogRedaction.redactText(convertible.description))))
            case .dictionary(let nested):
                flatten(nested, prefix: fullKey, into: &fields)
            case .array(let elements):
                fields.append((fullKey, .array(elements.map(describe))))
            }
        }
    }

    /// One array element as text, with nested secret-like keys still redacted.
    private static func describe(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string):
            return LogRedaction.redactText(string)
        case .stringConvertible(let convertible):
            return LogRedaction.redactText(convertible.description)
        case .array(let elements):
            return "[" + elements.map(describe).joined(separator: ",") + "]"
        case .dictionary(let nested):
            let pairs = nested.keys.sorted().map { key in
                let text = LogRedaction.isSecretKey(key) ? LogRedaction.placeholder : nested[key].map(describe) ?? ""
                return key + "=" + text
            }
            return "{" + pairs.joined(separator: ",") + "}"
        }
    }
}
