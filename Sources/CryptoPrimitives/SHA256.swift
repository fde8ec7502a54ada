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
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let status = unsafe output.withUnsafeMutableBufferPointer { out in
            unsafe EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &length, Digests.sha256, nil)
        }
        // EVP_Digest on a fetched SHA-256 only fails on allocation failure.
        precondition(status == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return output
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
