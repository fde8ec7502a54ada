/// Writes JSON string literals (RFC 8259 §7) for hand-built documents: the JWKS here, and local
/// mode's Cognito answers and tokens in UploadService.
package enum JSONText {
    /// `string` as a quoted JSON string, with `"`, `\` and control characters escaped.
    package static func quoted(_ string: String) -> String {
        "\"" + escape(string) + "\""
    }

    /// The inside of a JSON string literal for `text`: `"`, `\` and control characters escaped.
    package static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
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
        return output
    }
}
