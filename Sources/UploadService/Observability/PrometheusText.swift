/// Builds a Prometheus text exposition (format 0.0.4): `# HELP`, `# TYPE` and sample lines.
///
/// See https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format for the
/// escaping rules: HELP text escapes `\` and newline; label values also escape `"`.
struct PrometheusText {
    private(set) var output = ""

    init() {
        output.reserveCapacity(4096)
    }

    mutating func family(_ name: String, type: String, help: String) {
        output += "# HELP \(name) \(PrometheusText.escapeHelp(help))\n"
        output += "# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, labels: KeyValuePairs<String, String> = [:], value: String) {
        output += name
        if !labels.isEmpty {
            output += "{"
            var first = true
            for (label, labelValue) in labels {
                if !first { output += "," }
                first = false
                output += "\(label)=\"\(PrometheusText.escapeLabelValue(labelValue))\""
            }
            output += "}"
        }
        output += " \(value)\n"
    }

    mutating func sample(_ name: String, labels: KeyValuePairs<String, String> = [:], value: UInt64) {
        sample(name, labels: labels, value: String(value))
    }

    mutating func sample(_ name: String, labels: KeyValuePairs<String, String> = [:], value: Double) {
        sample(name, labels: labels, value: PrometheusText.formatFloat(value))
    }

    static func escapeHelp(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\n" }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func escapeLabelValue(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\"" }) else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"": escaped += "\\\""
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Whole numbers print without a fraction (`5`, not `5.0`); the rest use Swift's shortest
    /// round-trip form, which Go's `ParseFloat` and Python's `float` both read.
    static func formatFloat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
