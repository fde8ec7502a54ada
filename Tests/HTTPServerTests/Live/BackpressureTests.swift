import Foundation
import Synchronization
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: a client that does not read cannot make the server buffer without bound")
    struct BackpressureTests {
        @Test("pipelined requests wait while a large answer is unread, and are all answered once the client reads")
        func pipelinedRequestsWaitForTheReader() async throws {
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)  // 1 MiB per answer
            var router = Router()
            router.add(.get, "/big") { _ in .respond(HTTPResponse(status: .ok, body: body)) }
            var configuration = LiveServer.shortTimeouts()
            // Generous: under sanitizers or a loaded machine the reader can stall for seconds, and
            // this test is about buffering, not about the write timeout (TimeoutTests covers that).
            configuration.writeTimeout = .seconds(60)
            configuration.idleTimeout = .seconds(60)
            try await LiveServer.with(configuration: configuration, router: router) { live in
                let client = try live.client()
                let pipelined = 64
                try client.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: pipelined))
                try await Task.sleep(for: .milliseconds(500))
                // Without back-pressure all 64 answers (64 MiB) would be built and queued at once.
                // With it, only what the kernel's socket buffers absorb (256 KiB with the default send buffer) plus
                // one answer is produced. (The receive buffer is left at its default: shrinking it after
                // connect leaves TCP probing a zero window with exponential backoff.)
                let answered = live.log.records.withLock { $0.count }
                #expect(answered < 24, "answered \(answered) requests for a client that has read nothing")

                // A last request asks the server to close after answering, so everything can be read.
                try client.send("GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                let all = client.readUntilClosed()
                let statusLines =
                    String(decoding: all, as: UTF8.self).components(separatedBy: "HTTP/1.1 200 OK\r\n").count - 1
                #expect(statusLines == pipelined + 1)
                #expect(all.count > (pipelined + 1) * body.count)
                #expect(live.log.records.withLock { $0.count } == pipelined + 1)
            }
        }
    }
}
