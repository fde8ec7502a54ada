import Dispatch
import Glibc
import SigV4
import Synchronization
import Testing

@testable import UploadService

@Suite("Outbound HTTP deadline")
struct AppOutboundDeadlineTests {
    @Test(
        "an endpoint trickling its body a byte at a time fails the request at its timeout, not at the body's end",
        .timeLimit(.minutes(1)))
    func tricklingEndpointHitsTheDeadline() async throws {
        let server = try TricklingServer()
        defer { server.stop() }
        let client = SocketHTTPClient(environment: [:])
        let request = OutboundHTTPRequest(
            method: "GET", url: "http://127.0.0.1:\(server.port)/jwks.json", timeout: .seconds(2))
        // The body is 1 MB at ten bytes a second: without a whole-exchange deadline this waits a day.
        let error = await #expect(throws: OutboundHTTPError.self) { try await client.send(request) }
        #expect(error?.message.contains("no complete response within") == true)
        #expect(server.bytesSent > 0, "the endpoint answered, slowly; the timeout was not a refused connection")
    }

    @Test("an operation that finishes in time returns its own result or error")
    func deadlineKeepsPromptResults() async throws {
        #expect(try await SocketHTTPClient.withDeadline(.seconds(10)) { 42 } == 42)
        await #expect(throws: OutboundHTTPError.self) {
            try await SocketHTTPClient.withDeadline(.seconds(10)) { () throws -> Int in
                throw OutboundHTTPError(message: "own")
            }
        }
    }

    @Test("an operation stuck where nothing can interrupt it (a hung resolver) is abandoned at the deadline")
    func stuckOperationAbandoned() async throws {
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await SocketHTTPClient.withDeadline(.milliseconds(200)) { () throws -> Int in
                sleep(3)
                return 1
            }
        }
        #expect(error?.message == "no complete response within 0.2 seconds")
    }
}

/// A loopback HTTP endpoint that answers 200 with a 1 MB Content-Length and then sends one body
/// byte every 100 ms until stopped or the client goes away (a slowloris on the client side).
private final class TricklingServer: Sendable {
    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let sent = Atomic<Int>(0)

    var bytesSent: Int { sent.load(ordering: .relaxed) }

    init() throws {
        (listener, port) = try OutboundTestServer.listen()
        DispatchQueue(label: "trickling-server").async { [self] in serveOne() }
    }

    private func serveOne() {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = scratch.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n".utf8)
        guard head.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0 else {
            return
        }
        var byte: UInt8 = 0x20
        while !stopped.load(ordering: .relaxed) {
            guard send(connection, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
            sent.add(1, ordering: .relaxed)
            usleep(100_000)
        }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
