/// Substring search over UTF-8 bytes for the logging path.
///
/// `String.contains(_: some StringProtocol)` builds a searcher with a hashed skip table on every
/// call; on the access-log path (dozens of searches per line) that cost ten times more than serving
/// the request. These loops compare bytes, ASCII letters case-insensitively.
enum ASCIISearch {
    /// Whether `text` contains `needle` (given in lower case), ignoring ASCII case.
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        containsAny(text, [needle])
    }

    /// Whether `text` contains any of `needles` (each given in lower case), ignoring ASCII case;
    /// with `underscoreIsDash`, `_` in the text matches `-` in a needle.
    static func containsAny(_ text: String, _ needles: [[UInt8]], underscoreIsDash: Bool = false) -> Bool {
        let search = { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
            needles.contains { find($0, in: bytes, underscoreIsDash: underscoreIsDash) }
        }
        if let found = text.utf8.withContiguousStorageIfAvailable(search) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer(search)
    }

    private static func find(
        _ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, underscoreIsDash: Bool
    )
        -> Bool
    {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if fold(haystack[start], underscoreIsDash) == first {
                var offset = 1
                while offset < needle.count && fold(haystack[start + offset], underscoreIsDash) == needle[offset] {
                    offset += 1
                }
                if offset == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    @inline(__always)
    private static func fold(_ byte: UInt8, _ underscoreIsDash: Bool) -> UInt8 {
        if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { return byte | 0x20 }
        if underscoreIsDash && byte == UInt8(ascii: "_") { return UInt8(ascii: "-") }
        return byte
    }
}
