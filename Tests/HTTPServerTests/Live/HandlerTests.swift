import Synchronization
import Testing

@testable import HTTPServer

/// An error that renders itself.
struct TeapotError: HTTPResponseError {
    func response(requestID: String) -> HTTPResponse {
        .jsonError(HTTPStatus(code: 418, reason: "I'm a teapot"), code: "teapot", message: "Short and stout.")
    }
}

/// An error that must never reach the client.
struct SecretError: Error {
    let detail = "database password is hunter2"
}

extension LiveTests {
    @Suite("Live server: handlers, errors and headers")
    struct HandlerTests {
        static func router() -> Router {
            var router = Router()
            router.add(.get, "/plain") { _ in
                var response = HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("p".utf8))
                response.logAttributes.user = "user-1"
                return .respond(response)
            }
            router.add(.get, "/id") { request in
                .respond(HTTPResponse(status: .ok, body: Array(request.requestID.utf8)))
            }
            router.add(.get, "/teapot") { _ in throw TeapotError() }
            router.add(.get, "/secret") { _ in throw SecretError() }
            router.add(.get, "/inject") { _ in
                .respond(HTTPResponse(status: .ok, headers: ["X-Evil": "a\r\nSet-Cookie: pwned=1"]))
            }
            router.add(.get, "/owned") { _ in
                .respond(
                    HTTPResponse(
                        status: .ok, headers: ["Content-Length": "999", "Connection": "close", "Date": "yesterday"],
                        body: Array("owned".utf8)))
            }
            router.add(.get, "/later") { request in
                .later {
                    try? await Task.sleep(for: .milliseconds(30))
                    return HTTPResponse(status: .ok, body: Array("later \(request.query ?? "")".utf8))
                }
            }
            router.add(.get, "/busy") { _ in
                // Work inside one loop iteration: the loop's cached clock does not move meanwhile.
                let start = ContinuousClock.now
                while ContinuousClock.now - start < .milliseconds(5) {}
                return .respond(HTTPResponse(status: .ok))
            }
            router.add(.get, "/remote") { request in
                .respond(HTTPResponse(status: .ok, body: Array(request.remoteAddress.utf8)))
            }
            return router
        }

        @Test("every response carries Date, nosniff, Referrer-Policy and a generated 32-hex request id")
        func securityHeaders() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
                let first = try client.readResponse()
                let second = try client.readResponse()
                for response in [first, second] {
                    #expect(response.header("X-Content-Type-Options") == "nosniff")
                    #expect(response.header("Referrer-Policy") == "no-referrer")
                    #expect(response.header("Date")?.hasSuffix(" GMT") == true)
                    #expect(response.header("Content-Security-Policy") == nil)
                    let id = try #require(response.header("X-Request-Id"))
                    #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
                }
                #expect(first.header("X-Request-Id") != second.header("X-Request-Id"))
            }
        }

        @Test("a sane client request id is kept; an unsafe one is replaced", .tags(.security))
        func requestID() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let sane = try Self.get(live, "/id", "X-Request-Id: abc.DEF_123-x\r\n")
                #expect(sane.header("X-Request-Id") == "abc.DEF_123-x")
                #expect(sane.text == "abc.DEF_123-x")
                for bad in ["has space", "quote\"", String(repeating: "a", count: 129), "<script>"] {
                    let response = try Self.get(live, "/id", "X-Request-Id: \(bad)\r\n")
                    #expect(response.header("X-Request-Id") != bad)
                    #expect(response.header("X-Request-Id")?.count == 32)
                }
            }
        }

        @Test("an HTTPResponseError renders itself")
        func responseError() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let response = try Self.get(live, "/teapot")
                #expect(response.status == 418)
                #expect(response.text == #"{"error":"Short and stout.","code":"teapot"}"#)
            }
        }

        @Test("any other thrown error is a bare 500 with no detail", .tags(.security))
        func unknownError() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let response = try Self.get(live, "/secret")
                #expect(response.status == 500)
                #expect(
                    response.text == #"{"error":"The server failed to answer this request.","code":"internal_error"}"#)
                #expect(!response.text.contains("hunter2"))
            }
        }

        @Test("a header value with CRLF becomes a 500 instead of a split response", .tags(.security))
        func headerInjection() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let response = try Self.get(live, "/inject")
                #expect(response.status == 500)
                #expect(response.header("Set-Cookie") == nil)
                #expect(response.header("X-Evil") == nil)
            }
        }

        @Test("the server owns framing headers: a handler cannot set Content-Length, Connection or Date")
        func serverOwnedHeaders() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /owned HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.headers("Content-Length") == ["5"])
                #expect(response.header("Connection") == nil)
                #expect(response.headers("Date").count == 1)
                #expect(response.text == "owned")
                try client.send("GET /owned HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }

        @Test(".later handlers answer off the loop, and pipelined requests behind them keep their order")
        func later() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send(
                    "GET /later?1 HTTP/1.1\r\nHost: t\r\n\r\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /later?3 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "later 1")
                #expect(try client.readResponse().text == "p")
                #expect(try client.readResponse().text == "later 3")
            }
        }

        @Test("handlers see the peer's address, and access records carry route, status and attributes")
        func accessRecords() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                #expect(try Self.get(live, "/remote").text == "127.0.0.1")
                _ = try Self.get(live, "/plain?token=secret")
                _ = try Self.get(live, "/nowhere")
                #expect(await live.eventually { live.log.records.withLock { $0.count } >= 3 })
                let records = live.log.records.withLock { $0 }
                let plain = try #require(records.first { $0.path == "/plain" })
                #expect(plain.route == "/plain")
                #expect(plain.status == 200)
                #expect(plain.bytesSent == 1)
                #expect(plain.attributes == HTTPLogAttributes(user: "user-1"))
                #expect(plain.remoteAddress == "127.0.0.1")
                #expect(records.allSatisfy { !$0.path.contains("secret") })
                let missing = try #require(records.first { $0.path == "/nowhere" })
                #expect(missing.route == "none")
                #expect(missing.status == 404)
            }
        }

        @Test("an access record's duration includes the handler's own work")
        func durationCountsHandlerWork() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                #expect(try Self.get(live, "/busy").status == 200)
                #expect(await live.eventually { live.log.records.withLock { $0.contains { $0.path == "/busy" } } })
                let record = try #require(live.log.records.withLock { $0.first { $0.path == "/busy" } })
                #expect(record.duration >= .milliseconds(5))
            }
        }

        static func get(_ live: LiveServer, _ path: String, _ headers: String = "") throws -> TestClient.Response {
            let client = try live.client()
            try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
            return try client.readResponse()
        }
    }
}
