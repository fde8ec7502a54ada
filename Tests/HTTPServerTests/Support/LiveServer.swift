import Foundation
import Logging
import Synchronization
import Testing

@testable import HTTPServer

/// Every live-socket suite nests here: they run one at a time because the test client blocks
/// its thread in recv, and the cooperative pool has as few threads as the machine has cores.
@Suite("Live server", .serialized)
struct LiveTests {}

/// A server on 127.0.0.1, port 0, with short timeouts, stopped when the test body returns.
struct LiveServer {
    let server: HTTPServer
    let port: Int
    let log: AccessLog

    /// The access records seen so far.
    final class AccessLog: Sendable {
        let records = Mutex<[HTTPAccessRecord]>([])
    }

    /// Port 0, two loops, and timeouts long enough that a loaded machine never trips them.
    static func testConfiguration() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoopCount = 2
        configuration.headerTimeout = .seconds(5)
        configuration.bodyTimeout = .seconds(5)
        configuration.idleTimeout = .seconds(5)
        configuration.writeTimeout = .seconds(5)
        return configuration
    }

    /// Short timeouts, for the tests that exercise them.
    static func shortTimeouts() -> HTTPServerConfiguration {
        var configuration = testConfiguration()
        configuration.headerTimeout = .milliseconds(400)
        configuration.bodyTimeout = .milliseconds(400)
        configuration.idleTimeout = .milliseconds(600)
        configuration.writeTimeout = .milliseconds(400)
        return configuration
    }

    /// Runs `body` against a started server and always shuts it down afterwards.
    static func with(
        configuration: HTTPServerConfiguration = testConfiguration(), router: Router, logger: Logger? = nil,
        _ body: (LiveServer) async throws -> Void
    ) async throws {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let log = AccessLog()
        let server = HTTPServer(configuration: configuration, router: router, logger: logger ?? quiet) { record in
            log.records.withLock { $0.append(record) }
        }
        let port = try server.start()
        let live = LiveServer(server: server, port: port, log: log)
        do {
            try await body(live)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            throw error
        }
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    func client() throws -> TestClient {
        try TestClient(port: port)
    }

    /// Waits (bounded) until `condition` holds; returns whether it did. For states that another
    /// thread reaches a moment later, such as a connection count dropping.
    func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
