internal import COpenSSL

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

    /// A random `UInt64`.
    package static func uint64() -> UInt64 {
        bytes(count: 8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
