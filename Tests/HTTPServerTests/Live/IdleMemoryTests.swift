import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: idle keep-alive connections give their buffers back")
    struct IdleMemoryTests {
        @Test("a keep-alive connection that gave its buffers back while idle serves its next requests, pipelined too")
        func servesAfterRelease() async throws {
            var router = Router()
            router.add(.get, "/hello") { request in
                .respond(HTTPResponse(status: .ok, body: Array("hello \(request.path)".utf8)))
            }
            try await LiveServer.with(router: router) { live in
                let client = try live.client()
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "hello /hello")
                let released = await live.eventually { live.server.idleBufferReleases > 0 }
                #expect(released, "the idle connection never gave its buffers back")
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello?2 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "hello /hello")
                #expect(try client.readResponse().text == "hello /hello")
                #expect(live.server.openConnectionCount == 1)
            }
        }
    }
}
