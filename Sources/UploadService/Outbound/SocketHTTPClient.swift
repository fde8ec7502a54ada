package import SigV4

/// The one outbound HTTP client of the service (JWKS, STS, ECS and EC2 credential endpoints),
/// written on Glibc sockets and OpenSSL's TLS so that the process links neither Foundation's
/// networking nor libcurl.
///
/// Each request opens its own connection and sends `Connection: close`: the calls are rare (an
/// hourly JWKS fetch, credential refreshes), so keeping connections alive would only hold sockets
/// and TLS state. Certificates are always verified (system trust store, which honours
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`, plus an optional extra CA file), the store loaded per
/// connection: nothing stays resident between calls, and a renewed bundle is picked up. There are
/// no cookies and no cache; redirects are returned, not followed (one could leave the allowed
/// host); non-2xx statuses are responses. The request's `timeout` bounds the whole exchange —
/// resolution, connect, handshake, write, read — so a peer trickling a byte a second is cut off at
/// the deadline. Proxies are read from the environment it is given, as libcurl read them (see
/// ``OutboundProxySettings``). Errors never carry the URL, header values or proxy credentials.
package final class SocketHTTPClient: OutboundHTTPClient {
    /// Largest response body accepted.
    package let maximumResponseBytes: Int
    /// A PEM file of CAs trusted besides the system store, if any.
    package let additionalTrustFile: String?
    let proxies: OutboundProxySettings

    /// A client whose proxies come from `environment`, refusing bodies over `maximumResponseBytes`,
    /// trusting the CAs in `additionalTrustFile` as well as the system's.
    package init(
        environment: [String: String], maximumResponseBytes: Int = 1 << 20, additionalTrustFile: String? = nil
    ) {
        self.maximumResponseBytes = maximumResponseBytes
        self.additionalTrustFile = additionalTrustFile
        self.proxies = OutboundProxySettings(environment: environment)
    }

    /// Sends `request`; any status is a response, transport failures and the deadline throw.
    package func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
        let deadline = ContinuousClock.now + request.timeout
        let exchange = OutboundExchange(
            request: request, deadline: deadline, proxies: proxies, maximumResponseBytes: maximumResponseBytes,
            additionalTrustFile: additionalTrustFile)
        return try await Self.withDeadline(request.timeout) { () throws(OutboundHTTPError) in try exchange.run() }
    }

    /// The error of a request that did not finish within `limit`, saying at what stage it was.
    static func timeoutError(_ limit: Duration, during stage: String? = nil) -> OutboundHTTPError {
        OutboundHTTPError(message: "no complete response within \(limit)" + (stage.map { " (\($0))" } ?? ""))
    }
}
