/// One line of the access log: what was asked, what was answered, how long it took.
package struct HTTPAccessRecord: Sendable {
    /// The request id sent in `X-Request-Id`.
    package var requestID: String
    /// The method.
    package var method: String
    /// The raw path, without the query (queries can carry secrets such as signatures).
    package var path: String
    /// The matched route pattern, `static`, or `none`.
    package var route: String
    /// The status code sent.
    package var status: Int
    /// Bytes of body sent.
    package var bytesSent: Int
    /// From the first byte of the request to the response being queued.
    package var duration: Duration
    /// The peer's IP literal.
    package var remoteAddress: String
    /// The response's `logAttributes`.
    package var attributes: HTTPLogAttributes
    /// Every `X-Forwarded-For` value of the request, joined with `,` in the order received; nil
    /// when there was none. Only the application knows which proxies to believe.
    package var forwardedFor: String? = nil
}
