import Synchronization
import Testing

@testable import HTTPServer

/// What streaming handlers saw, shared with the test thread.
final class StreamLog: Sendable {
    let events = Mutex<[String]>([])
    let bytes = Mutex<[UInt8]>([])
    let chunks = Atomic<Int>(0)

    var snapshot: [String] { events.withLock { $0 } }
}

/// Records every call; rejects `/files/forbidden` at the head and stops `/files/full` after 10 bytes.
final class RecordingHandler: HTTPStreamingHandler {
    let log: StreamLog
    private var path = ""
    private var received = 0

    init(log: StreamLog) {
        self.log = log
    }

    func head(_ request: HTTPRequest) -> HTTPResponse? {
        path = request.path
        log.events.withLock { $0.append("head \(request.method.rawValue) \(request.path)") }
        if request.path == "/files/forbidden" {
            return .jsonError(.forbidden, code: "forbidden", message: "Not yours.")
        }
        return nil
    }

    func body(_ chunk: UnsafeRawBufferPointer) -> HTTPResponse? {
        received += chunk.count
        log.chunks.add(1, ordering: .relaxed)
        log.bytes.withLock { unsafe $0.append(contentsOf: chunk) }
        if path == "/files/full" && received > 10 {
            log.events.withLock { $0.append("stopped") }
            return .jsonError(
                HTTPStatus(code: 507, reason: "Insufficient Storage"), code: "full", message: "Disk full.")
        }
        return nil
    }

    func end() -> HTTPResponse {
        log.events.withLock { $0.append("end \(received)") }
        return HTTPResponse(status: .created, body: Array("\(received)".utf8))
    }

    func abort() {
        log.events.withLock { $0.append("abort") }
    }
}

extension LiveTests {
    @Suite("Live server: streaming bodies")
    struct StreamingTests {
        static func run(
            configuration: HTTPServerConfiguration = LiveServer.testConfiguration(),
            _ body: (LiveServer, StreamLog) async throws -> Void
        ) async throws {
            let log = StreamLog()
            var router = Router()
            router.addStreaming(.put, prefix: "/files/", bodyLimit: 1 << 20) { RecordingHandler(log: log) }
            router.add(.put, "/files/exact") { _ in .respond(HTTPResponse(status: .ok, body: Array("exact".utf8))) }
            try await LiveServer.with(configuration: configuration, router: router) { live in try await body(live, log)
            }
        }

        @Test("hands the body over in pieces as it arrives, never buffered whole")
        func chunksArrive() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
                try client.send("PUT /files/a.bin HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.count)\r\n\r\n")
                try client.send(Array(payload[..<1000]))
                #expect(await live.eventually { log.bytes.withLock { $0.count } == 1000 })
                try client.send(Array(payload[1000...]))
                let response = try client.readResponse()
                #expect(response.status == 201)
                #expect(response.text == "300000")
                #expect(log.bytes.withLock { $0 } == payload)
                #expect(log.chunks.load(ordering: .relaxed) > 1)
                #expect(log.snapshot == ["head PUT /files/a.bin", "end 300000"])
            }
        }

        @Test("streams chunked bodies and sends 100 Continue when the head is accepted")
        func chunkedWithContinue() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                try client.send(
                    "PUT /files/c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n")
                #expect(try client.readResponse().status == 100)
                try client.send("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
                #expect(try client.readResponse().text == "7")
                #expect(log.bytes.withLock { String(decoding: $0, as: UTF8.self) } == "abcdefg")
            }
        }

        @Test("a head the handler rejects is answered at once: no 100 Continue, no body read, then close")
        func headRejected() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                try client.send(
                    "PUT /files/forbidden HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 50\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 403)
                #expect(client.isClosedByServer())
                #expect(log.snapshot == ["head PUT /files/forbidden"])
                #expect(log.bytes.withLock { $0.isEmpty })
            }
        }

        @Test("a handler can stop the body midway; its answer is sent and the connection closed")
        func stopMidway() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                try client.send("PUT /files/full HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
                try client.send(String(repeating: "z", count: 20))
                #expect(try client.readResponse().status == 507)
                #expect(client.isClosedByServer())
                #expect(log.snapshot == ["head PUT /files/full", "stopped"])
            }
        }

        @Test("a client that disconnects mid-body makes the handler abort")
        func abortOnDisconnect() async throws {
            try await Self.run { live, log in
                do {
                    let client = try live.client()
                    try client.send("PUT /files/gone HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nsome bytes")
                    #expect(await live.eventually { log.bytes.withLock { $0.count } == 10 })
                }
                #expect(await live.eventually { log.snapshot.last == "abort" })
                #expect(log.snapshot == ["head PUT /files/gone", "abort"])
            }
        }

        @Test("a body that stalls makes the handler abort and the client get 408")
        func abortOnTimeout() async throws {
            try await Self.run(configuration: LiveServer.shortTimeouts()) { live, log in
                let client = try live.client()
                try client.send("PUT /files/slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
                #expect(try client.readResponse().status == 408)
                #expect(log.snapshot == ["head PUT /files/slow", "abort"])
            }
        }

        @Test("the streaming route's own body limit answers 413 before the handler sees the head")
        func overLimit() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                try client.send("PUT /files/huge HTTP/1.1\r\nHost: t\r\nContent-Length: \((1 << 20) + 1)\r\n\r\n")
                #expect(try client.readResponse().status == 413)
                #expect(log.snapshot.isEmpty)
            }
        }

        @Test("exact routes win over prefixes; other methods under the prefix get 405 with Allow")
        func routing() async throws {
            try await Self.run { live, log in
                let client = try live.client()
                try client.send("PUT /files/exact HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
                #expect(try client.readResponse().text == "exact")
                try client.send("GET /files/x HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 405)
                #expect(response.header("Allow") == "PUT")
                #expect(log.snapshot.isEmpty)
            }
        }
    }
}
