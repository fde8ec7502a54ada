/// Outbound HTTP for the credential providers (STS, ECS, EC2 instance metadata). SigV4 does no
/// network I/O itself: `UploadService` implements this on sockets and OpenSSL (`SocketHTTPClient`),
/// tests with fakes.
package protocol OutboundHTTPClient: Sendable {
    /// Sends `request` and returns the whole response; throws on transport failure or timeout.
    /// Non-2xx statuses are responses, not errors.
    func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse
}

/// An outbound HTTP request.
package struct OutboundHTTPRequest: Sendable {
    /// `GET`, `PUT`, `POST`, …
    package var method: String
    /// The absolute URL.
    package var url: String
    /// Headers in order; names as they should be sent.
    package var headers: [(String, String)]
    /// The body (empty for none).
    package var body: [UInt8]
    /// The whole exchange must finish within this time.
    package var timeout: Duration

    /// A request from its parts.
    package init(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The first value of header `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// An outbound HTTP response.
package struct OutboundHTTPResponse: Sendable {
    /// The status code.
    package var status: Int
    /// Headers in order.
    package var headers: [(String, String)]
    /// The body.
    package var body: [UInt8]

    /// A response from its parts.
    package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8.
    package var text: String { String(decoding: body, as: UTF8.self) }
}
