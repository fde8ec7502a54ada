extension PresignedUpload {
    /// The response body, byte for byte what `JSONEncoder` with `.sortedKeys` and
    /// `.withoutEscapingSlashes` writes for this value, written directly: the encoder's boxing,
    /// key sorting and `Data` copies cost more than the rest of a cached-token request.
    package var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(uploadUrl.utf8.count + key.utf8.count * 2 + filename.utf8.count + 384)
        // Keys in sorted order: expiresAt, expiresIn, filename, headers, key, method, uploadUrl.
        Self.appendKey("expiresAt", to: &out, first: true)
        Self.appendString(expiresAt, to: &out)
        Self.appendKey("expiresIn", to: &out)
        out.append(contentsOf: String(expiresIn).utf8)
        Self.appendKey("filename", to: &out)
        Self.appendString(filename, to: &out)
        Self.appendKey("headers", to: &out)
        out.append(UInt8(ascii: "{"))
        var firstHeader = true
        for (name, value) in headers.sorted(by: { Self.sortsBefore($0.key, $1.key) }) {
            if !firstHeader { out.append(UInt8(ascii: ",")) }
            firstHeader = false
            Self.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            Self.appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        Self.appendKey("key", to: &out)
        Self.appendString(key, to: &out)
        Self.appendKey("method", to: &out)
        Self.appendString(method, to: &out)
        Self.appendKey("uploadUrl", to: &out)
        Self.appendString(uploadUrl, to: &out)
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

    /// A JSON string: `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00XX`,
    /// everything else (slashes, non-ASCII) as its UTF-8 bytes.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied at once.
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                appendEscape(byte, to: &out)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
}
