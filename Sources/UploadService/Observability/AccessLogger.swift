package import FoundationEssentials
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

    private enum Destination: Sendable {
        /// Through swift-log (whatever handler the logger has).
        case logger(Logger)
        /// Formatted straight into a buffered writer, byte-identical to ``StructuredLogHandler``.
        case direct(AccessLineFormatter, BufferedLineWriter, level: Logger.Level, now: @Sendable () -> Date)
    }

    private let destination: Destination

    /// Creates an access logger writing at `info` level through `logger`.
    package init(logger: Logger) {
        destination = .logger(logger)
    }

    /// Creates an access logger that formats each line itself, exactly as ``StructuredLogHandler``
    /// would write the event in `format` (same fields, order, escaping and redaction), and
    /// buffers it in `writer`.
    ///
    /// - Parameters:
    ///   - format: text or JSON lines (the `LOG_FORMAT` setting).
    ///   - level: the lowest level written (the `LOG_LEVEL` setting); access lines are `info`.
    ///   - writer: where the lines go.
    ///   - label: the logger name written in JSON lines.
    ///   - now: the clock stamped on each line.
    package init(
        format: LogFormat, level: Logger.Level, writer: BufferedLineWriter, label: String = AccessLogger.label,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        destination = .direct(AccessLineFormatter(format: format, label: label), writer, level: level, now: now)
    }

    /// The logger label of access lines.
    package static let label = "secure-upload.access"

    /// Logs one request as the HTTP server recorded it (pass this from `HTTPServer`'s `onResponse`).
    ///
    /// - Parameters:
    ///   - record: what was asked and answered; the user is `record.attributes.user`.
    ///   - clientAddress: the client address resolved through ``TrustedProxies`` from the record's
    ///     `remoteAddress` and the request's `X-Forwarded-For`.
    package func log(_ record: HTTPAccessRecord, clientAddress: String) {
        log(
            requestID: record.requestID, method: record.method, path: record.path, route: record.route,
            status: record.status, bytesSent: Int64(record.bytesSent), duration: record.duration,
            clientAddress: clientAddress, user: record.attributes.user)
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
        switch destination {
        case .direct(let formatter, let writer, let level, let now):
            guard level <= .info else { return }
            let entry = AccessLogEntry(
                requestID: requestID, method: method, path: path, route: route, status: status, bytesSent: bytesSent,
                duration: duration, clientAddress: clientAddress, user: user)
            let time = now()
            writer.appendLine { formatter.append(entry, time: time, to: &$0) }
        case .logger(let logger):
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
