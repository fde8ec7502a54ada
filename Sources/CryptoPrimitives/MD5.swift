/// MD5 (RFC 1321) through OpenSSL's EVP interface. Not for security: local mode's S3 receiver
/// needs it because S3 does — a single PUT's `ETag` is the MD5 of the body, and a `Content-MD5`
/// header is checked against it.
package enum MD5: DigestAlgorithm {
    /// The digest length in bytes.
    package static let byteCount = 16

    /// The MD5 digest of `bytes`.
    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// An incremental hasher, for bodies that arrive in pieces.
    package typealias Hasher = DigestHasher<MD5>

    /// The fetched algorithm, for ``DigestHasher``.
    package static var algorithm: OpaquePointer { unsafe Digests.md5 }
}
