/// Writes one flat JSON object with keys in insertion order (RFC 8259 string escaping), cheaper
/// than a general encoder and with a stable field order for people reading raw lines.
struct JSONLineWriter {
    private var output = "{"
    private var isEmpty = true

    mutating func add(_ key: String, _ value: String) {
        addKey(key)
        JSONLineWriter.appendString(value, to: &output)
    }

    mutating func add(_ key: String, _ values: [String]) {
        addKey(key)
        output += "["
        for (index, value) in values.enumerated() {
            if index > 0 { output += "," }
            JSONLineWriter.appendString(value, to: &output)
        }
        output += "]"
    }

    mutating func finish() -> String {
        output + "}"
    }

    private mutating func addKey(_ key: String) {
        if !isEmpty { output += "," }
        isEmpty = false
        JSONLineWriter.appendString(key, to: &output)
        output += ":"
    }

    static func appendString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
