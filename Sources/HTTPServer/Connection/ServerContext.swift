import Logging
import Synchronization

/// What every loop of one server shares: immutable settings plus two atomics.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    let onResponse: (@Sendable (HTTPAccessRecord) -> Void)?
    let encoder: ResponseEncoder
    let limits: HTTPParserLimits
    let openConnections = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    /// Round-robin cursor for handing accepted connections to loops.
    let nextLoop = Atomic<Int>(0)
    /// How many times an idle connection gave its buffers back (tests watch it; rare, so relaxed
    /// atomic adds cost nothing that matters).
    let idleBufferReleases = Atomic<Int>(0)
    /// Output queued and input held back across every loop, kept under `maxBufferedBytes`. Changes
    /// only when a connection is left with something waiting, not on an ordinary request.
    let bufferedBytes = Atomic<Int>(0)
    let headerTimeout: Int64
    let bodyTimeout: Int64
    let idleTimeout: Int64
    let writeTimeout: Int64
    let lingerTimeout: Int64
    let sweepInterval: Int64

    init(
        configuration: HTTPServerConfiguration, router: Router, logger: Logger,
        onResponse: (@Sendable (HTTPAccessRecord) -> Void)?
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.onResponse = onResponse
        self.encoder = ResponseEncoder(contentSecurityPolicy: configuration.contentSecurityPolicy)
        self.limits = configuration.parserLimits
        headerTimeout = Self.nanoseconds(configuration.headerTimeout)
        bodyTimeout = Self.nanoseconds(configuration.bodyTimeout)
        idleTimeout = Self.nanoseconds(configuration.idleTimeout)
        writeTimeout = Self.nanoseconds(configuration.writeTimeout)
        lingerTimeout = min(2_000_000_000, idleTimeout)
        let shortest = min(headerTimeout, bodyTimeout, idleTimeout, writeTimeout, lingerTimeout)
        // Deadlines are checked by a sweep; a quarter of the shortest timeout keeps them accurate
        // to 25 % without waking an idle loop more than twice a second.
        sweepInterval = max(5_000_000, min(500_000_000, shortest / 4))
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
