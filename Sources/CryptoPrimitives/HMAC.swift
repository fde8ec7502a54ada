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
    package static func authenticate(_ message: UnsafeRawBufferPointer, key: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let result = unsafe key.withUnsafeBytes { keyBytes in
            unsafe output.withUnsafeMutableBufferPointer { out in
                unsafe HMAC(
                    Digests.sha256, keyBytes.baseAddress, Int32(keyBytes.count),
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    out.baseAddress, &length)
            }
        }
        precondition(unsafe result != nil && length == 32, "HMAC-SHA256 failed")
        return output
    }
}
