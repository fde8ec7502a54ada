import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: timeouts", .tags(.security))
    struct TimeoutTests {
        static func router() -> Router {
            var router = Router()
            router.add(.get, "/small") { _ in .respond(HTTPResponse(status: .ok, body: Array("small".utf8))) }
            router.add(.post, "/upload") { request in .respond(HTTPResponse(status: .ok, body: request.body)) }
            router.add(.get, "/huge") { _ in
                .respond(HTTPResponse(status: .ok, body: [UInt8](repeating: 65, count: 32 << 20)))
            }
            return router
        }

        @Test("a client trickling its headers (slow loris) gets 408 at the header timeout, however busy it looks")
        func slowLoris() async throws {
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /small HTTP/1.1\r\n")
                // Keep sending a byte well inside any idle window, for longer than the header timeout.
                var sent = 0
                var sendFailed = false
                for _ in 0..<20 {
                    try await Task.sleep(for: .milliseconds(50))
                    do { try client.send("X") } catch {
                        sendFailed = true
                        break
                    }
                    sent += 1
                }
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(response.text.contains("header_timeout"))
                #expect(sent < 20 || sendFailed || client.isClosedByServer())
            }
        }

        @Test("a body that stops arriving gets 408 at the body timeout")
        func bodyTimeout() async throws {
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(response.text.contains("body_timeout"))
                #expect(client.isClosedByServer())
            }
        }

        @Test("an idle keep-alive connection is closed silently after the idle timeout")
        func idleTimeout() async throws {
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /small HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                // Blocks until the server closes; no bytes (no response) may come first.
                #expect(client.readUntilClosed().isEmpty)
                #expect(await live.eventually { live.server.openConnectionCount == 0 })
            }
        }

        @Test("an idle server's loops sleep until something happens; a connection brings the deadline sweeps back")
        func idleLoopsSleep() async throws {
            // Short timeouts make the sweep interval 100 ms: a loop that swept while idle would
            // wake about ten times in each quiet second below.
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                try await Task.sleep(for: .milliseconds(200))
                let quiet = live.server.loopWakeups
                try await Task.sleep(for: .milliseconds(700))
                #expect(live.server.loopWakeups == quiet)

                // A connection that never sends anything is still closed at its idle timeout:
                // only a sweep can do that, so the loop keeps time again while it is open.
                let client = try live.client()
                #expect(client.readUntilClosed().isEmpty)
                #expect(await live.eventually { live.server.openConnectionCount == 0 })
                #expect(live.server.loopWakeups > quiet)

                try await Task.sleep(for: .milliseconds(200))
                let quietAgain = live.server.loopWakeups
                try await Task.sleep(for: .milliseconds(700))
                #expect(live.server.loopWakeups == quietAgain)
            }
        }

        @Test("a connection that never sends anything is closed after the idle timeout")
        func silentConnection() async throws {
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                let client = try live.client()
                #expect(client.readUntilClosed().isEmpty)
            }
        }

        @Test("a client that stops reading is dropped after the write timeout")
        func writeTimeout() async throws {
            try await LiveServer.with(configuration: LiveServer.shortTimeouts(), router: Self.router()) { live in
                let client = try live.client()
                client.shrinkReceiveBuffer()
                try client.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(await live.eventually { live.server.openConnectionCount == 1 })
                // Never read: the server must give up on its own.
                #expect(await live.eventually { live.server.openConnectionCount == 0 })
                let received = client.readUntilClosed()
                #expect(received.count < 32 << 20)
            }
        }
    }
}
