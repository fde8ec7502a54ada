internal import COpenSSL
import Synchronization

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded from the kernel).
package enum SecureRandom {
    /// `count` random bytes.
    package static func bytes(count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let status = unsafe output.withUnsafeMutableBufferPointer { unsafe RAND_bytes($0.baseAddress, Int32($0.count)) }
        // RAND_bytes fails only when the DRBG cannot be seeded; continuing would hand out guessable ids.
        precondition(status == 1, "RAND_bytes failed: the system random source is unavailable")
        return output
    }
}

/// Random words from the same DRBG as ``SecureRandom``, fetched 4 KiB at a time.
///
/// One `RAND_bytes` call costs some 0.7 µs whatever its length, more than the rest of building an
/// object key; a batch makes each 64-bit word cost a lock and a load. The output is the DRBG's,
/// only fetched early, so it is as unpredictable; handed-out bytes are zeroed in the buffer. Meant
/// for unique, unguessable names (object keys), not for long-lived secrets, which take
/// ``SecureRandom/bytes(count:)`` directly.
package final class RandomWordPool: Sendable {
    private struct Batch {
        var bytes: [UInt8]
        var offset: Int
    }

    /// The process-wide pool.
    package static let shared = RandomWordPool()

    private static let batchSize = 4096
    private let batch = Mutex(Batch(bytes: [], offset: 0))

    /// A pool that fetches its first batch on first use.
    package init() {}

    /// The next 64 random bits.
    package func next() -> UInt64 {
        batch.withLock { batch in
            if batch.offset + 8 > batch.bytes.count {
                batch.bytes = SecureRandom.bytes(count: Self.batchSize)
                batch.offset = 0
            }
            var word: UInt64 = 0
            for index in batch.offset..<(batch.offset + 8) {
                word = word << 8 | UInt64(batch.bytes[index])
                batch.bytes[index] = 0
            }
            batch.offset += 8
            return word
        }
    }
}
