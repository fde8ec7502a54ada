import Glibc
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: connections, keep-alive and pipelining")
    struct KeepAliveTests {
        static func router() -> Router {
            var router = Router()
            router.add(.get, "/hello") { request in
                .respond(
                    HTTPResponse(
                        status: .ok, headers: ["Content-Type": "text/plain"], body: Array("hello \(request.path)".utf8))
                )
            }
            router.add(.post, "/echo") { request in
                .respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: request.body))
            }
            router.add(.get, "/query") { request in
                let items = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
                return .respond(HTTPResponse(status: .ok, body: Array(items.utf8)))
            }
            return router
        }

        @Test("serves several requests on one HTTP/1.1 connection")
        func keepAlive() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                for _ in 0..<3 {
                    try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.text == "hello /hello")
                    #expect(response.header("Connection") == nil)
                }
            }
        }

        @Test("answers pipelined requests in order, from one write")
        func pipelining() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send(
                    "GET /hello HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET /query?a=1&b=x%20y HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "hello /hello")
                #expect(try client.readResponse().text == "abc")
                #expect(try client.readResponse().text == "a=1;b=x y")
            }
        }

        @Test("closes after a response when the client sends Connection: close")
        func connectionClose() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == "close")
                #expect(client.isClosedByServer())
            }
        }

        @Test("HTTP/1.0 closes by default and stays open with Connection: keep-alive")
        func http10() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let keep = try live.client()
                try keep.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let first = try keep.readResponse()
                #expect(first.header("Connection") == "keep-alive")
                try keep.send("GET /hello HTTP/1.0\r\n\r\n")
                let second = try keep.readResponse()
                #expect(second.header("Connection") == "close")
                #expect(keep.isClosedByServer())
            }
        }

        @Test("reads chunked request bodies")
        func chunked() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n")
                try await Task.sleep(for: .milliseconds(20))
                try client.send("5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "Wikipedia")
            }
        }

        @Test("answers a request whose client half-closed after sending it")
        func halfClose() async throws {
            try await LiveServer.with(router: Self.router()) { live in
                let client = try live.client()
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                client.shutdownWrite()
                #expect(try client.readResponse().status == 200)
                #expect(client.isClosedByServer())
            }
        }
    }
}

extension LiveTests.KeepAliveTests {
    @Test("a client pipelining many requests without reading still gets every answer, in order", .tags(.security))
    func pipelineFlood() async throws {
        var router = Router()
        router.add(.get, "/big") { request in
            var body = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
            body.append(contentsOf: Array((request.query ?? "").utf8))
            return .respond(HTTPResponse(status: .ok, body: body))
        }
        try await LiveServer.with(router: router) { live in
            let client = try live.client()
            let count = 60
            let requests = (0..<count).map { "GET /big?\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined()
            try client.send(requests)
            for index in 0..<count {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text.hasSuffix("x\(index)"))
            }
        }
    }
}

extension LiveTests.KeepAliveTests {
    @Test("new connections are spread over every event loop")
    func spread() async throws {
        var router = Router()
        router.add(.get, "/thread") { _ in
            .respond(
                HTTPResponse(status: .ok, body: Array(String(UInt(bitPattern: Int(bitPattern: pthread_self()))).utf8)))
        }
        var configuration = LiveServer.testConfiguration()
        configuration.eventLoopCount = 3
        try await LiveServer.with(configuration: configuration, router: router) { live in
            var names: [String] = []
            var clients: [TestClient] = []
            for _ in 0..<9 {
                let client = try live.client()
                try client.send("GET /thread HTTP/1.1\r\nHost: t\r\n\r\n")
                names.append(try client.readResponse().text)
                clients.append(client)
            }
            #expect(Set(names).count == 3)
            for name in Set(names) {
                #expect(names.filter { $0 == name }.count == 3)
            }
        }
    }
}
