import CSystem
import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// One epoll event loop on its own thread. It accepts from the shared listener, owns its
/// connections (indexed by descriptor), its read buffer, `Date` line, request-id generator and
/// static-file cache. Other threads talk to it only through `post(_:)`: a mailbox behind a
/// `Mutex` plus an eventfd to wake `epoll_wait`.
final class EventLoop: @unchecked Sendable {
    // @unchecked: every stored var is touched only on this loop's thread; `mailbox` and
    // `finished` are Mutexes, the rest is immutable.

    enum Message: Sendable {
        case complete(fd: Int32, generation: UInt32, response: HTTPResponse)
        /// A connection another loop accepted and hands over, to spread connections evenly.
        case adopt(fd: Int32, remoteAddress: String)
        case drain
        case stop
    }

    private static let wakeToken = UInt64.max
    private static let listenerToken = UInt64.max - 1
    private static let maxEvents: Int32 = 256

    let index: Int
    private let context: ServerContext
    private let epollFD: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    private var connections: [Connection?] = []
    private var nextGeneration: UInt32 = 0
    private(set) var readBuffer = [UInt8](repeating: 0, count: 65_536)
    private(set) var now: Int64
    private(set) var dateHeader = DateHeaderCache()
    var requestIdentifiers: RequestIdentifiers
    let staticFileCache = StaticFileCache()
    private let mailbox = Mutex<[Message]>([])
    private let finished = Mutex<Bool>(false)
    private var running = true
    /// How many times `epoll_wait` has returned (for tests and diagnostics: an idle loop must not
    /// wake). Written by this loop only; relaxed loads from elsewhere.
    let wakeups = Atomic<Int>(0)
    private var nextSweep: Int64 = 0
    private var acceptPausedUntil: Int64 = 0
    private var addressBuffer = [CChar](repeating: 0, count: 64)
    private var eventsBuffer = [UInt32](repeating: 0, count: Int(maxEvents))
    private var dataBuffer = [UInt64](repeating: 0, count: Int(maxEvents))
    /// Idle connections that gave their buffers back since the last trim (see `trimMemoryIfWorthIt`).
    var releasedIdleBuffers = 0
    /// Open connections on this loop, and the most since the last trim.
    private var liveConnections = 0
    private var peakSinceTrim = 0
    private var nextTrimAllowed: Int64 = 0
    /// Every loop of the server, this one included; set before the threads start, then read-only.
    var peers: [EventLoop] = []

    init(index: Int, context: ServerContext, listenFD: Int32) throws(HTTPServerError) {
        self.index = index
        self.context = context
        self.listenFD = listenFD
        self.now = System.monotonicNanoseconds()
        self.requestIdentifiers = RequestIdentifiers(seed: System.randomSeed())
        epollFD = su_epoll_create()
        guard epollFD >= 0 else { throw .socket(call: "epoll_create1", errno: System.errno) }
        wakeFD = su_eventfd()
        guard wakeFD >= 0 else {
            System.close(epollFD)
            throw .socket(call: "eventfd", errno: System.errno)
        }
        _ = su_epoll_ctl(epollFD, su_epoll_ctl_add(), wakeFD, su_epollin(), Self.wakeToken)
        // EPOLLEXCLUSIVE: one waiting loop is woken per new connection, not all of them.
        guard
            su_epoll_ctl(epollFD, su_epoll_ctl_add(), listenFD, su_epollin() | su_epollexclusive(), Self.listenerToken)
                == 0
        else {
            let error = System.errno
            System.close(wakeFD)
            System.close(epollFD)
            throw .socket(call: "epoll_ctl", errno: error)
        }
    }

    deinit {
        System.close(wakeFD)
        System.close(epollFD)
    }

    var hasFinished: Bool { finished.withLock { $0 } }

    /// Hands a message to the loop from any thread.
    func post(_ message: Message) {
        mailbox.withLock { $0.append(message) }
        su_eventfd_signal(wakeFD)
    }

    // MARK: - The loop

    func run() {
        // Named so `top -H`, perf and debuggers show which thread is which loop.
        unsafe su_set_thread_name("http-loop-\(index)")
        refreshClock()
        nextSweep = now + context.sweepInterval
        while running {
            // With nothing that needs the clock, sleep until an event: an idle server stays asleep.
            let timeout =
                hasTimedWork ? max(0, Int32(min((nextSweep - now) / 1_000_000 + 1, 1000))) : -1
            let count = unsafe eventsBuffer.withUnsafeMutableBufferPointer { events in
                unsafe dataBuffer.withUnsafeMutableBufferPointer { data in
                    unsafe su_epoll_wait(epollFD, events.baseAddress, data.baseAddress, Self.maxEvents, timeout)
                }
            }
            refreshClock()
            wakeups.add(1, ordering: .relaxed)
            if count < 0 && System.errno != EINTR {
                context.logger.critical("epoll_wait failed", metadata: ["errno": "\(System.errno)"])
                break
            }
            for slot in 0..<max(0, Int(count)) {
                dispatch(events: eventsBuffer[slot], data: dataBuffer[slot])
            }
            if now >= nextSweep {
                sweep()
                nextSweep = now + context.sweepInterval
            }
        }
        for case let connection? in connections {
            connection.abort()
        }
        peers = []  // breaks the loop ↔ peers cycle so deinit closes the epoll and eventfd
        // Connections handed over after the stop were never registered: close them here.
        let leftovers = mailbox.withLock { box in
            let taken = box
            box.removeAll()
            return taken
        }
        for case .adopt(let fd, _) in leftovers {
            System.close(fd)
            context.openConnections.subtract(1, ordering: .relaxed)
        }
        finished.withLock { $0 = true }
    }

    private func refreshClock() {
        now = System.monotonicNanoseconds()
        dateHeader.refresh(now: System.realtimeSeconds())
    }

    private func dispatch(events: UInt32, data: UInt64) {
        switch data {
        case Self.wakeToken:
            su_eventfd_drain(wakeFD)
            let messages = mailbox.withLock { box in
                let taken = box
                box.removeAll()
                return taken
            }
            for message in messages { handle(message) }
        case Self.listenerToken:
            acceptConnections()
        default:
            let fd = Int(truncatingIfNeeded: data & 0xFFFF_FFFF)
            let generation = UInt32(truncatingIfNeeded: data >> 32)
            // The generation guards against an event for a closed descriptor that accept reused.
            guard fd < connections.count, let connection = connections[fd], connection.generation == generation
            else { return }
            connection.handle(events: events)
        }
    }

    private func handle(_ message: Message) {
        switch message {
        case .complete(let fd, let generation, let response):
            let index = Int(fd)
            guard index < connections.count, let connection = connections[index], connection.generation == generation
            else { return }
            connection.complete(with: response)
        case .adopt(let fd, let remoteAddress):
            if running && !context.isDraining {
                register(fd, remoteAddress: remoteAddress)
            } else {
                System.close(fd)
                context.openConnections.subtract(1, ordering: .relaxed)
            }
        case .drain:
            stopListening()
            for case let connection? in connections {
                connection.drain()
            }
        case .stop:
            stopListening()
            running = false
        }
    }

    private func stopListening() {
        guard listenFD >= 0 else { return }
        _ = su_epoll_ctl(epollFD, su_epoll_ctl_del(), listenFD, 0, 0)
        listenFD = -1
    }

    /// Whether a sweep may have work: connections (their deadlines), a paused listener, or a
    /// memory trim waiting for its interval. Without any, new work arrives only as an event (a
    /// connection, a handover, a drain or stop), so the loop waits without a timeout.
    private var hasTimedWork: Bool {
        liveConnections > 0 || acceptPausedUntil != 0 || trimIsWorthIt
    }

    private func sweep() {
        if acceptPausedUntil != 0 && now >= acceptPausedUntil && listenFD >= 0 {
            acceptPausedUntil = 0
            _ = su_epoll_ctl(
                epollFD, su_epoll_ctl_add(), listenFD, su_epollin() | su_epollexclusive(), Self.listenerToken)
        }
        let draining = context.isDraining
        for case let connection? in connections {
            connection.checkDeadlines(now: now)
            if draining && !connection.closed { connection.drain() }
        }
        if context.bufferedBytes.load(ordering: .relaxed) > context.configuration.maxBufferedBytes {
            shedStalledConnections()
        }
        trimMemoryIfWorthIt()
    }

    /// How long output must have waited without progress before its connection may be shed.
    private static let shedAfterStall: Int64 = 1_000_000_000

    /// Over the buffer budget: drop the connections whose output has waited longest without the
    /// socket taking a byte (clients that stopped reading), until the loop is back under it. A
    /// client that reads, however slowly, keeps its connection; the write timeout still applies
    /// to every stalled connection when the budget is not exceeded.
    private func shedStalledConnections() {
        var stalled: [(stall: Int64, connection: Connection)] = []
        for case let connection? in connections {
            if let stall = connection.stalledFor(now: now), stall >= Self.shedAfterStall {
                stalled.append((stall, connection))
            }
        }
        guard !stalled.isEmpty else { return }
        stalled.sort { $0.stall > $1.stall }
        let budget = context.configuration.maxBufferedBytes
        let before = context.bufferedBytes.load(ordering: .relaxed)
        var shed = 0
        // Every loop sheds its own connections against the process-wide total; two loops doing so
        // at once may drop a little more than needed, never a client that is reading.
        for (_, connection) in stalled where context.bufferedBytes.load(ordering: .relaxed) > budget {
            connection.abort()
            shed += 1
        }
        context.logger.warning(
            "buffered output over budget; dropped the clients that stopped reading",
            metadata: [
                "dropped": "\(shed)", "buffered_bytes_before": "\(before)",
                "buffered_bytes": "\(context.bufferedBytes.load(ordering: .relaxed))", "budget": "\(budget)",
            ])
    }

    /// Connections closed or gone idle since the last trim before it is worth one.
    private static let trimThreshold = 256
    /// At most one trim per loop this often: thousands of keep-alive connections that go idle and
    /// come back (a load balancer's pool) must not make every sweep walk the heap.
    private static let trimInterval: Int64 = 5_000_000_000

    /// A burst has passed since the last trim: see `trimMemoryIfWorthIt`.
    private var trimIsWorthIt: Bool {
        let closedSincePeak = peakSinceTrim - liveConnections
        let burstEnded = closedSincePeak >= Self.trimThreshold && liveConnections * 2 <= peakSinceTrim
        return burstEnded || releasedIdleBuffers >= Self.trimThreshold
    }

    /// glibc keeps freed heap pages: after a burst (an attack cut off, thousands of connections
    /// gone idle) the process would stay at its peak size. Hand the pages back once such a burst
    /// has passed: at least `trimThreshold` connections closed and at most half the peak left, or
    /// as many gave back their idle buffers. malloc_trim walks the heap, so it runs only then, at
    /// most once per `trimInterval`, never per request.
    private func trimMemoryIfWorthIt() {
        guard trimIsWorthIt, now >= nextTrimAllowed else { return }
        nextTrimAllowed = now + Self.trimInterval
        _ = su_trim_memory()
        peakSinceTrim = liveConnections
        releasedIdleBuffers = 0
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard listenFD >= 0 else { return }
        for _ in 0..<64 {
            let fd = unsafe addressBuffer.withUnsafeMutableBufferPointer { buffer in
                unsafe su_accept_connection(listenFD, buffer.baseAddress, buffer.count)
            }
            if fd < 0 {
                let error = System.errno
                switch error {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop accepting for a moment instead of spinning on a
                    // listener that stays readable.
                    context.logger.warning("accept failed; pausing", metadata: ["errno": "\(error)"])
                    _ = su_epoll_ctl(epollFD, su_epoll_ctl_del(), listenFD, 0, 0)
                    acceptPausedUntil = now + 100_000_000
                    return
                default:
                    // EINVAL after the listener was shut down for draining.
                    stopListening()
                    return
                }
            }
            if context.openConnections.add(1, ordering: .relaxed).newValue > context.configuration.maxConnections
                || context.isDraining
            {
                refuse(fd)
                continue
            }
            let address = unsafe addressBuffer.withUnsafeBufferPointer { unsafe String(cString: $0.baseAddress!) }
            // EPOLLEXCLUSIVE tends to wake the same loop again and again; hand connections out
            // round-robin so every core serves its share.
            let target = nextTarget()
            if target === self {
                register(fd, remoteAddress: address)
            } else {
                target.post(.adopt(fd: fd, remoteAddress: address))
            }
        }
    }

    /// The loop that gets the next accepted connection, round-robin across `peers`.
    private func nextTarget() -> EventLoop {
        guard !peers.isEmpty else { return self }
        let ticket = context.nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        return peers[ticket % peers.count]
    }

    private static let overloadResponse: [UInt8] = {
        let body = #"{"error":"The server has too many open connections.","code":"too_many_connections"}"#
        return Array(
            ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nRetry-After: 1\r\nConnection: close\r\n"
                + "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n" + body).utf8)
    }()

    /// Over the connection limit: a best-effort 503 without blocking, then close.
    private func refuse(_ fd: Int32) {
        unsafe Self.overloadResponse.withUnsafeBytes { bytes in
            _ = unsafe su_send2(fd, bytes.baseAddress, bytes.count, nil, 0)
        }
        context.openConnections.subtract(1, ordering: .relaxed)
        System.shutdownWrite(fd)
        System.close(fd)
    }

    private func register(_ fd: Int32, remoteAddress: String) {
        nextGeneration &+= 1
        let connection = Connection(
            fd: fd, generation: nextGeneration, remoteAddress: remoteAddress, loop: self, context: context)
        let slot = Int(fd)
        if slot >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: slot + 1 - connections.count))
        }
        connections[slot] = connection
        liveConnections += 1
        peakSinceTrim = max(peakSinceTrim, liveConnections)
        if su_epoll_ctl(epollFD, su_epoll_ctl_add(), fd, su_epollin(), token(connection)) != 0 {
            connection.close()
        }
    }

    private func token(_ connection: Connection) -> UInt64 {
        UInt64(UInt32(bitPattern: connection.fd)) | UInt64(connection.generation) << 32
    }

    // MARK: - Services for connections

    func modify(_ connection: Connection, events: UInt32) {
        _ = su_epoll_ctl(epollFD, su_epoll_ctl_mod(), connection.fd, events, token(connection))
    }

    func remove(_ connection: Connection, reset: Bool) {
        let slot = Int(connection.fd)
        if slot < connections.count, connections[slot] === connection {
            connections[slot] = nil
            liveConnections -= 1
        }
        // close() also removes the descriptor from the epoll set.
        if reset {
            System.resetAndClose(connection.fd)
        } else {
            System.close(connection.fd)
        }
        context.openConnections.subtract(1, ordering: .relaxed)
    }

    /// Reads at most `limit` bytes into the loop's shared buffer; returns the count, 0 at EOF, or
    /// -1 (errno).
    func read(_ fd: Int32, limit: Int) -> Int {
        unsafe readBuffer.withUnsafeMutableBytes { buffer in
            unsafe Glibc.read(fd, buffer.baseAddress, min(buffer.count, limit))
        }
    }

    /// Writes the first one or two queued buffers in one sendmsg; returns bytes written or -1.
    func write(_ fd: Int32, _ output: [[UInt8]], offset: Int) -> Int {
        let first = output[0]
        if output.count == 1 {
            return unsafe first.withUnsafeBytes { bytes in
                unsafe su_send2(fd, bytes.baseAddress! + offset, bytes.count - offset, nil, 0)
            }
        }
        let second = output[1]
        return unsafe first.withUnsafeBytes { one in
            unsafe second.withUnsafeBytes { two in
                unsafe su_send2(fd, one.baseAddress! + offset, one.count - offset, two.baseAddress, two.count)
            }
        }
    }
}
