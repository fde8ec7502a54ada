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
    /// RFC 2104 written out over the fetched SHA-256: H((K ^ opad) || H((K ^ ipad) || m)). OpenSSL
    /// 3's one-shot `HMAC()` fetches the algorithm and builds an `EVP_MAC` context on every call,
    /// which cost more than the two digests themselves; SigV4 MACs on every pre-signed URL.
    package static func authenticate(_ message: UnsafeRawBufferPointer, key: [UInt8]) -> [UInt8] {
        var block = key.count > blockSize ? SHA256.hash(key) : key
        block.append(contentsOf: repeatElement(0, count: blockSize - block.count))
        var inner = [UInt8]()
        inner.reserveCapacity(blockSize + message.count)
        for byte in block { inner.append(byte ^ 0x36) }
        unsafe inner.append(contentsOf: message)
        var outer = [UInt8]()
        outer.reserveCapacity(blockSize + byteCount)
        for byte in block { outer.append(byte ^ 0x5c) }
        outer.append(contentsOf: SHA256.hash(inner))
        let mac = SHA256.hash(outer)
        // Best effort: the padded key copies are secret, so clear them before the memory is freed.
        for index in block.indices { block[index] = 0 }
        for index in 0..<blockSize {
            inner[index] = 0
            outer[index] = 0
        }
        return mac
    }

    /// SHA-256's block size in bytes (the HMAC key pad length).
    static let blockSize = 64
}
