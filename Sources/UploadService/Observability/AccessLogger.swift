package import HTTPServer
package import Logging

/// Writes one access line per answered request: request id, method, path (never the query),
/// route, status, bytes, duration in milliseconds, client address and the user's `sub`.
///
/// Nothing that can carry a credential is logged: the query string is dropped, JWT-shaped path
/// segments are replaced, and the handler's redaction applies on top.
package struct AccessLogger: Sendable {
    /// The longest path written; longer ones are cut and marked with `…`.
    static let maximumPathLength = 512

    private static let redactionTriggers: [[UInt8]] = [Array("eyj".utf8), [UInt8(ascii: "=")]]

    private let logger: Logger

    /// Creates an access logger writing at `info` level through `logger`.
    package init(logger: Logger) {
        self.logger = logger
    }

    /// Logs one request as the HTTP server recorded it (pass this from `HTTPServer`'s `onResponse`).
    ///
    /// - Parameters:
    ///   - record: what was asked and answered; the user is `record.attributes["sub"]`.
    ///   - clientAddress: the client address resolved through ``TrustedProxies`` from the record's
    ///     `remoteAddress` and the request's `X-Forwarded-For`.
    package func log(_ record: HTTPAccessRecord, clientAddress: String) {
        log(
            requestID: record.requestID, method: record.method, path: record.path, route: record.route,
            status: record.status, bytesSent: Int64(record.bytesSent), duration: record.duration,
            clientAddress: clientAddress, user: record.attributes["sub"])
    }

    /// Logs one request.
    ///
    /// - Parameters:
    ///   - requestID: the server's id for the request (also sent as `X-Request-Id`).
    ///   - method: the request method.
    ///   - path: the request target as received; its query string is dropped here.
    ///   - route: the matched route pattern, if any.
    ///   - status: the response status code.
    ///   - bytesSent: response body bytes written.
    ///   - duration: time from request head to last response byte.
    ///   - clientAddress: the client address, resolved through ``TrustedProxies``.
    ///   - user: the authenticated user's `sub`, if any.
    package func log(
        requestID: String, method: String, path: String, route: String?, status: Int, bytesSent: Int64,
        duration: Duration, clientAddress: String, user: String?
    ) {
        let loggedPath = AccessLogger.sanitizePath(path)
        var metadata: Logger.Metadata = [
            StructuredLogHandler.requestIDKey: .string(requestID),
            "method": .string(method),
            "path": .string(loggedPath),
            "status": .stringConvertible(status),
            "bytes": .stringConvertible(bytesSent),
            "duration_ms": .string(AccessLogger.milliseconds(duration)),
            "client": .string(clientAddress),
        ]
        if let route {
            metadata["route"] = .string(route)
        }
        if let user, !user.isEmpty {
            metadata["sub"] = .string(user)
        }
        logger.info("\(method) \(loggedPath) \(status)", metadata: metadata)
    }

    /// The path without its query or fragment, JWT-shaped segments replaced, length capped.
    static func sanitizePath(_ target: String) -> String {
        var path = Substring(target)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            path = path[..<cut]
        }
        var result = String(path)
        if ASCIISearch.containsAny(result, AccessLogger.redactionTriggers) {
            result = LogRedaction.redactText(result)
        }
        if result.count > maximumPathLength {
            result = String(result.prefix(maximumPathLength)) + "…"
        }
        return result
    }

    /// A duration in milliseconds with three decimals (`12.345`).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
