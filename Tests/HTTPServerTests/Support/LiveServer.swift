import Foundation
import Logging
import Synchronization

@testable import HTTPServer

/// A server on 127.0.0.1, port 0, with short timeouts, stopped when the test body returns.
struct LiveServer {
    let server: HTTPServer
    let port: Int
    let log: AccessLog

    /// The access records seen so far.
    final class AccessLog: Sendable {
        let records = Mutex<[HTTPAccessRecord]>([])
    }

    static func shortTimeouts() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoopCount = 2
        configuration.headerTimeout = .milliseconds(400)
        configuration.bodyTimeout = .milliseconds(400)
        configuration.idleTimeout = .milliseconds(600)
        configuration.writeTimeout = .milliseconds(400)
        return configuration
    }

    /// Runs `body` against a started server and always shuts it down afterwards.
    static func with(
        configuration: HTTPServerConfiguration = shortTimeouts(), router: Router, logger: Logger? = nil,
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
