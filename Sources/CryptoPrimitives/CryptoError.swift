internal import COpenSSL

/// A failure inside the cryptographic layer. Carries what was being attempted and OpenSSL's
/// own error queue (drained, so the next call starts clean). Never carries key material.
package struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// What SecureUpload was trying to do, as a sentence fragment ("building an RSA public key").
    package let operation: String
    /// OpenSSL's error strings, oldest first; empty when the failure was ours, not OpenSSL's.
    package let openSSLErrors: [String]

    package var description: String {
        openSSLErrors.isEmpty
            ? "crypto error while \(operation)"
            : "crypto error while \(operation): \(openSSLErrors.joined(separator: "; "))"
    }

    init(_ operation: String, drainingOpenSSLErrors: Bool = true) {
        self.operation = operation
        self.openSSLErrors = drainingOpenSSLErrors ? Self.drainErrorQueue() : []
    }

    /// Empties this thread's OpenSSL error queue when nobody reads it: a signature that does not
    /// verify leaves entries there, and formatting them as strings (`drainErrorQueue`) was 1.5%
    /// of the CPU of a flood of bad tokens.
    static func discardErrorQueue() {
        ERR_clear_error()
    }

    /// Whether this thread's OpenSSL error queue is empty (for tests: every failure path clears it).
    package static var openSSLErrorQueueIsEmpty: Bool { ERR_peek_error() == 0 }

    /// Empties this thread's OpenSSL error queue, returning its entries as strings.
    static func drainErrorQueue() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            unsafe buffer.withUnsafeMutableBufferPointer { pointer in
                unsafe ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            }
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages
    }
}
