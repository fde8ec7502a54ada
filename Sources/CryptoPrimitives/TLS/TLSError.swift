/// Why an outbound TLS connection failed: what failed, in words a user can act on ("certificate
/// verify failed: hostname mismatch"), with OpenSSL's reason when it has one. Never carries
/// application data, keys or the peer's bytes.
package struct TLSError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, for callers that react to it (a deadline is reported like any other).
    package enum Reason: Sendable, Equatable {
        /// The trust settings could not be loaded (an unreadable CA file).
        case configuration
        /// The peer's certificate chain or name did not verify.
        case certificateRejected
        /// The handshake failed for any other reason (protocol version, not TLS at all, alert).
        case handshakeFailed
        /// The deadline passed while waiting for the socket.
        case timedOut
        /// The peer closed the connection without a TLS close_notify (the data may be truncated).
        case closedWithoutNotify
        /// Reading or writing failed after the handshake.
        case transport
    }

    /// The kind of failure.
    package let reason: Reason
    /// What failed.
    package let message: String

    package var description: String { message }

    init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
