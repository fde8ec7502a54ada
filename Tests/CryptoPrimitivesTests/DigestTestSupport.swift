import CryptoPrimitives
import Testing

/// Feeds 10,000 bytes to an incremental `Algorithm` hasher in uneven pieces (empty, one byte,
/// around the 64-byte block size, larger) and expects the one-shot digest of the same bytes.
func expectIncrementalMatchesOneShot<Algorithm: DigestAlgorithm>(
    _: Algorithm.Type, oneShot: ([UInt8]) -> [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) {
    let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var hasher = DigestHasher<Algorithm>()
    var start = 0
    for size in [0, 1, 63, 64, 65, 1000, 4096] where start < message.count {
        let end = min(message.count, start + size)
        hasher.update(Array(message[start..<end]))
        start = end
    }
    hasher.update(Array(message[start...]))
    #expect(hasher.finalize() == oneShot(message), sourceLocation: sourceLocation)
}
