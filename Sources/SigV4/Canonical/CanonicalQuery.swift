/// The canonical query string of the AWS document ("Create a canonical request", step 3): names
/// and values encoded (`/` too), sorted by encoded name then encoded value, `name=value` joined
/// with `&`; a parameter without a value becomes `name=`.
package enum CanonicalQuery {
    /// The canonical query for decoded `(name, value)` pairs.
    package static func build(decoded pairs: [(name: [UInt8], value: [UInt8])]) -> String {
        build(
            encoded: pairs.map { pair in
                var name: [UInt8] = []
                var value: [UInt8] = []
                URIEncoding.append(pair.name, keepingSlash: false, to: &name)
                URIEncoding.append(pair.value, keepingSlash: false, to: &value)
                return (name, value)
            })
    }

    /// The canonical query for pairs that are already SigV4-encoded.
    package static func build(encoded pairs: [(name: [UInt8], value: [UInt8])]) -> String {
        var output: [UInt8] = []
        append(encoded: pairs, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the canonical query for already-encoded pairs to `output`.
    package static func append(encoded pairs: [(name: [UInt8], value: [UInt8])], to output: inout [UInt8]) {
        let sorted = pairs.sorted { lhs, rhs in
            lhs.name == rhs.name
                ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.name.lexicographicallyPrecedes(rhs.name)
        }
        for (index, pair) in sorted.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: pair.name)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: pair.value)
        }
    }

    /// Splits a raw query string (`a=1&b&c=%2F`) into decoded pairs; nil on a malformed `%`.
    package static func parse(_ rawQuery: String) -> [(name: [UInt8], value: [UInt8])]? {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for part in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            guard let decodedName = URIEncoding.decode(name), let decodedValue = URIEncoding.decode(value) else {
                return nil
            }
            pairs.append((decodedName, decodedValue))
        }
        return pairs
    }
}
