internal import COpenSSL
import Glibc

/// One TLS client connection over a connected, non-blocking socket that the caller owns (and
/// closes after this session is gone). The handshake sends SNI for DNS names, verifies the chain
/// against the context's trust store and the certificate's names against the host (`SSL_set1_host`;
/// an IP literal must appear as an IP address SAN). Every wait is a poll(2) bounded by the deadline.
/// Used by one thread at a time.
@safe package final class TLSSession {
    private let ssl: OpaquePointer
    private let socket: Int32
    // Keeps the SSL_CTX alive as long as the SSL that references it.
    private let context: TLSClientContext

    /// Connects TLS over `socket` to `host` (a DNS name or an IP literal without brackets) and
    /// verifies the peer; throws, naming what failed, when the handshake or the verification fails
    /// or `deadline` passes.
    package init(
        context: TLSClientContext, socket: Int32, host: String, deadline: ContinuousClock.Instant
    ) throws(TLSError) {
        guard !host.isEmpty, !host.utf8.contains(0) else {
            throw TLSError(.configuration, "no host name to verify the certificate against")
        }
        ERR_clear_error()
        guard let ssl = unsafe SSL_new(context.storage.pointer) else {
            throw TLSError(.configuration, "cannot create a TLS connection: \(Self.openSSLReasons())")
        }
        unsafe self.ssl = ssl
        self.socket = socket
        self.context = context
        guard unsafe SSL_set_fd(ssl, socket) == 1 else {
            throw TLSError(.configuration, "cannot attach the socket to TLS: \(Self.openSSLReasons())")
        }
        unsafe SSL_set_hostflags(ssl, su_x509_check_flag_no_partial_wildcards())
        if Self.isIPLiteral(host) {
            // RFC 6066 §3: SNI carries DNS names only. The address must match an iPAddress SAN.
            guard unsafe X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else {
                throw TLSError(.configuration, "cannot set the IP address to verify: \(Self.openSSLReasons())")
            }
        } else {
            guard unsafe su_ssl_set_sni(ssl, host) == 1, unsafe SSL_set1_host(ssl, host) == 1 else {
                throw TLSError(.configuration, "cannot set the host name to verify: \(Self.openSSLReasons())")
            }
        }
        unsafe SSL_set_connect_state(ssl)
        try handshake(deadline: deadline)
    }

    deinit {
        unsafe SSL_free(ssl)
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(TLSError) {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            var written = 0
            let status = unsafe bytes.withUnsafeBytes { buffer in
                unsafe SSL_write_ex(ssl, buffer.baseAddress! + offset, buffer.count - offset, &written)
            }
            if status == 1 {
                offset += written
                continue
            }
            try waitOrThrow(unsafe SSL_get_error(ssl, status), doing: "writing", deadline: deadline)
        }
    }

    /// Reads up to `buffer.count` bytes into `buffer`; the count read, 0 once the peer has closed
    /// the TLS connection with a close_notify. A close without one throws
    /// (`.closedWithoutNotify`): whatever came before it may have been cut short by an attacker.
    package func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(TLSError) -> Int {
        precondition(!buffer.isEmpty, "read needs room for at least one byte")
        while true {
            ERR_clear_error()
            var count = 0
            let status = unsafe buffer.withUnsafeMutableBytes {
                unsafe SSL_read_ex(ssl, $0.baseAddress, $0.count, &count)
            }
            if status == 1 { return count }
            let code = unsafe SSL_get_error(ssl, status)
            if code == SSL_ERROR_ZERO_RETURN { return 0 }
            try waitOrThrow(code, doing: "reading", deadline: deadline)
        }
    }

    /// Sends a close_notify if the socket takes it at once; never waits for the peer's.
    package func shutdown() {
        ERR_clear_error()
        _ = unsafe SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func handshake(deadline: ContinuousClock.Instant) throws(TLSError) {
        while true {
            ERR_clear_error()
            let status = unsafe SSL_connect(ssl)
            if status == 1 { break }
            let code = unsafe SSL_get_error(ssl, status)
            if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
                try waitOrThrow(code, doing: "the TLS handshake", deadline: deadline)
                continue
            }
            let verification = unsafe SSL_get_verify_result(ssl)
            if verification != X509_V_OK {
                _ = Self.openSSLReasons()
                throw TLSError(.certificateRejected, "certificate verify failed: \(Self.verifyReason(verification))")
            }
            throw failure(code, doing: "the TLS handshake")
        }
        // Belt and braces: SSL_VERIFY_PEER already fails the handshake on a bad chain, but a
        // success must also mean a verified certificate was presented.
        let verification = unsafe SSL_get_verify_result(ssl)
        guard verification == X509_V_OK else {
            throw TLSError(.certificateRejected, "certificate verify failed: \(Self.verifyReason(verification))")
        }
        guard let certificate = unsafe SSL_get1_peer_certificate(ssl) else {
            throw TLSError(.certificateRejected, "certificate verify failed: the server presented no certificate")
        }
        unsafe X509_free(certificate)
    }

    /// Waits for what OpenSSL asked for (`SSL_ERROR_WANT_*`), or throws what `code` says failed.
    private func waitOrThrow(_ code: Int32, doing step: String, deadline: ContinuousClock.Instant) throws(TLSError) {
        let events: Int16
        switch code {
        case SSL_ERROR_WANT_READ: events = Int16(POLLIN)
        case SSL_ERROR_WANT_WRITE: events = Int16(POLLOUT)
        default: throw failure(code, doing: step)
        }
        guard SocketReadiness.wait(socket, for: events, until: deadline) else {
            throw TLSError(.timedOut, "timed out during \(step)")
        }
    }

    private func failure(_ code: Int32, doing step: String) -> TLSError {
        let savedErrno = errno
        let reasons = Self.openSSLReasons()
        switch code {
        case SSL_ERROR_ZERO_RETURN:
            return TLSError(.handshakeFailed, "the peer closed the TLS connection during \(step)")
        case SSL_ERROR_SYSCALL where savedErrno != 0:
            return unsafe TLSError(.transport, "socket error during \(step): \(String(cString: strerror(savedErrno)))")
        case SSL_ERROR_SYSCALL:
            return TLSError(.closedWithoutNotify, "the peer closed the connection during \(step)")
        default:
            if reasons.contains("unexpected eof while reading") {
                return TLSError(.closedWithoutNotify, "the peer closed the connection without a TLS close_notify")
            }
            return TLSError(step == "the TLS handshake" ? .handshakeFailed : .transport, "\(step) failed: \(reasons)")
        }
    }

    private static func verifyReason(_ code: Int) -> String {
        guard let text = unsafe X509_verify_cert_error_string(code) else { return "error \(code)" }
        return unsafe String(cString: text)
    }

    /// Empties this thread's OpenSSL error queue into one line of reason strings, oldest first.
    static func openSSLReasons() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reason =
                unsafe ERR_reason_error_string(code).map { unsafe String(cString: $0) } ?? "OpenSSL error \(code)"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
    }

    /// Whether `host` is an IPv4 or IPv6 address literal (no brackets).
    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let isV4 = unsafe inet_pton(AF_INET, host, &v4) == 1
        let isV6 = unsafe inet_pton(AF_INET6, host, &v6) == 1
        return isV4 || isV6
    }
}
