internal import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's EVP interface, with the algorithm fetched once.
package enum SHA256: DigestAlgorithm {
    /// The digest length in bytes.
    package static let byteCount = 32

    /// The SHA-256 digest of `bytes`.
    package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let digest = bytes.withContiguousStorageIfAvailable { unsafe hash(UnsafeRawBufferPointer($0)) }
        if let digest { return digest }
        return unsafe Array(bytes).withUnsafeBytes { unsafe hash($0) }
    }

    /// The SHA-256 digest of the UTF-8 bytes of `string`.
    package static func hash(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { unsafe hash(UnsafeRawBufferPointer($0)) }
    }

    /// The SHA-256 digest of raw memory.
    ///
    /// On OpenSSL's low-level SHA-256 over a stack context: `EVP_Digest` allocates and frees an
    /// `EVP_MD_CTX` and a provider context per call, about as much work as hashing the few hundred
    /// bytes of a canonical request or a token.
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var context = SHA256_CTX()
        unsafe SHA256_Init(&context)
        unsafe SHA256_Update(&context, bytes.baseAddress, bytes.count)
        return finish(&context)
    }

    /// The SHA-256 digest of raw memory as four words in memory order (the digest's bytes 0-7,
    /// 8-15, ...), for callers that compare or hash digests and need no array (a cache key).
    package static func hashWords(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        var context = SHA256_CTX()
        unsafe SHA256_Init(&context)
        unsafe SHA256_Update(&context, bytes.baseAddress, bytes.count)
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        unsafe withUnsafeMutableBytes(of: &words) { digest in
            _ = unsafe SHA256_Final(digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &context)
        }
        unsafe OPENSSL_cleanse(&context, MemoryLayout<SHA256_CTX>.size)
        return words
    }

    /// Finishes `context` into a new digest and clears it.
    static func finish(_ context: inout SHA256_CTX) -> [UInt8] {
        let digest = unsafe [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, count in
            unsafe SHA256_Final(buffer.baseAddress, &context)
            count = byteCount
        }
        unsafe OPENSSL_cleanse(&context, MemoryLayout<SHA256_CTX>.size)
        return digest
    }

    /// An incremental hasher, for bodies that arrive in pieces (the local S3 receiver).
    package typealias Hasher = DigestHasher<SHA256>

    /// The fetched algorithm, for ``DigestHasher``.
    package static var algorithm: OpaquePointer { unsafe Digests.sha256 }
}

/// Algorithms fetched once per process: implicit fetches (`EVP_sha256()`) cost a lookup per call in
/// OpenSSL 3.
enum Digests {
    // Fetched EVP_MD objects are immutable and reference-counted; OpenSSL documents them as safe to
    // share between threads.
    nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let md = unsafe EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("OpenSSL has no SHA256") }
        return unsafe md
    }()
    nonisolated(unsafe) static let md5: OpaquePointer = {
        guard let md = unsafe EVP_MD_fetch(nil, "MD5", nil) else { fatalError("OpenSSL has no MD5") }
        return unsafe md
    }()
}
