/// Byte searches of the parser's hot loops, sixteen and then eight bytes at a time.
///
/// Sixteen-byte blocks are compared lane by lane (`SIMD16`: one SSE2 compare and mask per test);
/// the tail's eight-byte words are tested with the exact "has a zero byte" identity
/// ((x - 0x01…) & ~x & 0x80… is non-zero iff some byte of x is zero; Hacker's Delight §6-1). A block
/// or word that may hold a match is then read byte by byte, so the result is always exact. A
/// request head is mostly one long token and ordinary header values, where this skips 16 bytes per
/// step instead of branching on each.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// True when some byte of `word` is zero.
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highs != 0
    }

    /// True when some byte of `word` is below `limit` (exact for `limit` ≤ 128).
    @inline(__always)
    private static func hasByteBelow(_ word: UInt64, _ limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highs != 0
    }

    /// The index of the first CR or LF in `bytes` at or after `start`, or `bytes.count`.
    static func lineBreak(in bytes: Span<UInt8>, from start: Int) -> Int {
        unsafe bytes.withUnsafeBytes { raw in
            let count = raw.count
            var index = start
            let (crs, lfs) = (SIMD16<UInt8>(repeating: ASCII.cr), SIMD16<UInt8>(repeating: ASCII.lf))
            // Sixteen bytes per step (one SSE2 compare and mask each), then eight, then one.
            while index + 16 <= count {
                let block = unsafe raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any((block .== crs) .| (block .== lfs)) { break }
                index += 16
            }
            while index + 8 <= count {
                let word = unsafe raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if hasZeroByte(word ^ (ones &* UInt64(ASCII.cr))) || hasZeroByte(word ^ (ones &* UInt64(ASCII.lf))) {
                    break
                }
                index += 8
            }
            while index < count {
                let byte = unsafe raw[index]
                if byte == ASCII.cr || byte == ASCII.lf { return index }
                index += 1
            }
            return count
        }
    }

    /// True when every byte may appear in a field value: no control character but HTAB, no DEL
    /// (RFC 9110 §5.5, the same rule as `ASCII.isFieldValue`).
    static func allFieldValueBytes(_ bytes: Span<UInt8>) -> Bool {
        unsafe bytes.withUnsafeBytes { raw in
            let count = raw.count
            var index = 0
            let (spaces, deletes) = (SIMD16<UInt8>(repeating: 0x20), SIMD16<UInt8>(repeating: 0x7F))
            while index + 16 <= count {
                let block = unsafe raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if any((block .< spaces) .| (block .== deletes)) {
                    // A HTAB, or a byte to refuse: decide byte by byte.
                    for offset in 0..<16 where !ASCII.isFieldValue(unsafe raw[index + offset]) { return false }
                }
                index += 16
            }
            while index + 8 <= count {
                let word = unsafe raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if hasByteBelow(word, 0x20) || hasZeroByte(word ^ (ones &* 0x7F)) {
                    // A HTAB, or a byte to refuse: decide byte by byte.
                    for offset in 0..<8 where !ASCII.isFieldValue(unsafe raw[index + offset]) { return false }
                }
                index += 8
            }
            while index < count {
                guard ASCII.isFieldValue(unsafe raw[index]) else { return false }
                index += 1
            }
            return true
        }
    }
}
