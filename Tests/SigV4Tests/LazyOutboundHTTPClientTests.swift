import Synchronization
import Testing

@testable import SigV4

@Suite("Lazy outbound HTTP client")
struct LazyOutboundHTTPClientTests {
    final class Echo: OutboundHTTPClient {
        func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
            OutboundHTTPResponse(status: 200, body: Array(request.url.utf8))
        }
    }

    @Test("builds the real client only when the first request is sent, and only once under concurrent sends")
    func buildsOnceOnFirstUse() async throws {
        let builds = Atomic<Int>(0)
        let lazy = LazyOutboundHTTPClient {
            builds.add(1, ordering: .relaxed)
            return Echo()
        }
        #expect(!lazy.isBuilt)
        #expect(builds.load(ordering: .relaxed) == 0)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask {
                    try await lazy.send(
                        OutboundHTTPRequest(method: "GET", url: "http://x/\(index)", timeout: .seconds(1))
                    )
                    .text
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(bodies == Set((0..<32).map { "http://x/\($0)" }))
        #expect(lazy.isBuilt)
        #expect(builds.load(ordering: .relaxed) == 1)
    }
}
