extension PresignedUpload {
    /// The response body, byte for byte what `JSONEncoder` with `.sortedKeys` and
    /// `.withoutEscapingSlashes` writes for this value, written directly: the encoder's boxing,
    /// key sorting and `Data` copies cost more than the rest of a cached-token request.
    package var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(uploadUrl.utf8.count + key.utf8.count * 2 + filename.utf8.count + 384)
        // Keys in sorted order: expiresAt, expiresIn, filename, headers, key, method, uploadUrl.
        Self.appendKey("expiresAt", to: &out, first: true)
        JSONEscaping.appendString(expiresAt, to: &out)
        Self.appendKey("expiresIn", to: &out)
        out.append(contentsOf: String(expiresIn).utf8)
        Self.appendKey("filename", to: &out)
        JSONEscaping.appendString(filename, to: &out)
        Self.appendKey("headers", to: &out)
        out.append(UInt8(ascii: "{"))
        var firstHeader = true
        // Each name lowered once, not twice per comparison (sortsBefore's order).
        let lowered = headers.map { (lowered: $0.key.lowercased(), name: $0.key, value: $0.value) }
        let sorted = lowered.sorted { a, b in
            a.lowered != b.lowered
                ? a.lowered.utf8.lexicographicallyPrecedes(b.lowered.utf8)
                : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        for (_, name, value) in sorted {
            if !firstHeader { out.append(UInt8(ascii: ",")) }
            firstHeader = false
            JSONEscaping.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONEscaping.appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        Self.appendKey("key", to: &out)
        JSONEscaping.appendString(key, to: &out)
        Self.appendKey("method", to: &out)
        JSONEscaping.appendString(method, to: &out)
        Self.appendKey("uploadUrl", to: &out)
        JSONEscaping.appendString(uploadUrl, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    // JSONEncoder's `.sortedKeys` compares case-insensitively first; ties fall back to the bytes.
    static func sortsBefore(_ a: String, _ b: String) -> Bool {
        let (la, lb) = (a.lowercased(), b.lowercased())
        return la != lb ? la.utf8.lexicographicallyPrecedes(lb.utf8) : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func appendKey(_ key: StaticString, to out: inout [UInt8], first: Bool = false) {
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }
}
