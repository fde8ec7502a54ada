/// How a request's body is delimited (RFC 9112 §6).
package enum HTTPBodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// `Content-Length` bytes follow.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// A validated request head, before the body is read.
package struct HTTPRequestHead: Sendable {
    /// The method.
    package var method: HTTPMethod
    /// The request-target as received.
    package var target: String
    /// The path, percent-encoded, without query (for absolute-form targets, the path part).
    package var path: String
    /// The raw query, or nil.
    package var query: String?
    /// HTTP/1.0 or HTTP/1.1.
    package var version: HTTPVersion
    /// The fields as received.
    package var headers: HTTPHeaders
    /// How the body is delimited.
    package var framing: HTTPBodyFraming
    /// Whether the connection may stay open after this request (version default and `Connection`).
    package var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    package var expectContinue: Bool
}

/// The limits the parser enforces.
package struct HTTPParserLimits: Sendable {
    /// The longest request line accepted (414 beyond).
    package var maxRequestLineBytes: Int
    /// The largest header block accepted, request line excluded (431 beyond); also bounds trailers.
    package var maxHeaderBytes: Int
    /// The most header fields accepted (431 beyond); also bounds trailers.
    package var maxHeaderCount: Int
    /// The body limit used until the caller sets the route's own (413 beyond).
    package var defaultBodyLimit: Int

    /// Limits with the server's defaults.
    package init(
        maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 32_768, maxHeaderCount: Int = 100,
        defaultBodyLimit: Int = 1 << 20
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.defaultBodyLimit = defaultBodyLimit
    }
}

/// What the parser found in the bytes it was given.
package enum HTTPParserEvent: Sendable {
    /// Every byte given was consumed; feed more.
    case needMoreData
    /// A complete, valid request head. Set the route's body limit, then keep feeding.
    case head(HTTPRequestHead)
    /// Body bytes: this range of the input passed to this call.
    case body(Range<Int>)
    /// The request is complete; trailers (empty unless chunked with trailers) are reported apart
    /// from the head, never merged into it.
    case end(trailers: HTTPHeaders)
    /// The request is invalid; answer with the error's status and close the connection.
    case error(HTTPParseError)
}
