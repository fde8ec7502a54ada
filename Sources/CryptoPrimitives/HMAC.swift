internal import COpenSSL

/// HMAC-SHA256 (RFC 2104, FIPS 198-1).
package enum HMACSHA256 {
    /// The MAC length in bytes.
    package static let byteCount = 32

    /// HMAC-SHA256 of `message` under `key`.
    package static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        unsafe message.withUnsafeBytes { unsafe authenticate($0, key: key) }
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    package static func authenticate(_ message: String, key: [UInt8]) -> [UInt8] {
        var message = message
        return message.withUTF8 { unsafe authenticate(UnsafeRawBufferPointer($0), key: key) }
    }

    /// HMAC-SHA256 of raw memory under `key`.
    ///
    /// RFC 2104 written out over OpenSSL's low-level SHA-256 on stack contexts:
    /// H((K ^ opad) || H((K ^ ipad) || m)). OpenSSL 3's one-shot `HMAC()` fetches the algorithm and
    /// builds an `EVP_MAC` context on every call, which cost more than the digests themselves;
    /// SigV4 MACs on every pre-signed URL.
    package static func authenticate(_ message: UnsafeRawBufferPointer, key: [UInt8]) -> [UInt8] {
        // The key, hashed if longer than a block, zero-padded to one block (K).
        var pad = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        unsafe withUnsafeMutableBytes(of: &pad) { block in
            if key.count > blockSize {
                unsafe SHA256.hash(key).withUnsafeBytes { unsafe block.copyMemory(from: $0) }
            } else {
                unsafe key.withUnsafeBytes { unsafe block.copyMemory(from: $0) }
            }
        }
        var context = SHA256_CTX()
        var innerDigest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        unsafe withUnsafeMutableBytes(of: &pad) { block in
            for index in 0..<blockSize { unsafe block[index] ^= 0x36 }
            unsafe SHA256_Init(&context)
            unsafe SHA256_Update(&context, block.baseAddress, blockSize)
            unsafe SHA256_Update(&context, message.baseAddress, message.count)
            unsafe withUnsafeMutableBytes(of: &innerDigest) { digest in
                _ = unsafe SHA256_Final(digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &context)
            }
            // 0x36 ^ 0x5c turns the inner pad into the outer one.
            for index in 0..<blockSize { unsafe block[index] ^= 0x36 ^ 0x5c }
            unsafe SHA256_Init(&context)
            unsafe SHA256_Update(&context, block.baseAddress, blockSize)
        }
        unsafe withUnsafeBytes(of: &innerDigest) { digest in
            _ = unsafe SHA256_Update(&context, digest.baseAddress, byteCount)
        }
        let mac = SHA256.finish(&context)
        // The padded key and the inner digest are secret: clear them before the stack is reused.
        unsafe OPENSSL_cleanse(&pad, MemoryLayout.size(ofValue: pad))
        unsafe OPENSSL_cleanse(&innerDigest, MemoryLayout.size(ofValue: innerDigest))
        return mac
    }

    /// SHA-256's block size in bytes (the HMAC key pad length).
    static let blockSize = 64
}
