/// Percent-decoding (RFC 3986 §2.1) that refuses malformed escapes instead of guessing.
package enum PercentDecoding {
    /// The decoded bytes, or nil when a `%` is not followed by two hex digits.
    package static func decodeBytes<Bytes: Collection<UInt8>>(_ encoded: Bytes, plusAsSpace: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count)
        var iterator = encoded.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(ASCII.hexValue),
                    let low = iterator.next().flatMap(ASCII.hexValue)
                else { return nil }
                output.append(high << 4 | low)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                output.append(ASCII.space)
            } else {
                output.append(byte)
            }
        }
        return output
    }

    /// The decoded text, or nil when an escape is malformed or the bytes are not UTF-8.
    static func decode<Bytes: Collection<UInt8>>(_ encoded: Bytes, plusAsSpace: Bool) -> String? {
        guard let bytes = decodeBytes(encoded, plusAsSpace: plusAsSpace) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
