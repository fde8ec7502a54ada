/// Writes JSON string literals (RFC 8259 §7) for the few documents JWTAuth produces.
enum JSONText {
    /// `string` as a quoted JSON string, with `"`, `\` and control characters escaped.
    static func quoted(_ string: String) -> String {
        var output = "\""
        output.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }
}
