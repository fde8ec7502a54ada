/// What one access line says about a request, before sanitising and redaction.
struct AccessLogEntry: Sendable {
    /// The server's id for the request (also sent as `X-Request-Id`).
    var requestID: String
    /// The request method.
    var method: String
    /// The request target as received; the query and fragment are dropped when written.
    var path: String
    /// The matched route pattern, if any.
    var route: String?
    /// The response status code.
    var status: Int
    /// Response body bytes written.
    var bytesSent: Int64
    /// From request head to last response byte.
    var duration: Duration
    /// The client address, resolved through ``TrustedProxies``.
    var clientAddress: String
    /// The authenticated user's `sub`, if any.
    var user: String?
}
