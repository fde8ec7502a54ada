import CryptoPrimitives
import Glibc
import SigV4

/// One blocking request–response exchange of ``SocketHTTPClient``, run on its own thread: parse
/// the URL, pick the proxy, connect (through a CONNECT tunnel for https via a proxy), TLS, write
/// the request, read and parse the response. Every wait ends at `deadline`.
struct OutboundExchange: Sendable {
    let request: OutboundHTTPRequest
    let deadline: ContinuousClock.Instant
    let proxies: OutboundProxySettings
    let maximumResponseBytes: Int
    let additionalTrustFile: String?

    func run() throws(OutboundHTTPError) -> OutboundHTTPResponse {
        try Self.withSIGPIPEBlocked { () throws(OutboundHTTPError) in try exchange() }
    }

    private func exchange() throws(OutboundHTTPError) -> OutboundHTTPResponse {
        let url = try OutboundURL(parsing: request.url)
        guard url.userInfo == nil else {
            throw OutboundHTTPError(message: "credentials in the URL are not supported")
        }
        let proxy = try proxies.proxy(for: url)
        let limit = request.timeout
        let timedOut: @Sendable (String) -> OutboundHTTPError = { SocketHTTPClient.timeoutError(limit, during: $0) }

        let connection: OutboundConnection
        var target = url.target
        var proxyAuthorization: String?
        if let proxy {
            connection = try OutboundConnection.open(
                host: proxy.host, port: proxy.port, deadline: deadline, timedOut: timedOut)
            if url.scheme == .https {
                try openTunnel(connection, to: url, through: proxy)
            } else {
                // RFC 9112 §3.2.2: a request to a proxy names the whole URL.
                target = url.absoluteForm
                proxyAuthorization = proxy.authorization
            }
        } else {
            connection = try OutboundConnection.open(
                host: url.host, port: url.port, deadline: deadline, timedOut: timedOut)
        }
        if url.scheme == .https {
            let context: TLSClientContext
            do {
                context = try TLSClientContext(additionalTrustFile: additionalTrustFile)
            } catch {
                throw OutboundHTTPError(message: "TLS: \(error.message)")
            }
            try connection.startTLS(context: context, host: url.host, deadline: deadline)
        }

        let head = try OutboundRequestHead.bytes(
            method: request.method, target: target, hostHeader: url.hostHeader, fields: request.headers,
            bodyCount: request.body.count, proxyAuthorization: proxyAuthorization)
        try connection.write(head + request.body, deadline: deadline)

        var parser = HTTPResponseParser(
            method: request.method, limits: HTTPResponseParser.Limits(maximumBodyBytes: maximumResponseBytes))
        try read(connection, into: &parser)
        connection.shutdownTLS()
        guard let response = parser.response else { throw OutboundHTTPError(message: "no complete response") }
        return response
    }

    /// Asks the proxy for a tunnel to `url` (RFC 9110 §9.3.6); TLS then runs inside it.
    private func openTunnel(
        _ connection: OutboundConnection, to url: OutboundURL, through proxy: OutboundProxy
    ) throws(OutboundHTTPError) {
        try connection.write(
            OutboundRequestHead.connect(authority: url.authority, proxyAuthorization: proxy.authorization),
            deadline: deadline)
        var parser = HTTPResponseParser(
            method: "CONNECT", limits: HTTPResponseParser.Limits(maximumBodyBytes: 0), tunnel: true)
        try read(connection, into: &parser)
        guard let answer = parser.response, (200...299).contains(answer.status) else {
            throw OutboundHTTPError(
                message:
                    "the proxy \(proxy.host):\(proxy.port) refused the tunnel with HTTP \(parser.response?.status ?? 0)"
            )
        }
        // The server speaks only after our ClientHello: bytes before it are not from the server.
        guard parser.unconsumedByteCount == 0 else {
            throw OutboundHTTPError(message: "the proxy sent data after its answer to CONNECT")
        }
    }

    /// Feeds `parser` from `connection` until the response is complete or the connection ends.
    private func read(_ connection: OutboundConnection, into parser: inout HTTPResponseParser) throws(OutboundHTTPError)
    {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !parser.isComplete {
            switch try connection.read(into: &buffer, deadline: deadline) {
            case .bytes(let count):
                try parser.consume(buffer[..<count])
            case .closed(let cleanly):
                try parser.finish(cleanly: cleanly)
            }
        }
    }

    /// Runs `body` with SIGPIPE blocked on this thread. OpenSSL writes to the socket with write(2),
    /// which raises SIGPIPE when the peer has gone (and kills a process that has not ignored it);
    /// blocked, the write fails with EPIPE instead, and a SIGPIPE left pending is consumed before
    /// the thread's mask is restored.
    static func withSIGPIPEBlocked<T>(
        _ body: () throws(OutboundHTTPError) -> T
    ) throws(OutboundHTTPError) -> T {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
                var immediately = timespec()
                _ = sigtimedwait(&blocked, nil, &immediately)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }
}
