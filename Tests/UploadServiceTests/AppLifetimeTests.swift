import HTTPServer
import JWTAuth
import Testing

@testable import UploadService

/// LeakSanitizer found every Application the suite started still allocated at exit: its HTTP
/// server, event-loop buffers, router, key store and metrics, 2.7 MB in 2,400 blocks. These tests
/// pin down that a stopped Application is freed.
@Suite("Application lifetime: a stopped Application is freed")
struct AppLifetimeTests {
    @Test("after shutdown, the Application, its HTTP server, metrics and key store are all deallocated")
    func stoppedApplicationIsFreed() async throws {
        weak var application: Application?
        weak var server: HTTPServer?
        weak var metrics: Metrics?
        weak var keyStore: JWKSKeyStore?
        do {
            let harness = try AppHarness()
            try await harness.waitUntilReady()
            #expect(try await harness.get("/metrics").status == 200)
            application = harness.application
            server = harness.application.server
            metrics = harness.application.metrics
            keyStore = harness.application.keyStore
            await harness.stop()
        }
        // Background tasks drop their references when they see the cancellation.
        #expect(await localEventually { application == nil }, "the Application outlived its last user")
        #expect(await localEventually { server == nil }, "the HTTP server is kept alive by a reference cycle")
        #expect(await localEventually { metrics == nil }, "the metrics registry is kept alive by a reference cycle")
        #expect(await localEventually { keyStore == nil }, "the key store is kept alive (its refresh task with it)")
    }
}
