/// Byte classes from RFC 9110 §5.6 and RFC 9112, as comparisons and bit masks so the parser stays
/// branch-light.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9
    static let colon: UInt8 = 58

    /// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    /// / DIGIT / ALPHA (RFC 9110 §5.6.2), as one bit per ASCII byte: bytes 0-63, then 64-127.
    /// Constants rather than a table, so a check is a shift and a mask with no lazy global behind it.
    private static let tokenBitsLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenBitsHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// True for a byte allowed in a token (method, header name, transfer coding).
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        byte < 64 ? (tokenBitsLow >> byte) & 1 == 1 : byte < 128 && (tokenBitsHigh >> (byte &- 64)) & 1 == 1
    }

    /// field-vchar / SP / HTAB / obs-text: anything but controls and DEL (RFC 9110 §5.5).
    @inline(__always)
    static func isFieldValue(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// A byte allowed in a request-target: visible ASCII, no space (RFC 9112 §3.2, RFC 3986).
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// ASCII case-insensitive equality of two strings, without allocating.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.utf8.count != rhs.utf8.count { return false }
        // Header names are compared on every request: on contiguous bytes (small strings are
        // spilled to the stack) rather than through two UTF-8 iterators.
        let compared = unsafe lhs.utf8.withContiguousStorageIfAvailable { left in
            unsafe rhs.utf8.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where unsafe left[index] != right[index] {
                    if unsafe lowercased(left[index]) != lowercased(right[index]) { return false }
                }
                return true
            }
        }
        if let compared, let result = compared { return result }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?):
                if lowercased(a) != lowercased(b) { return false }
            default: return false
            }
        }
    }
}
