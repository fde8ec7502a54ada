/// The cross-origin rules for `POST /upload`: only the configured origins, matched exactly
/// (scheme, host and port), never `*`, never credentials (the token travels in `Authorization`,
/// which needs no cookie mode). Pure decisions; the route turns them into headers.
package struct CORSPolicy: Sendable, Equatable {
    /// Headers a page may send with `POST /upload`.
    package static let allowedRequestHeaders: Set<String> = ["authorization", "content-type"]
    /// Methods a page may use.
    package static let allowedMethods: Set<String> = ["POST"]
    /// How long a browser may cache a preflight answer, in seconds.
    package static let maxAge = 600

    /// Exact origins (`https://app.example.com`), lower-cased scheme and host.
    package let allowedOrigins: Set<String>

    /// A policy allowing exactly `allowedOrigins`.
    package init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins.map(CORSPolicy.normalize))
    }

    /// The result of a preflight request.
    package enum PreflightDecision: Equatable, Sendable {
        /// Allowed: answer 204 with these headers.
        case allowed([String: String])
        /// Refused, with the reason (for the log); answer 403 with `Vary: Origin` and nothing else.
        case refused(String)
    }

    /// Decides an `OPTIONS` preflight.
    package func preflight(origin: String?, requestMethod: String?, requestHeaders: String?) -> PreflightDecision {
        guard let origin, isAllowed(origin: origin) else { return .refused("origin not allowed") }
        guard let requestMethod, CORSPolicy.allowedMethods.contains(requestMethod) else {
            return .refused("method not allowed")
        }
        let asked = (requestHeaders ?? "").split(separator: ",").map {
            String($0).trimmingASCIIWhitespace().lowercased()
        }
        .filter { !$0.isEmpty }
        if let header = asked.first(where: { !CORSPolicy.allowedRequestHeaders.contains($0) }) {
            return .refused("header \(header) not allowed")
        }
        return .allowed([
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "authorization, content-type",
            "Access-Control-Max-Age": String(CORSPolicy.maxAge),
            "Vary": "Origin",
        ])
    }

    /// Headers to add to an actual (non-preflight) response for a request with `origin`.
    /// Always `Vary: Origin`, so caches never serve one origin's answer to another.
    package func responseHeaders(origin: String?) -> [String: String] {
        guard let origin, isAllowed(origin: origin) else { return ["Vary": "Origin"] }
        return ["Access-Control-Allow-Origin": origin, "Vary": "Origin"]
    }

    /// Whether `origin` is exactly one of the configured origins.
    package func isAllowed(origin: String) -> Bool {
        // "null" (sandboxed frames, file: pages) is never an allowed origin.
        origin != "null" && allowedOrigins.contains(CORSPolicy.normalize(origin))
    }

    /// Scheme and host are case-insensitive (RFC 6454 section 4); the default port is implied.
    static func normalize(_ origin: String) -> String {
        var lower = origin.lowercased()
        if lower.hasSuffix(":443"), lower.hasPrefix("https://") { lower.removeLast(4) }
        if lower.hasSuffix(":80"), lower.hasPrefix("http://") { lower.removeLast(3) }
        return lower
    }
}
