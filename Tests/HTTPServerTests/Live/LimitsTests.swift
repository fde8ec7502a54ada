import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: limits, methods and 100-continue", .tags(.security))
    struct LimitsTests {
        static func configuration() -> HTTPServerConfiguration {
            var configuration = LiveServer.testConfiguration()
            configuration.maxRequestLineBytes = 200
            configuration.maxHeaderBytes = 1000
            configuration.maxHeaderCount = 10
            configuration.defaultBodyLimit = 100
            return configuration
        }

        static func router() -> Router {
            var router = Router()
            router.add(.get, "/thing") { _ in
                .respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("thing".utf8)))
            }
            router.add(.post, "/thing") { request in .respond(HTTPResponse(status: .created, body: request.body)) }
            router.add(.put, "/big", bodyLimit: 1000) { request in
                .respond(HTTPResponse(status: .ok, body: Array("\(request.body.count)".utf8)))
            }
            return router
        }

        @Test("wrong method on a known path is 405 with Allow, and the connection stays usable")
        func methodNotAllowed() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("DELETE /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 405)
                #expect(response.header("Allow") == "GET, HEAD, POST")
                #expect(response.header("Content-Type") == "application/json")
                #expect(response.text.contains("\"code\":\"method_not_allowed\""))
                try client.send("GET /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "thing")
            }
        }

        @Test("unknown method is 501 and unknown path 404")
        func unknownMethodAndPath() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("BREW /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 501)
                #expect(
                    response.text
                        == #"{"error":"This server does not implement the request method.","code":"method_not_implemented"}"#
                )
                #expect(client.isClosedByServer())
                let other = try live.client()
                try other.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try other.readResponse().status == 404)
            }
        }

        @Test("HEAD on a GET route sends the same headers and no body")
        func head() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\nGET /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                let head = try client.readResponse(bodyless: true)
                #expect(head.status == 200)
                #expect(head.header("Content-Length") == "5")
                #expect(head.header("Content-Type") == "text/plain")
                // The next bytes are the GET's response: HEAD sent no body.
                #expect(try client.readResponse().text == "thing")
            }
        }

        @Test("request line over the limit is 414")
        func requestLineTooLong() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /" + String(repeating: "a", count: 300) + " HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 414)
                #expect(client.isClosedByServer())
            }
        }

        @Test("header block or header count over the limit is 431")
        func headersTooLarge() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let big = try live.client()
                try big.send(
                    "GET /thing HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 1200) + "\r\n\r\n")
                #expect(try big.readResponse().status == 431)
                let many = try live.client()
                let fields = (0..<12).map { "X-\($0): v\r\n" }.joined()
                try many.send("GET /thing HTTP/1.1\r\nHost: t\r\n" + fields + "\r\n")
                #expect(try many.readResponse().status == 431)
            }
        }

        @Test("body over the route's limit is 413 before the body is sent")
        func bodyTooLarge() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                // Only the head: the answer must come without the server waiting for 5000 bytes.
                try client.send("POST /thing HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 413)
                #expect(response.header("Connection") == "close")
                #expect(client.isClosedByServer())

                let route = try live.client()
                try route.send(
                    "PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n" + String(repeating: "x", count: 500))
                #expect(try route.readResponse().text == "500")
                try route.send("PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
                #expect(try route.readResponse().status == 413)
            }
        }

        @Test("chunked body growing over the limit is 413")
        func chunkedTooLarge() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("POST /thing HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                try client.send("40\r\n" + String(repeating: "a", count: 64) + "\r\n40\r\n")
                #expect(try client.readResponse().status == 413)
                #expect(client.isClosedByServer())
            }
        }

        @Test("Expect: 100-continue gets 100 when the route accepts the head, then the final answer")
        func continueAccepted() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send("POST /thing HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                let interim = try client.readResponse()
                #expect(interim.status == 100)
                try client.send("data")
                let final = try client.readResponse()
                #expect(final.status == 201)
                #expect(final.text == "data")
            }
        }

        @Test("Expect: 100-continue on a refused head gets the final status without 100, then close")
        func continueRejected() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let tooBig = try live.client()
                try tooBig.send(
                    "POST /thing HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n")
                #expect(try tooBig.readResponse().status == 413)
                #expect(tooBig.isClosedByServer())
                let missing = try live.client()
                try missing.send(
                    "PUT /missing HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
                #expect(try missing.readResponse().status == 404)
                #expect(missing.isClosedByServer())
            }
        }

        @Test("smuggling attempt: Content-Length with Transfer-Encoding is refused and the connection closed")
        func smuggling() async throws {
            try await LiveServer.with(configuration: Self.configuration(), router: Self.router()) { live in
                let client = try live.client()
                try client.send(
                    "POST /thing HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                        + "GET /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 400)
                #expect(response.text.contains("conflicting_framing"))
                // The smuggled GET must never be answered.
                #expect(client.readUntilClosed().isEmpty)
            }
        }

        @Test("beyond maxConnections new connections get 503 and are closed")
        func maxConnections() async throws {
            var configuration = Self.configuration()
            configuration.maxConnections = 2
            configuration.eventLoopCount = 1
            try await LiveServer.with(configuration: configuration, router: Self.router()) { live in
                let first = try live.client()
                let second = try live.client()
                for client in [first, second] {
                    try client.send("GET /thing HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                }
                let third = try live.client()
                let refused = try third.readResponse()
                #expect(refused.status == 503)
                #expect(third.isClosedByServer())
                #expect(await live.eventually { live.server.openConnectionCount == 2 })
            }
        }
    }
}
