internal import COpenSSL

/// A digest OpenSSL computes through EVP: the fetched algorithm and its output length.
package protocol DigestAlgorithm {
    /// The digest length in bytes.
    static var byteCount: Int { get }
    /// The algorithm, fetched once per process (`Digests`).
    static var algorithm: OpaquePointer { get }
}

/// An incremental hasher over an EVP digest, for bodies that arrive in pieces (the local S3
/// receiver hashes every upload with SHA-256 and MD5 at once).
@safe package struct DigestHasher<Algorithm: DigestAlgorithm>: ~Copyable {
    private let context: OpaquePointer

    /// A hasher with nothing fed yet.
    package init() {
        guard let context = unsafe EVP_MD_CTX_new(), unsafe EVP_DigestInit_ex2(context, Algorithm.algorithm, nil) == 1
        else { preconditionFailure("EVP_DigestInit_ex2 failed") }
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
        var output = [UInt8](repeating: 0, count: Algorithm.byteCount)
        var length: UInt32 = 0
        let status = unsafe output.withUnsafeMutableBufferPointer {
            unsafe EVP_DigestFinal_ex(context, $0.baseAddress, &length)
        }
        precondition(status == 1 && Int(length) == Algorithm.byteCount, "EVP_DigestFinal_ex failed")
        return output
    }
}
