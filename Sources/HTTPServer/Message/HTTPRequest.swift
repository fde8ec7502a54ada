/// A complete request as handlers see it: head, buffered body and connection facts.
package struct HTTPRequest: Sendable {
    /// The request method.
    package var method: HTTPMethod
    /// The request-target exactly as received (origin-form, or absolute-form for proxies' clients).
    package var target: String
    /// The path, still percent-encoded, without the query.
    package var path: String
    /// The raw query after `?`, still percent-encoded, or nil when the target has none.
    package var query: String?
    /// The protocol version.
    package var version: HTTPVersion
    /// The header fields as received.
    package var headers: HTTPHeaders
    /// The body; empty for streaming routes, whose handler receives the bytes instead.
    package var body: [UInt8]
    /// The peer's IP literal (`127.0.0.1`, `::1`); behind a load balancer, that of the balancer.
    package var remoteAddress: String
    /// The request id sent back in `X-Request-Id` (the client's when sane, otherwise generated).
    package var requestID: String

    /// A request value; the server builds these, tests may too.
    package init(
        method: HTTPMethod, target: String, path: String? = nil, query: String? = nil,
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        remoteAddress: String = "127.0.0.1", requestID: String = "test"
    ) {
        self.method = method
        self.target = target
        if let path {
            self.path = path
            self.query = query
        } else if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(target[..<mark])
            self.query = String(target[target.index(after: mark)...])
        } else {
            self.path = target
            self.query = query
        }
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    /// The query's `name=value` pairs, percent-decoded (`+` as space, as HTML forms encode it).
    /// Pairs whose encoding is invalid are skipped.
    package var queryItems: [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        var items: [(name: String, value: String)] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true) else { continue }
            let rawValue = parts.count > 1 ? parts[1] : pair[pair.endIndex...]
            guard let value = PercentDecoding.decode(rawValue, plusAsSpace: true) else { continue }
            items.append((name: name, value: value))
        }
        return items
    }
}
