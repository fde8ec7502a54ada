import CSystem
import Glibc
import Logging
import Synchronization

/// One client connection. It belongs to one event loop and is only ever touched on that loop's
/// thread, so it needs no lock. It reads, feeds the parser, runs handlers, queues responses in
/// request order and writes them, and tracks which timeout currently applies.
final class Connection {
    enum Phase {
        /// Reading requests and writing responses.
        case open
        /// A `.later` handler is running; further input waits so responses stay in order.
        case awaitingLater
        /// The last response is written; the write side is shut, and unread input is drained
        /// briefly so the peer gets the response rather than a reset.
        case lingering
    }

    /// Where the current request is going.
    enum Destination {
        case handler(Router.Route)
        case streaming(any HTTPStreamingHandler)
        case staticFiles(StaticFiles)
        /// Answered without a handler (404, 405, 413...); `close` when the body will not be read.
        case early(HTTPResponse)
    }

    /// The request being read or handled. A class, so an idle connection holds one pointer for it
    /// instead of some 200 bytes of empty fields (10,000 idle keep-alive connections: 2 MB).
    final class Exchange {
        let head: HTTPRequestHead
        let requestID: String
        let start: Int64
        let route: String
        var destination: Destination
        var body: [UInt8] = []

        init(head: HTTPRequestHead, requestID: String, start: Int64, route: String, destination: Destination) {
            self.head = head
            self.requestID = requestID
            self.start = start
            self.route = route
            self.destination = destination
        }
    }

    let fd: Int32
    let generation: UInt32
    let remoteAddress: String
    unowned let loop: EventLoop
    private let context: ServerContext
    private var parser: HTTPRequestParser
    private(set) var phase = Phase.open
    /// A response that ends the connection is queued: read and parse nothing more.
    private var closing = false
    private var exchange: Exchange?
    private var pendingInput: [UInt8] = []
    private var output: [[UInt8]] = []
    private var outputOffset = 0
    private var queuedBytes = 0
    /// Pipelined requests stop being parsed while this much output waits, so a client that
    /// sends many requests and reads no answers cannot make the server buffer without bound
    /// (one read of small requests could otherwise queue hundreds of times its size). The socket's
    /// own send buffer (`sendBufferBytes`) is the real queue; this only needs to keep it fed.
    static let outputHighWater = 16 * 1024
    /// The most read at once while a head is expected: requests held back at the high-water mark
    /// are copied, so a client pipelining requests it never reads pins at most this much input.
    /// Bodies are read in the loop's full buffer.
    static let headReadSize = 16 * 1024
    /// `queuedBytes + pendingInput.count` as last added to the server's `bufferedBytes`.
    private var accountedBytes = 0
    private(set) var interest: UInt32
    private(set) var closed = false

    private var lastActivity: Int64
    private var requestStart: Int64 = 0
    private var bodyProgress: Int64 = 0
    private var writeProgress: Int64 = 0
    private var lingerDeadline: Int64 = 0
    /// Set when an idle connection gave its buffers back; cleared by the next read.
    private var buffersReleased = false

    init(fd: Int32, generation: UInt32, remoteAddress: String, loop: EventLoop, context: ServerContext) {
        self.fd = fd
        self.generation = generation
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.context = context
        self.parser = HTTPRequestParser(limits: context.limits)
        self.interest = su_epollin()
        self.lastActivity = loop.now
    }

    /// True when nothing is in flight: no partial request, no response pending.
    var isIdle: Bool {
        phase == .open && exchange == nil && output.isEmpty && parser.isIdle && pendingInput.isEmpty
    }

    // MARK: - Events

    func handle(events: UInt32) {
        defer { settleAccounting() }
        if events & su_epollerr() != 0 {
            abort()
            return
        }
        if events & su_epollout() != 0 {
            flush()
            if closed { return }
            if output.isEmpty { resumePendingInput() }
            if closed { return }
        }
        if events & su_epollin() != 0 {
            readable()
        } else if events & su_epollhup() != 0 {
            abort()
            return
        }
        if !closed { updateInterest() }
    }

    private func readable() {
        buffersReleased = false
        let count = loop.read(fd, limit: parser.isReadingHead ? Self.headReadSize : Int.max)
        if count == 0 {
            peerClosed()
            return
        }
        if count < 0 {
            let error = System.errno
            if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return }
            abort()
            return
        }
        if phase == .lingering { return }
        let buffer = loop.readBuffer
        if !pendingInput.isEmpty {
            // Earlier input is still waiting; keep the byte order.
            pendingInput.append(contentsOf: buffer[0..<count])
            return
        }
        process(buffer.span.extracting(0..<count))
    }

    /// The peer sent FIN. Finish what is in flight (it may still read), otherwise close.
    private func peerClosed() {
        if phase == .lingering || isIdle {
            close()
            return
        }
        if phase == .awaitingLater || !output.isEmpty {
            closing = true
            return
        }
        abort()
    }

    private func process(_ input: Span<UInt8>) {
        let consumed = feed(input)
        if consumed < input.count && !closing {
            unsafe input.extracting(consumed..<input.count).withUnsafeBufferPointer { rest in
                unsafe pendingInput.append(contentsOf: rest)
            }
        }
        flush()
        // Input held back at the output high-water mark can go on once the socket took it all.
        while !closed && output.isEmpty && !pendingInput.isEmpty && !closing && phase == .open {
            let pending = pendingInput
            pendingInput = []
            let used = feed(pending.span)
            if used < pending.count && !closing { pendingInput = Array(pending[used...]) }
            flush()
        }
    }

    /// Parses as much of `input` as the current phase allows; returns how much it consumed.
    private func feed(_ input: Span<UInt8>) -> Int {
        var offset = 0
        while !closing && phase == .open && !closed && queuedBytes < Self.outputHighWater {
            if parser.isIdle { requestStart = loop.now }
            let slice = input.extracting(offset..<input.count)
            let (event, consumed) = parser.parse(slice)
            offset += consumed
            switch event {
            case .needMoreData:
                return offset
            case .head(let head):
                startExchange(head)
            case .body(let range):
                receiveBody(slice.extracting(range))
            case .end:
                finishExchange()
            case .error(let error):
                refuse(error)
            }
        }
        return offset
    }

    // MARK: - Requests

    private func startExchange(_ head: HTTPRequestHead) {
        let requestID = RequestIdentifiers.sanitized(head.headers["x-request-id"]) ?? loop.requestIdentifiers.next()
        bodyProgress = loop.now
        var route = "none"
        var destination: Destination?
        var limit = context.configuration.defaultBodyLimit
        var streamingRoute: Router.StreamingRoute?
        switch context.router.resolve(head.method, head.path) {
        case .handler(let handlerRoute):
            route = handlerRoute.pattern
            limit = handlerRoute.bodyLimit ?? limit
            destination = .handler(handlerRoute)
        case .streaming(let streaming):
            route = streaming.prefix + "*"
            limit = streaming.bodyLimit
            streamingRoute = streaming
        case .staticFiles(let files):
            route = "static"
            destination = .staticFiles(files)
        case .methodNotAllowed(let allow):
            destination = .early(
                .jsonError(
                    .methodNotAllowed, code: "method_not_allowed", message: "This path does not accept that method.",
                    headers: ["Allow": allow]))
        case .notFound:
            destination = .early(.jsonError(.notFound, code: "not_found", message: "There is nothing at this path."))
        }
        let exchange = Exchange(
            head: head, requestID: requestID, start: requestStart, route: route,
            destination: destination ?? .early(ErrorBoundary.internalError))
        if case .early = destination {
        } else if let error = parser.setBodyLimit(limit) {
            exchange.destination = .early(error.response)
        } else if let streamingRoute {
            let handler = streamingRoute.factory()
            if let rejection = handler.head(request(for: exchange)) {
                exchange.destination = .early(rejection)
            } else {
                exchange.destination = .streaming(handler)
            }
        } else if case .length(let length) = head.framing {
            exchange.body.reserveCapacity(length)
        }
        self.exchange = exchange

        if case .early(let response) = exchange.destination {
            // Answer now without reading the body (and without 100 Continue); the unread body
            // makes the connection unusable, so it closes.
            if head.framing != .none && head.framing != .length(0) {
                respond(response, forceClose: true)
            }
            return
        }
        if head.expectContinue {
            output.append(Self.continueLine)
            queuedBytes += Self.continueLine.count
        }
    }

    private static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private func receiveBody(_ chunk: Span<UInt8>) {
        bodyProgress = loop.now
        guard let exchange else { return }
        switch exchange.destination {
        case .streaming(let handler):
            let stop = unsafe chunk.withUnsafeBufferPointer { bytes in
                unsafe handler.body(UnsafeRawBufferPointer(bytes))
            }
            if let stop {
                respond(stop, forceClose: true)
            }
        case .handler, .staticFiles:
            unsafe chunk.withUnsafeBufferPointer { bytes in
                unsafe exchange.body.append(contentsOf: bytes)
            }
        case .early:
            break
        }
    }

    private func finishExchange() {
        guard let exchange else { return }
        switch exchange.destination {
        case .early(let response):
            respond(response)
        case .streaming(let handler):
            respond(handler.end())
        case .staticFiles(let files):
            respond(
                files.respond(
                    path: exchange.head.path, headers: exchange.head.headers, cache: loop.staticFileCache, now: loop.now
                ))
        case .handler(let route):
            let request = request(for: exchange)
            self.exchange?.body = []
            do {
                switch try route.handler(request) {
                case .respond(let response):
                    respond(response)
                case .later(let work):
                    phase = .awaitingLater
                    let loop = self.loop
                    let fd = self.fd
                    let generation = self.generation
                    Task {
                        let response = await work()
                        loop.post(.complete(fd: fd, generation: generation, response: response))
                    }
                }
            } catch {
                respond(ErrorBoundary.response(for: error, requestID: exchange.requestID, logger: context.logger))
            }
        }
    }

    private func request(for exchange: Exchange) -> HTTPRequest {
        let head = exchange.head
        return HTTPRequest(
            method: head.method, target: head.target, path: head.path, query: head.query, version: head.version,
            headers: head.headers, body: exchange.body, remoteAddress: remoteAddress, requestID: exchange.requestID)
    }

    /// The `.later` handler's response arrived on this loop.
    func complete(with response: HTTPResponse) {
        guard phase == .awaitingLater else { return }
        defer { settleAccounting() }
        phase = .open
        respond(response)
        flush()
        if !closed && output.isEmpty { resumePendingInput() }
        if !closed { updateInterest() }
    }

    /// Parses input held back while a `.later` handler ran or output was over the high-water mark.
    private func resumePendingInput() {
        guard !pendingInput.isEmpty, !closing, phase == .open else { return }
        let pending = pendingInput
        pendingInput = []
        process(pending.span)
    }

    private func refuse(_ error: HTTPParseError) {
        if let exchange, case .streaming(let handler) = exchange.destination {
            handler.abort()
        }
        if exchange == nil {
            let requestID = loop.requestIdentifiers.next()
            let head = HTTPRequestHead(
                method: .get, target: "", path: "", query: nil, version: .http1_1, headers: HTTPHeaders(),
                framing: .none, keepAlive: false, expectContinue: false)
            exchange = Exchange(
                head: head, requestID: requestID, start: requestStart, route: "none",
                destination: .early(error.response)
            )
        }
        respond(error.response, forceClose: true)
    }

    // MARK: - Responses

    /// Queues `response` for the current request, in order.
    private func respond(_ response: HTTPResponse, forceClose: Bool = false) {
        guard let exchange else { return }
        self.exchange = nil
        let head = exchange.head
        let keepAlive = head.keepAlive && !forceClose && !context.isDraining
        let connectionHeader: ResponseEncoder.ConnectionHeader =
            keepAlive ? (head.version.minor == 0 ? .keepAlive : .none) : .close
        let sendsBody = head.method != .head && !response.status.forbidsBody
        var bytes: [UInt8] = []
        bytes.reserveCapacity(
            context.encoder.headCapacity(for: response, requestID: exchange.requestID, dateLine: loop.dateHeader.line))
        var sent = response
        if !context.encoder.encode(
            response, contentLength: response.body.count, requestID: exchange.requestID,
            dateLine: loop.dateHeader.line, connection: connectionHeader, into: &bytes)
        {
            context.logger.error(
                "handler returned an invalid header or reason",
                metadata: ["request_id": "\(exchange.requestID)", "route": "\(exchange.route)"])
            sent = ErrorBoundary.internalError
            bytes.removeAll(keepingCapacity: true)
            _ = context.encoder.encode(
                sent, contentLength: sent.body.count, requestID: exchange.requestID, dateLine: loop.dateHeader.line,
                connection: connectionHeader, into: &bytes)
        }
        let bodySent = sendsBody ? sent.body.count : 0
        // The write timeout counts from when output starts waiting, not from an older write.
        if output.isEmpty { writeProgress = loop.now }
        queuedBytes += bytes.count + bodySent
        // Head and body go out together in one sendmsg over two buffers (`EventLoop.write`): the
        // body, often a cached static file shared by every connection, is never copied.
        output.append(bytes)
        if bodySent > 0 { output.append(sent.body) }
        if !keepAlive { closing = true }
        lastActivity = loop.now
        if let onResponse = context.onResponse {
            onResponse(
                HTTPAccessRecord(
                    requestID: exchange.requestID, method: head.method.rawValue, path: head.path,
                    route: exchange.route, status: sent.status.code, bytesSent: bodySent,
                    // The clock now, not the loop's cached one: a request answered within one loop
                    // iteration would otherwise always log (and count in /metrics) 0 ms.
                    duration: .nanoseconds(System.monotonicNanoseconds() - exchange.start),
                    remoteAddress: remoteAddress,
                    attributes: sent.logAttributes, forwardedFor: Self.forwardedFor(head.headers)))
        }
    }

    /// All `X-Forwarded-For` lines as one list: a proxy may append its own line after the client's.
    private static func forwardedFor(_ headers: HTTPHeaders) -> String? {
        // Most requests have none: answer that without building a list.
        guard headers.contains("X-Forwarded-For") else { return nil }
        let values = headers.values("X-Forwarded-For")
        return values.count == 1 ? values[0] : values.joined(separator: ",")
    }

    /// Writes queued output until done or the socket is full.
    private func flush() {
        while !output.isEmpty && !closed {
            let written = loop.write(fd, output, offset: outputOffset)
            if written < 0 {
                let error = System.errno
                if error == EAGAIN || error == EWOULDBLOCK { break }
                if error == EINTR { continue }
                abort()
                return
            }
            writeProgress = loop.now
            queuedBytes -= written
            var remaining = written
            while remaining > 0 {
                let available = output[0].count - outputOffset
                if remaining >= available {
                    remaining -= available
                    output.removeFirst()
                    outputOffset = 0
                } else {
                    outputOffset += remaining
                    remaining = 0
                }
            }
        }
        if output.isEmpty && closing && phase != .lingering && !closed && phase != .awaitingLater {
            startLingering()
        }
    }

    private func startLingering() {
        phase = .lingering
        System.shutdownWrite(fd)
        lingerDeadline = loop.now + context.lingerTimeout
        if let exchange, case .streaming(let handler) = exchange.destination {
            handler.abort()
        }
        exchange = nil
    }

    private func updateInterest() {
        let desired: UInt32
        if phase == .lingering {
            desired = su_epollin()
        } else if !output.isEmpty {
            desired = su_epollout()
        } else if phase == .awaitingLater || closing {
            desired = 0
        } else {
            desired = su_epollin()
        }
        if desired != interest {
            interest = desired
            loop.modify(self, events: desired)
        }
    }

    // MARK: - Timeouts and shutdown

    /// Adds the change in what this connection holds (queued output, held-back input) to the
    /// server's total, which the loops keep under `maxBufferedBytes`.
    private func settleAccounting() {
        let current = closed ? 0 : queuedBytes + pendingInput.count
        if current != accountedBytes {
            context.bufferedBytes.add(current - accountedBytes, ordering: .relaxed)
            accountedBytes = current
        }
    }

    /// How long queued output has waited without the socket taking a byte; nil with none queued.
    func stalledFor(now: Int64) -> Int64? {
        output.isEmpty || closed || phase == .lingering ? nil : now - writeProgress
    }

    /// Applies whichever timeout governs the connection's current state.
    func checkDeadlines(now: Int64) {
        defer { settleAccounting() }
        if phase == .lingering {
            if now >= lingerDeadline { close() }
            return
        }
        if !output.isEmpty {
            if now - writeProgress >= context.writeTimeout {
                context.logger.debug("write timeout", metadata: ["remote": "\(remoteAddress)"])
                abort()
            }
            return
        }
        if phase == .awaitingLater || closing { return }
        if exchange != nil {
            if now - bodyProgress >= context.bodyTimeout { timeOut(code: "body_timeout") }
            return
        }
        if parser.isIdle && pendingInput.isEmpty {
            if now - lastActivity >= context.idleTimeout {
                close()
            } else if now - lastActivity >= Self.releaseAfterIdle {
                releaseIdleMemory()
            }
            return
        }
        if now - requestStart >= context.headerTimeout { timeOut(code: "header_timeout") }
    }

    /// How long a keep-alive connection waits for its next request before giving back its buffers;
    /// a busy connection keeps them and does not allocate per request.
    private static let releaseAfterIdle: Int64 = 1_000_000_000

    /// Frees what an idle connection does not need: the parser's head buffer and the (empty)
    /// output and input queues' storage. Thousands of idle keep-alive connections then cost little
    /// more than their `Connection` objects.
    private func releaseIdleMemory() {
        guard !buffersReleased else { return }
        buffersReleased = true
        parser.releaseIdleBuffers()
        if output.isEmpty { output = [] }
        if pendingInput.isEmpty { pendingInput = [] }
        loop.releasedIdleBuffers += 1
        context.idleBufferReleases.add(1, ordering: .relaxed)
    }

    private func timeOut(code: String) {
        if let exchange, case .streaming(let handler) = exchange.destination {
            handler.abort()
            self.exchange?.destination = .early(ErrorBoundary.internalError)
        }
        let response = HTTPResponse.jsonError(
            .requestTimeout, code: code, message: "The request was not received in time.")
        if exchange == nil {
            refuse(HTTPParseError(.requestTimeout, code, "The request was not received in time."))
        } else {
            respond(response, forceClose: true)
        }
        flush()
        if !closed { updateInterest() }
    }

    /// Server draining: close if nothing is in flight; otherwise the next response says close.
    func drain() {
        if isIdle { close() }
    }

    /// Closes abruptly (peer gone, error, forced shutdown), telling a streaming handler.
    func abort() {
        if let exchange, case .streaming(let handler) = exchange.destination {
            handler.abort()
        }
        exchange = nil
        close(reset: true)
    }

    /// Closes; `reset` discards unsent output with an RST instead of a FIN.
    func close(reset: Bool = false) {
        guard !closed else { return }
        closed = true
        output = []
        queuedBytes = 0
        pendingInput = []
        settleAccounting()
        loop.remove(self, reset: reset)
    }
}
