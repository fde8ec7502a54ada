internal import COpenSSL

/// MD5 (RFC 1321) through OpenSSL's EVP interface. Not for security: local mode's S3 receiver
/// needs it because S3 does — a single PUT's `ETag` is the MD5 of the body, and a `Content-MD5`
/// header is checked against it.
package enum MD5 {
    /// The digest length in bytes.
    package static let byteCount = 16

    /// The MD5 digest of `bytes`.
    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// An incremental hasher, for bodies that arrive in pieces.
    @safe package struct Hasher: ~Copyable {
        private let context: OpaquePointer

        package init() {
            guard let context = unsafe EVP_MD_CTX_new(), unsafe EVP_DigestInit_ex2(context, Digests.md5, nil) == 1
            else { preconditionFailure("EVP_DigestInit_ex2(MD5) failed") }
            unsafe self.context = context
        }

        deinit { unsafe EVP_MD_CTX_free(context) }

        /// Feeds more bytes.
        package mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count > 0 else { return }
            let status = unsafe EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
            precondition(status == 1, "EVP_DigestUpdate failed")
        }

        /// Feeds more bytes.
        package mutating func update(_ bytes: [UInt8]) {
            unsafe bytes.withUnsafeBytes { unsafe update($0) }
        }

        /// The digest of everything fed so far; consumes the hasher.
        package consuming func finalize() -> [UInt8] {
            var output = [UInt8](repeating: 0, count: MD5.byteCount)
            var length: UInt32 = 0
            let status = unsafe output.withUnsafeMutableBufferPointer {
                unsafe EVP_DigestFinal_ex(context, $0.baseAddress, &length)
            }
            precondition(status == 1 && length == 16, "EVP_DigestFinal_ex failed")
            return output
        }
    }
}
