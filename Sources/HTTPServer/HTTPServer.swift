import CSystem
import FoundationEssentials
package import Logging
import Synchronization

/// An HTTP/1.1 server: one listening socket, one epoll event loop per core each on its own thread,
/// routing to handlers, static files, limits, timeouts and graceful shutdown.
///
/// ```swift
/// var router = Router()
/// router.add(.get, "/healthz") { _ in .respond(HTTPResponse(status: .ok)) }
/// let server = HTTPServer(configuration: .init(), router: router, logger: logger)
/// let port = try server.start()
/// ...
/// await server.shutdown(gracePeriod: .seconds(10))
/// ```
package final class HTTPServer: Sendable {
    private struct State {
        var listenFD: Int32 = -1
        var loops: [EventLoop] = []
        var started = false
        var stopped = false
    }

    private let context: ServerContext
    private let state = Mutex(State())

    /// A server that is not yet listening.
    /// - Parameter onResponse: called on the loop thread after each response is queued; keep it fast.
    package init(
        configuration: HTTPServerConfiguration, router: Router, logger: Logger,
        onResponse: (@Sendable (HTTPAccessRecord) -> Void)? = nil
    ) {
        context = ServerContext(configuration: configuration, router: router, logger: logger, onResponse: onResponse)
    }

    /// Binds, starts the loops and returns the bound port (useful with port 0).
    package func start() throws(HTTPServerError) -> Int {
        let configuration = context.configuration
        try configuration.validate()
        System.ignoreSIGPIPE()
        // Each connection is a descriptor; keep headroom for the listener, epoll, eventfds, files.
        let wanted = configuration.maxConnections + 256
        let openFileLimit = Int(su_raise_open_file_limit(UInt64(wanted)))
        if openFileLimit >= 0 && openFileLimit < wanted {
            context.logger.warning(
                "the open-file limit is below maxConnections: raise it (ulimit -n / the container's nofile)",
                metadata: ["limit": "\(openFileLimit)", "maxConnections": "\(configuration.maxConnections)"])
        }
        return try state.withLock { state throws(HTTPServerError) -> Int in
            guard !state.started else { throw .alreadyStarted }
            var port: Int32 = 0
            var error: Int32 = 0
            var stage: UnsafePointer<CChar>?
            let fd = unsafe su_listen_tcp(
                configuration.host, Int32(configuration.port), Int32(configuration.backlog),
                Int32(configuration.sendBufferBytes), &port, &error, &stage)
            guard fd >= 0 else {
                let call = unsafe stage.map { unsafe String(cString: $0) } ?? "listen"
                throw .socket(call: call, errno: error)
            }
            var loops: [EventLoop] = []
            do throws(HTTPServerError) {
                for index in 0..<configuration.eventLoopCount {
                    loops.append(try EventLoop(index: index, context: context, listenFD: fd))
                }
            } catch {
                System.close(fd)
                throw error
            }
            for loop in loops {
                loop.peers = loops
            }
            for loop in loops {
                DetachedThread.start(name: "http-loop-\(loop.index)") { loop.run() }
            }
            state.listenFD = fd
            state.loops = loops
            state.started = true
            context.logger.info(
                "listening",
                metadata: [
                    "host": "\(configuration.host)", "port": "\(port)", "loops": "\(configuration.eventLoopCount)",
                ])
            return Int(port)
        }
    }

    /// True once `beginDraining()` or `shutdown` was called.
    package var isDraining: Bool { context.isDraining }

    /// How many times an idle keep-alive connection gave its buffers back (they are allocated
    /// again by its next request).
    package var idleBufferReleases: Int { context.idleBufferReleases.load(ordering: .relaxed) }

    /// Bytes of queued output and held-back input across all connections, the figure
    /// `maxBufferedBytes` bounds.
    package var bufferedBytes: Int { context.bufferedBytes.load(ordering: .relaxed) }

    /// Connections currently open, across loops.
    package var openConnectionCount: Int { context.openConnections.load(ordering: .relaxed) }

    /// How many times the event loops have woken from `epoll_wait`, all loops together. An idle
    /// server (no connections) does not wake at all.
    package var loopWakeups: Int {
        state.withLock { $0.loops }.reduce(0) { $0 + $1.wakeups.load(ordering: .relaxed) }
    }

    /// Stops accepting (the listener is shut, so new connections are refused), answers requests in
    /// flight with `Connection: close`, and closes idle keep-alive connections.
    package func beginDraining() {
        guard !context.draining.exchange(true, ordering: .relaxed) else { return }
        let (fd, loops) = state.withLock { ($0.listenFD, $0.loops) }
        if fd >= 0 { System.shutdownBoth(fd) }
        for loop in loops { loop.post(.drain) }
        context.logger.info("draining", metadata: ["open_connections": "\(openConnectionCount)"])
    }

    /// Drains, waits until every connection has closed or `gracePeriod` has passed, then closes
    /// what is left and stops the loops. Returns when the loop threads have finished.
    package func shutdown(gracePeriod: Duration) async {
        beginDraining()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        while openConnectionCount > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let (fd, loops) = state.withLock { state -> (Int32, [EventLoop]) in
            if state.stopped { return (-1, []) }
            state.stopped = true
            return (state.listenFD, state.loops)
        }
        guard !loops.isEmpty else { return }
        if openConnectionCount > 0 {
            context.logger.warning(
                "grace period over; closing connections", metadata: ["open": "\(openConnectionCount)"])
        }
        for loop in loops { loop.post(.stop) }
        while !loops.allSatisfy(\.hasFinished) {
            try? await Task.sleep(for: .milliseconds(2))
        }
        if fd >= 0 { System.close(fd) }
        context.logger.info("stopped")
    }
}
