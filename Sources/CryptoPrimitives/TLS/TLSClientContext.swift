internal import COpenSSL

/// The trust settings of outbound TLS, as an OpenSSL `SSL_CTX`: TLS 1.2 or later, the peer's
/// certificate always verified against the system trust store (`SSL_CTX_set_default_verify_paths`,
/// which honours `SSL_CERT_FILE` and `SSL_CERT_DIR`) plus an optional extra CA file, no
/// renegotiation. Loading the system bundle parses every root in it: build a context when a
/// connection needs one rather than keeping it for the life of the process.
package struct TLSClientContext: Sendable {
    let storage: SSLContext

    /// A client context trusting the system store and, when given, the PEM certificates in
    /// `additionalTrustFile` (a private CA).
    package init(additionalTrustFile: String? = nil) throws(TLSError) {
        ERR_clear_error()
        guard let context = unsafe SSL_CTX_new(TLS_client_method()) else {
            throw TLSError(.configuration, "cannot create a TLS context: \(TLSSession.openSSLReasons())")
        }
        let storage = unsafe SSLContext(context)
        guard unsafe su_ssl_ctx_set_min_tls12(context) == 1 else {
            throw TLSError(.configuration, "cannot require TLS 1.2: \(TLSSession.openSSLReasons())")
        }
        _ = unsafe su_ssl_ctx_set_options(context, su_ssl_op_no_renegotiation() | su_ssl_op_no_compression())
        unsafe SSL_CTX_set_verify(context, su_ssl_verify_peer(), nil)
        guard unsafe SSL_CTX_set_default_verify_paths(context) == 1 else {
            throw TLSError(.configuration, "cannot load the system trust store: \(TLSSession.openSSLReasons())")
        }
        if let file = additionalTrustFile {
            guard unsafe SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                throw TLSError(
                    .configuration, "cannot load trusted certificates from \(file): \(TLSSession.openSSLReasons())")
            }
        }
        self.storage = storage
    }
}

/// Owns one `SSL_CTX`.
// @unchecked: an SSL_CTX is only read after its set-up here, and OpenSSL locks its shared parts.
@safe final class SSLContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        unsafe self.pointer = pointer
    }

    deinit {
        unsafe SSL_CTX_free(pointer)
    }
}
