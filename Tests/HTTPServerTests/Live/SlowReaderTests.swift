import Synchronization
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: clients that read slowly or not at all", .tags(.security))
    struct SlowReaderTests {
        static let page = [UInt8](repeating: UInt8(ascii: "p"), count: 8 * 1024)

        static func router() -> Router {
            var router = Router()
            router.add(.get, "/page") { _ in .respond(HTTPResponse(status: .ok, body: page)) }
            router.add(.get, "/large") { _ in
                .respond(HTTPResponse(status: .ok, body: [UInt8](repeating: 66, count: 4 << 20)))
            }
            router.add(.get, "/huge") { _ in
                .respond(HTTPResponse(status: .ok, body: [UInt8](repeating: 65, count: 32 << 20)))
            }
            return router
        }

        /// Test settings: a write timeout short enough to wait for, long enough to watch the
        /// connection while it is blocked.
        static func configuration(sendBuffer: Int) -> HTTPServerConfiguration {
            var configuration = LiveServer.testConfiguration()
            configuration.sendBufferBytes = sendBuffer
            configuration.writeTimeout = .seconds(1)
            return configuration
        }

        /// Waits (bounded, 20 s) until the server has no open connection.
        static func allClosed(_ live: LiveServer) async -> Bool {
            for _ in 0..<2000 {
                if live.server.openConnectionCount == 0 { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return false
        }

        @Test(
            "every accepted connection gets the configured send buffer, and it stays that size after a large answer",
            arguments: [32 * 1024, 200_000])
        func sendBufferIsSetAndLocked(size: Int) async throws {
            try await LiveServer.with(configuration: Self.configuration(sendBuffer: size), router: Self.router()) {
                live in
                let client = try live.client()
                try client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().body == Self.page)
                let probe = try #require(ServerSocketProbe.find(serverPort: live.port, clientPort: client.localPort))
                // Linux reports twice what was set (the other half is its bookkeeping).
                #expect(probe.sendBufferSize == 2 * size)
                // Autotuning grows an unlocked buffer as a fast reader takes a large answer; a set
                // buffer must keep its size.
                try client.send("GET /large HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().body.count == 4 << 20)
                #expect(probe.sendBufferSize == 2 * size)
            }
        }

        @Test("a client that reads nothing parks at most twice the send buffer in the server's kernel, then is cut off")
        func nonReaderParksLittleKernelMemory() async throws {
            let size = 64 * 1024
            try await LiveServer.with(configuration: Self.configuration(sendBuffer: size), router: Self.router()) {
                live in
                let client = try TestClient(port: live.port, receiveBuffer: 4096)
                try client.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n")
                var probe: ServerSocketProbe?
                for _ in 0..<2000 where probe == nil {
                    probe = ServerSocketProbe.find(serverPort: live.port, clientPort: client.localPort)
                    if probe == nil { try await Task.sleep(for: .milliseconds(10)) }
                }
                let server = try #require(probe)
                // Watch the send queue until the server closes the socket (bounded: 30 s).
                var largest = 0
                var samples = 0
                for _ in 0..<3000 {
                    guard let unsent = server.unsentBytes,
                        ServerSocketProbe.find(serverPort: live.port, clientPort: client.localPort) != nil
                    else { break }
                    largest = max(largest, unsent)
                    samples += 1
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(samples > 0)
                #expect(largest > 0, "the server never queued anything for the client")
                // With autotuning the kernel takes megabytes of the 32 MiB answer for a reader of nothing.
                #expect(largest <= 2 * size, "the kernel held \(largest) bytes for a client that reads nothing")
                #expect(await Self.allClosed(live))
            }
        }

        @Test(
            "a client that pipelines requests and never reads gets only a bounded number of answers built, then is cut off"
        )
        func pipeliningNonReaderIsBoundedAndCutOff() async throws {
            let size = 32 * 1024
            try await LiveServer.with(configuration: Self.configuration(sendBuffer: size), router: Self.router()) {
                live in
                let client = try TestClient(port: live.port, receiveBuffer: 4096)
                let request = Array("GET /page HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
                let sent =
                    client.sendWithoutWaiting(Array([[UInt8]](repeating: request, count: 2000).joined()))
                    / request.count
                #expect(await Self.allClosed(live))
                let answered = live.log.records.withLock { $0.count }
                // What can be built before the server stops reading: the kernel's send buffer, the
                // connection's own output high-water mark, the client's small window, with room to spare.
                let bound = (2 * size + Connection.outputHighWater + 256 * 1024) / Self.page.count + 2
                #expect(answered > 0)
                #expect(answered <= bound, "\(answered) answers built for a client that read nothing (sent \(sent))")
                #expect(answered < sent)
            }
        }
    }
}

extension LiveTests.SlowReaderTests {
    @Test(
        "over the buffer budget, clients that stopped reading are dropped long before their write timeout, readers are not"
    )
    func bufferBudgetShedsNonReaders() async throws {
        var router = Router()
        let big = [UInt8](repeating: UInt8(ascii: "b"), count: 200 * 1024)
        router.add(.get, "/big") { _ in .respond(HTTPResponse(status: .ok, body: big)) }
        var configuration = LiveServer.testConfiguration()
        configuration.eventLoopCount = 1
        configuration.sendBufferBytes = 4096
        configuration.maxBufferedBytes = 64 * 1024
        configuration.writeTimeout = .seconds(120)
        configuration.idleTimeout = .seconds(120)
        try await LiveServer.with(configuration: configuration, router: router) { live in
            // Each holds most of a 200 KB answer in the process: three are far over a 64 KB budget.
            let nonReaders = try (0..<3).map { _ in try TestClient(port: live.port, receiveBuffer: 4096) }
            for client in nonReaders {
                try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            }
            #expect(await live.eventually { live.server.openConnectionCount == 3 })
            // A client that reads takes its answer in full while the others are being shed.
            let reader = try live.client()
            try reader.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try reader.readResponse().body == big)
            // Bounded wait (20 s), far below the 120 s write timeout: only the budget closes them.
            var remaining = live.server.openConnectionCount
            for _ in 0..<2000 where remaining > 1 {
                try await Task.sleep(for: .milliseconds(10))
                remaining = live.server.openConnectionCount
            }
            #expect(remaining == 1, "\(remaining - 1) non-readers still open")
            for client in nonReaders {
                #expect(client.readUntilClosed().count < big.count)
            }
            try reader.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try reader.readResponse().body == big)
        }
    }
}

extension LiveTests.SlowReaderTests {
    @Test("a client that pipelines 64 KB of requests and reads nothing makes the server hold well under that")
    func pipelinerPinsLittleMemory() async throws {
        try await LiveServer.with(configuration: Self.configuration(sendBuffer: 32 * 1024), router: Self.router()) {
            live in
            let client = try TestClient(port: live.port, receiveBuffer: 4096)
            let request = Array("GET /page HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
            let batch = Array([[UInt8]](repeating: request, count: 65_536 / request.count).joined())
            #expect(client.sendWithoutWaiting(batch) == batch.count)
            // Sample what the server holds until the write timeout closes the connection (bounded: 20 s).
            var largest = 0
            for _ in 0..<2000 {
                largest = max(largest, live.server.bufferedBytes)
                if live.server.openConnectionCount == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(live.server.openConnectionCount == 0)
            #expect(largest > 0, "nothing was ever held: the test did not exercise back-pressure")
            // The high-water mark, one answer beyond it, and one head-sized read of held-back input.
            let bound = Connection.outputHighWater + Self.page.count + 512 + Connection.headReadSize
            #expect(largest <= bound, "held \(largest) bytes for one client that reads nothing")
            #expect(live.server.bufferedBytes == 0)
        }
    }
}
