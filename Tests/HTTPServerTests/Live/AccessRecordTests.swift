import Synchronization
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: access records")
    struct AccessRecordTests {
        @Test("every route's access record carries all X-Forwarded-For lines, in order, for the app to judge")
        func forwardedForOnEveryRoute() async throws {
            var router = Router()
            router.add(.get, "/hello") { _ in .respond(HTTPResponse(status: .ok, body: Array("hi".utf8))) }
            try await LiveServer.with(router: router) { live in
                let client = try live.client()
                // A route, a 404 and a 405: the server, not each handler, fills the record.
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                try client.send(
                    "GET /missing HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.1\r\n"
                        + "X-Forwarded-For: 10.0.0.7, 10.0.0.8\r\n\r\n")
                #expect(try client.readResponse().status == 404)
                try client.send("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
                #expect(try client.readResponse().status == 405)
                let forwarded = live.log.records.withLock { $0.map(\.forwardedFor) }
                #expect(forwarded == ["203.0.113.9", "198.51.100.1,10.0.0.7, 10.0.0.8", nil])
            }
        }
    }
}
