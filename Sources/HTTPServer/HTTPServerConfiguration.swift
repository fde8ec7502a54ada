/// Settings of an `HTTPServer`, with production defaults. Validated by `HTTPServer.start()`.
package struct HTTPServerConfiguration: Sendable {
    /// The numeric address to bind: `127.0.0.1`, `::1`, `0.0.0.0`, or `::` (IPv6 and IPv4).
    package var host: String = "127.0.0.1"
    /// The port; 0 picks a free one (`start()` returns it).
    package var port: Int = 8080
    /// The listen backlog.
    package var backlog: Int = 1024
    /// Event loops, one thread each; defaults to the number of CPUs.
    package var eventLoopCount: Int = HTTPServerConfiguration.processorCount
    /// Open connections beyond this are answered 503 and closed at once.
    package var maxConnections: Int = 10_000
    /// The longest request line (414 beyond).
    package var maxRequestLineBytes: Int = 8192
    /// The largest header block (431 beyond).
    package var maxHeaderBytes: Int = 32_768
    /// The most header fields (431 beyond).
    package var maxHeaderCount: Int = 100
    /// The body limit of routes that set none (413 beyond).
    package var defaultBodyLimit: Int = 1 << 20
    /// Time allowed from the first byte of a request head to its end (slow-loris guard); 408 after.
    package var headerTimeout: Duration = .seconds(10)
    /// Time allowed between two reads of a body that makes no progress; 408 after.
    package var bodyTimeout: Duration = .seconds(30)
    /// How long an idle keep-alive connection stays open. Above an AWS ALB's 60 s, so the balancer
    /// closes first and never reuses a connection the server is closing (the classic random 502).
    package var idleTimeout: Duration = .seconds(75)
    /// Time allowed for a client that stops reading to accept more response bytes.
    package var writeTimeout: Duration = .seconds(30)
    /// SO_SNDBUF of every accepted connection, in bytes (the kernel doubles it for its bookkeeping);
    /// 0 leaves the kernel's autotuning, which on Linux grows a socket's buffer up to
    /// `net.ipv4.tcp_wmem`'s maximum (4 MiB by default) and lets a client that reads nothing park
    /// that much of the server's kernel memory and keep "accepting" bytes long after it stopped
    /// reading. 128 KiB keeps a loopback or in-VPC peer (a load balancer) at full speed.
    package var sendBufferBytes: Int = 128 * 1024
    /// The most output (queued responses) and held-back input all connections together may buffer
    /// in the process. Over it, the connections whose output has waited longest (at least a second)
    /// without the client reading a byte are dropped until the total is back under it. Without it, every client that pipelines requests and reads
    /// nothing holds about 32 KB until its write timeout: 10,000 of them, a third of a gigabyte.
    /// A queued body counts in full even when it is shared (a cached static file), so the default
    /// leaves room for a large file or two being sent to clients that pause.
    package var maxBufferedBytes: Int = 64 << 20
    /// The `Content-Security-Policy` sent with HTML responses.
    package var contentSecurityPolicy: String =
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    /// The defaults.
    package init() {}

    /// The number of CPUs this process may run on.
    package static var processorCount: Int { max(1, System.processorCount) }

    var parserLimits: HTTPParserLimits {
        HTTPParserLimits(
            maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes,
            maxHeaderCount: maxHeaderCount, defaultBodyLimit: defaultBodyLimit)
    }

    /// Throws naming the first setting that cannot work.
    func validate() throws(HTTPServerError) {
        func require(_ condition: Bool, _ setting: String, _ rule: String) throws(HTTPServerError) {
            if !condition { throw .invalidConfiguration("\(setting) \(rule)") }
        }
        try require((0...65_535).contains(port), "port", "must be between 0 and 65535")
        try require(backlog > 0, "backlog", "must be positive")
        try require(eventLoopCount > 0 && eventLoopCount <= 256, "eventLoopCount", "must be between 1 and 256")
        try require(maxConnections > 0, "maxConnections", "must be positive")
        try require(maxRequestLineBytes >= 64, "maxRequestLineBytes", "must be at least 64")
        try require(maxHeaderBytes >= 256, "maxHeaderBytes", "must be at least 256")
        try require(maxHeaderCount >= 1, "maxHeaderCount", "must be at least 1")
        try require(
            sendBufferBytes == 0 || (4096...(64 << 20)).contains(sendBufferBytes), "sendBufferBytes",
            "must be 0 (kernel autotuning) or between 4096 and 64 MiB")
        try require(maxBufferedBytes >= 65_536, "maxBufferedBytes", "must be at least 64 KiB")
        try require(defaultBodyLimit >= 0, "defaultBodyLimit", "must not be negative")
        for (name, value) in [
            ("headerTimeout", headerTimeout), ("bodyTimeout", bodyTimeout), ("idleTimeout", idleTimeout),
            ("writeTimeout", writeTimeout),
        ] {
            try require(value > .zero, name, "must be positive")
        }
        try require(
            !contentSecurityPolicy.utf8.contains { $0 < 0x20 || $0 == 0x7F }, "contentSecurityPolicy",
            "must not contain control characters")
    }
}
