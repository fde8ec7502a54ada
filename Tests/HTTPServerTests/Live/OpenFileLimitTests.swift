import Glibc
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: descriptors")
    struct OpenFileLimitTests {
        @Test("start-up raises the soft open-file limit towards maxConnections, within the hard limit")
        func raisesSoftLimit() async throws {
            var limit = rlimit()
            _ = unsafe getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            // Start from a low soft limit (2048: other suites run in parallel in this process) (the hard limit is left alone).
            var lowered = rlimit(rlim_cur: min(2048, limit.rlim_max), rlim_max: limit.rlim_max)
            _ = unsafe setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered)
            var configuration = LiveServer.shortTimeouts()
            configuration.maxConnections = 4000
            try await LiveServer.with(configuration: configuration, router: Router()) { _ in
                var after = rlimit()
                _ = unsafe getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &after)
                #expect(after.rlim_cur == min(limit.rlim_max, 4000 + 256))
                #expect(after.rlim_max == limit.rlim_max)
            }
            // Leave the test process as it was.
            _ = unsafe setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
