/// The canonical headers block and signed-headers list of the AWS document ("Create a canonical
/// request", steps 4 and 5): lowercase names, values trimmed with inner whitespace runs collapsed
/// to one space, repeated headers joined with `,` in the order received, sorted by name.
package struct CanonicalHeaders: Sendable {
    /// Lowercase name and canonical value, sorted by name, one entry per distinct name.
    package let entries: [(name: String, value: String)]

    /// Canonicalises `headers` (any case, any order, repeats allowed).
    package init(_ headers: [(String, String)]) {
        var order: [String] = []
        var values: [String: String] = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            let canonical = Self.canonicalValue(value)
            if let existing = values[lowered] {
                values[lowered] = existing + "," + canonical
            } else {
                order.append(lowered)
                values[lowered] = canonical
            }
        }
        entries = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { ($0, values[$0]!) }
    }

    /// `name:value\n` for every entry (the block ends with a newline, as the document says).
    package var block: String {
        var output = ""
        for entry in entries { output += entry.name + ":" + entry.value + "\n" }
        return output
    }

    /// The names joined with `;`.
    package var signedHeaders: String { entries.map(\.name).joined(separator: ";") }

    /// `value` with leading and trailing whitespace removed and inner runs of spaces, tabs and line
    /// breaks (obsolete header folding) collapsed to one space.
    package static func canonicalValue(_ value: String) -> String {
        if isCanonical(value) { return value }
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `value` is already canonical: no tab or line break, no space at either end and no
    /// two spaces in a row (the usual header value, returned without a copy).
    static func isCanonical(_ value: String) -> Bool {
        var previousWasSpace = true  // a leading space is not canonical
        for byte in value.utf8 {
            if byte == 0x09 || byte == 0x0a || byte == 0x0d { return false }
            let isSpace = byte == 0x20
            if isSpace && previousWasSpace { return false }
            previousWasSpace = isSpace
        }
        return !previousWasSpace || value.isEmpty
    }
}
