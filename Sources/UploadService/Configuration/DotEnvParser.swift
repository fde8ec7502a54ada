/// Parses a `.env` file: `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments (whole-line, or after
/// whitespace in an unquoted value), single quotes (literal), double quotes (with `\n`, `\"`, `\\`
/// escapes), blank lines. Later lines win over earlier ones.
package enum DotEnvParser {
    /// Parses `text`; `source` names the file in errors.
    package static func parse(_ text: String, source: String = ".env") throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        var lineNumber = 0
        // "\r\n" is one Character in Swift, and a newline like "\n".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = String(line).trimmingASCIIWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var body = Substring(trimmed)
            if body.hasPrefix("export ") { body = body.dropFirst("export ".count) }
            guard let equals = body.firstIndex(of: "=") else {
                throw ConfigurationError(setting: "\(source):\(lineNumber)", problem: "expected KEY=VALUE")
            }
            let key = String(body[..<equals]).trimmingASCIIWhitespace()
            guard isValidKey(key) else {
                throw ConfigurationError(
                    setting: "\(source):\(lineNumber)", problem: "\"\(key)\" is not a valid variable name")
            }
            let rawValue = String(body[body.index(after: equals)...]).trimmingASCIIWhitespace()
            guard let value = parseValue(rawValue) else {
                throw ConfigurationError(
                    setting: "\(source):\(lineNumber)", problem: "unterminated quoted value for \(key)")
            }
            values[key] = value
        }
        return values
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    static func parseValue(_ raw: String) -> String? {
        if raw.hasPrefix("'") {
            let rest = raw.dropFirst()
            guard let close = rest.firstIndex(of: "'") else { return nil }
            return String(rest[..<close])
        }
        if raw.hasPrefix("\"") {
            var output = ""
            var escaped = false
            for character in raw.dropFirst() {
                if escaped {
                    switch character {
                    case "n": output.append("\n")
                    case "t": output.append("\t")
                    case "r": output.append("\r")
                    default: output.append(character)
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    return output
                } else {
                    output.append(character)
                }
            }
            return nil
        }
        // Unquoted: a `#` after whitespace starts a comment.
        var output = ""
        var previous: Character = " "
        for character in raw {
            if character == "#" && (previous == " " || previous == "\t") { break }
            output.append(character)
            previous = character
        }
        return output.trimmingASCIIWhitespace()
    }
}
