import Logging
import Synchronization
import Testing

@testable import HTTPServer

/// Holds `.later` handlers until the test opens it.
final class Gate: Sendable {
    let entered = Atomic<Int>(0)
    let open = Atomic<Bool>(false)

    func pass() async {
        entered.add(1, ordering: .relaxed)
        while !open.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension LiveTests {
    @Suite("Live server: graceful shutdown")
    struct ShutdownTests {
        static func router(_ gate: Gate) -> Router {
            var router = Router()
            router.add(.get, "/fast") { _ in .respond(HTTPResponse(status: .ok, body: Array("fast".utf8))) }
            router.add(.get, "/slow") { _ in
                .later {
                    await gate.pass()
                    return HTTPResponse(status: .ok, body: Array("slow".utf8))
                }
            }
            return router
        }

        @Test("draining finishes the request in flight, refuses new connections and closes idle ones")
        func drain() async throws {
            let gate = Gate()
            try await LiveServer.with(router: Self.router(gate)) { live in
                let idle = try live.client()
                try idle.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try idle.readResponse().status == 200)
                let busy = try live.client()
                try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(await live.eventually { gate.entered.load(ordering: .relaxed) == 1 })

                let server = live.server
                let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
                #expect(await live.eventually { server.isDraining })
                #expect(throws: TestClient.Failure.self) { try TestClient(port: live.port) }
                #expect(idle.isClosedByServer())
                #expect(server.openConnectionCount == 1)

                gate.open.store(true, ordering: .relaxed)
                let response = try busy.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "slow")
                #expect(response.header("Connection") == "close")
                #expect(busy.isClosedByServer())
                await shutdown.value
                #expect(server.openConnectionCount == 0)
            }
        }

        @Test("after the grace period, connections still busy are closed and shutdown returns")
        func gracePeriod() async throws {
            let gate = Gate()
            try await LiveServer.with(router: Self.router(gate)) { live in
                let busy = try live.client()
                try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(await live.eventually { gate.entered.load(ordering: .relaxed) == 1 })
                await live.server.shutdown(gracePeriod: .milliseconds(200))
                #expect(busy.readUntilClosed().isEmpty)
                #expect(live.server.openConnectionCount == 0)
                gate.open.store(true, ordering: .relaxed)
            }
        }

        @Test("start refuses invalid settings and a port already in use")
        func startErrors() async throws {
            var bad = LiveServer.testConfiguration()
            bad.eventLoopCount = 0
            let server = HTTPServer(configuration: bad, router: Router(), logger: .init(label: "t"))
            #expect(throws: HTTPServerError.invalidConfiguration("eventLoopCount must be between 1 and 256")) {
                try server.start()
            }
            try await LiveServer.with(router: Router()) { live in
                var same = LiveServer.testConfiguration()
                same.port = live.port
                let second = HTTPServer(configuration: same, router: Router(), logger: .init(label: "t"))
                #expect(throws: HTTPServerError.self) { try second.start() }
            }
        }

        @Test("listens on IPv6 loopback too")
        func ipv6() async throws {
            var configuration = LiveServer.testConfiguration()
            configuration.host = "::1"
            var router = Router()
            router.add(.get, "/v6") { request in
                .respond(HTTPResponse(status: .ok, body: Array(request.remoteAddress.utf8)))
            }
            let server = HTTPServer(configuration: configuration, router: router, logger: .init(label: "t"))
            let port = try server.start()
            let client = try TestClient(port: port, ipv6: true)
            try client.send("GET /v6 HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "::1")
            await server.shutdown(gracePeriod: .milliseconds(100))
        }
    }
}
