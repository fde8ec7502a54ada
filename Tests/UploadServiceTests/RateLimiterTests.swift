import Testing

@testable import UploadService

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("allows a burst of the per-minute budget, then answers with the seconds until the next token")
    func burstThenLimit() {
        let limiter = RateLimiter(perMinute: 6)
        for _ in 0..<6 { #expect(limiter.acquire(key: "alice", now: .zero) == .allowed) }
        #expect(limiter.acquire(key: "alice", now: .zero) == .limited(retryAfterSeconds: 10))
        #expect(limiter.acquire(key: "alice", now: .seconds(4)) == .limited(retryAfterSeconds: 6))
        #expect(limiter.acquire(key: "alice", now: .seconds(10)) == .allowed)
        #expect(limiter.acquire(key: "alice", now: .seconds(10)) == .limited(retryAfterSeconds: 10))
    }

    @Test("each user has an own bucket")
    func perKey() {
        let limiter = RateLimiter(perMinute: 1)
        #expect(limiter.acquire(key: "alice", now: .zero) == .allowed)
        #expect(limiter.acquire(key: "alice", now: .zero) != .allowed)
        #expect(limiter.acquire(key: "bob", now: .zero) == .allowed)
    }

    @Test("refills to the budget and no further")
    func refillCap() {
        let limiter = RateLimiter(perMinute: 2)
        #expect(limiter.acquire(key: "a", now: .zero) == .allowed)
        #expect(limiter.acquire(key: "a", now: .seconds(3600)) == .allowed)
        #expect(limiter.acquire(key: "a", now: .seconds(3600)) == .allowed)
        #expect(limiter.acquire(key: "a", now: .seconds(3600)) == .limited(retryAfterSeconds: 30))
    }

    @Test("zero disables limiting")
    func disabled() {
        let limiter = RateLimiter(perMinute: 0)
        for _ in 0..<1000 { #expect(limiter.acquire(key: "a", now: .zero) == .allowed) }
    }

    @Test("memory stays bounded: idle full buckets are dropped when the key limit is reached")
    func bounded() {
        let limiter = RateLimiter(perMinute: 60, maximumKeys: 100)
        for index in 0..<1000 { _ = limiter.acquire(key: "user\(index)", now: .seconds(Int64(index))) }
        #expect(limiter.trackedKeys <= 100)
    }
}
