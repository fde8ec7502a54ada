import Glibc
import SigV4
import Testing

@testable import UploadService

/// The socket client against live loopback servers: what it sends, how it frames what comes
/// back, and that every failure — refused, silent, trickling, cut short, oversized — is an error
/// within the request's deadline, never a hang or a truncated success.
@Suite("Outbound socket client (plain HTTP)", .timeLimit(.minutes(1)))
struct OutboundSocketClientTests {
    let client = SocketHTTPClient(environment: [:], maximumResponseBytes: 4096)

    func get(
        _ server: OutboundTestServer, path: String = "/x", timeout: Duration = .seconds(5)
    ) async throws
        -> OutboundHTTPResponse
    {
        try await client.send(
            OutboundHTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)\(path)", timeout: timeout))
    }

    func expectFailure(
        _ server: OutboundTestServer, timeout: Duration = .seconds(5), containing words: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let error = await #expect(throws: OutboundHTTPError.self, sourceLocation: sourceLocation) {
            try await get(server, timeout: timeout)
        }
        #expect(
            error?.message.contains(words) == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation)
    }

    @Test("a POST sends one well-formed request: Host with port, fixed fields, the caller's fields, the body")
    func requestOnTheWire() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])
        defer { server.stop() }
        let response = try await client.send(
            OutboundHTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/sts?a=1#frag",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: Array("Action=AssumeRoleWithWebIdentity".utf8), timeout: .seconds(5)))
        #expect(response.status == 200 && response.text == "ok")
        #expect(
            server.requests == [
                "POST /sts?a=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUser-Agent: secure-upload\r\n"
                    + "Accept-Encoding: identity\r\nConnection: close\r\nContent-Length: 32\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\r\n"
                    + "Action=AssumeRoleWithWebIdentity"
            ])
    }

    @Test("a PUT without a body (the IMDSv2 token call) says Content-Length: 0; a GET says nothing")
    func emptyBodies() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nt")])
        defer { server.stop() }
        let put = try await client.send(
            OutboundHTTPRequest(
                method: "PUT", url: "http://127.0.0.1:\(server.port)/latest/api/token",
                headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")], timeout: .seconds(5)))
        #expect(put.text == "t")
        _ = try await get(server)
        #expect(server.requests.count == 2)
        #expect(server.requests.first?.contains("\r\nContent-Length: 0\r\n") == true)
        #expect(server.requests.last?.contains("Content-Length") == false)
    }

    @Test("a chunked body arriving in pieces, with extensions and trailers, is joined")
    func chunkedInPieces() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"ke"), .pause(milliseconds: 30),
            .send("\r\n5\r\nys\":["), .pause(milliseconds: 30), .send("\r\n2\r\n]}\r\n0\r\nX-Checksum: 1\r\n\r\n"),
            .hold,
        ])
        defer { server.stop() }
        // The server holds the connection open: the chunked framing, not the close, ends the body.
        let response = try await get(server)
        #expect(response.text == #"{"keys":[]}"#)
    }

    @Test("a body delimited by the connection's close is read to the end")
    func closeDelimited() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst "), .pause(milliseconds: 30),
            .send("second"),
        ])
        defer { server.stop() }
        #expect(try await get(server).text == "first second")
    }

    @Test("100 Continue then 200: the final answer is returned")
    func interimSkipped() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 100 Continue\r\n\r\n"), .pause(milliseconds: 20),
            .send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"),
        ])
        defer { server.stop() }
        #expect(try await get(server).text == "done")
    }

    @Test("a redirect is returned as the response, not followed (it could leave the allowed host)")
    func redirectNotFollowed() async throws {
        let target = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmoved!")])
        defer { target.stop() }
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(target.port)/x\r\nContent-Length: 0\r\n\r\n")
        ])
        defer { server.stop() }
        let response = try await get(server)
        #expect(response.status == 302)
        #expect(response.headers.first { $0.0 == "Location" }?.1 == "http://127.0.0.1:\(target.port)/x")
        #expect(target.requests.isEmpty)
    }

    @Test("error statuses are responses with their bodies, not errors", arguments: [400, 403, 404, 500, 503])
    func errorStatuses(status: Int) async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 \(status) X\r\nContent-Length: 3\r\n\r\nwhy")])
        defer { server.stop() }
        let response = try await get(server)
        #expect(response.status == status && response.text == "why")
    }

    @Test("conflicting Content-Length values are an error")
    func conflictingLengths() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\nok, or longer")
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "conflicting Content-Length")
    }

    @Test("Content-Length together with chunked is an error (a smuggling shape)")
    func lengthAndChunked() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "both Transfer-Encoding and Content-Length")
    }

    @Test("a declared body over the cap is refused before it is read")
    func declaredTooLarge() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 4097\r\n\r\n"), .hold])
        defer { server.stop() }
        await expectFailure(server, containing: "larger than 4096 bytes")
    }

    @Test("an undeclared body growing past the cap is refused")
    func streamedTooLarge() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "a", count: 5000)), .hold,
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "larger than 4096 bytes")
    }

    @Test("an endless head is refused at its limit")
    func endlessHead() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 90)),
            .send(String(repeating: "y", count: 40_000)), .hold,
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "head is larger than")
    }

    @Test("a peer closing in the middle of the body is an error, not a truncated success")
    func closedMidBody() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"keys\":[")
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "bytes before the end of the body")
    }

    @Test("a peer closing in the middle of a chunked body is an error")
    func closedMidChunked() async throws {
        let server = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{\"ke")
        ])
        defer { server.stop() }
        await expectFailure(server, containing: "chunked body")
    }

    @Test("a peer that closes without answering is an error")
    func closedWithoutAnswer() async throws {
        let server = try OutboundTestServer(script: [])
        defer { server.stop() }
        await expectFailure(server, containing: "closed before any response")
    }

    @Test("an address that answers nothing uses only its share of the deadline, then the next is tried")
    func silentFirstAddress() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])
        defer { server.stop() }
        let (hole, holePort) = try OutboundTestServer.blackhole()
        defer { for socket in hole { close(socket) } }
        var silent = OutboundTestServer.loopback(port: holePort)
        var answering = OutboundTestServer.loopback(port: server.port)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connection = try withUnsafePointer(to: &silent) { silentPointer in
            try withUnsafePointer(to: &answering) { answeringPointer in
                try silentPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { first in
                    try answeringPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { second in
                        // Without the shares, the first address would hold all 4 s and the
                        // exchange would end in a timeout.
                        try OutboundConnection.connect(
                            to: [
                                .init(family: AF_INET, pointer: first, length: length),
                                .init(family: AF_INET, pointer: second, length: length),
                            ],
                            naming: "test", deadline: .now + .seconds(4),
                            timedOut: { OutboundHTTPError(message: "timed out \($0)") })
                    }
                }
            }
        }
        try connection.write(Array("GET / HTTP/1.1\r\nHost: test\r\n\r\n".utf8), deadline: .now + .seconds(4))
        var buffer = [UInt8](repeating: 0, count: 256)
        guard case .bytes(let count) = try connection.read(into: &buffer, deadline: .now + .seconds(4)) else {
            Issue.record("the answering server sent nothing")
            return
        }
        #expect(String(decoding: buffer[..<count], as: UTF8.self).hasSuffix("\r\n\r\nok"))
    }

    @Test("a refused connection is an error naming the address")
    func refused() async throws {
        let (socket, port) = try OutboundTestServer.refusingPort()
        defer { close(socket) }
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await client.send(
                OutboundHTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeout: .seconds(5)))
        }
        #expect(error?.message == "cannot connect to 127.0.0.1:\(port): Connection refused")
    }

    @Test("an unresolvable name is an error naming it")
    func unresolvable() async throws {
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await client.send(OutboundHTTPRequest(method: "GET", url: "http://name.invalid/", timeout: .seconds(5)))
        }
        #expect(
            error?.message.hasPrefix("cannot resolve name.invalid") == true || error?.message.contains("within") == true
        )
    }

    @Test("a silent peer fails the request at its timeout")
    func silentPeer() async throws {
        let server = try OutboundTestServer(script: [.hold])
        defer { server.stop() }
        let started = ContinuousClock.now
        await expectFailure(server, timeout: .milliseconds(500), containing: "no complete response within")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a peer trickling its head a byte at a time is cut off at the deadline")
    func tricklingHead() async throws {
        let server = try OutboundTestServer(script: [
            .trickle("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", milliseconds: 100)
        ])
        defer { server.stop() }
        await expectFailure(server, timeout: .milliseconds(800), containing: "no complete response within")
        #expect(server.trickledBytes > 0)
    }

    @Test("a CR or LF in a caller's header value is refused before anything is sent (header injection)")
    func headerInjection() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])
        defer { server.stop() }
        for headers in [
            [("X-aws-ec2-metadata-token", "secret-token\r\nX-Injected: 1")], [("X-A", "a\nb")], [("Bad Name", "v")],
            [("Host", "elsewhere.example")], [("Transfer-Encoding", "chunked")], [("Content-Length", "5")],
        ] {
            let error = await #expect(throws: OutboundHTTPError.self) {
                try await client.send(
                    OutboundHTTPRequest(
                        method: "GET", url: "http://127.0.0.1:\(server.port)/", headers: headers, timeout: .seconds(5)))
            }
            #expect(error?.message.contains("secret-token") == false)
        }
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await client.send(
                OutboundHTTPRequest(
                    method: "GET\r\nX: 1", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5)))
        }
        #expect(error?.message.contains("method") == true)
        #expect(server.requests.allSatisfy { !$0.contains("X-Injected") })
    }

    @Test("URLs with credentials or other schemes are refused without quoting them")
    func refusedURLs() async throws {
        for url in ["http://user:hunter2@127.0.0.1:1/", "file:///etc/passwd", "ftp://127.0.0.1/"] {
            let error = await #expect(throws: OutboundHTTPError.self) {
                try await client.send(OutboundHTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
            }
            #expect(error?.message.contains("hunter2") == false)
        }
    }

    @Test("the host name 'localhost' is resolved and each address tried until one answers")
    func localhostResolves() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")])
        defer { server.stop() }
        // localhost may resolve to ::1 first, where nothing listens: the next address is tried.
        let response = try await client.send(
            OutboundHTTPRequest(method: "GET", url: "http://localhost:\(server.port)/", timeout: .seconds(5)))
        #expect(response.text == "hi")
        #expect(server.requests.first?.contains("\r\nHost: localhost:\(server.port)\r\n") == true)
    }
}
