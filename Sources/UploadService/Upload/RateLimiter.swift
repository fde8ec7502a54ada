import Synchronization

/// A token bucket per key (the caller's `sub`): `perMinute` requests in a burst, refilled
/// continuously at `perMinute` per minute. Time is passed in, so tests drive it exactly.
package final class RateLimiter: Sendable {
    /// The answer for one request.
    package enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the bucket has a token again after this many whole seconds.
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Duration
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var lastSweep: Duration = .zero
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let maximumKeys: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - perMinute: requests per minute per key; 0 disables limiting.
    ///   - maximumKeys: buckets kept before full (idle) ones are dropped, bounding memory.
    package init(perMinute: Int, maximumKeys: Int = 100_000) {
        self.capacity = Double(perMinute)
        self.refillPerSecond = Double(perMinute) / 60
        self.maximumKeys = maximumKeys
    }

    /// Takes one token from `key`'s bucket at time `now` (any monotonic time since a fixed origin).
    package func acquire(key: String, now: Duration) -> Decision {
        guard capacity > 0 else { return .allowed }
        return state.withLock { state in
            if state.buckets.count >= maximumKeys { sweep(&state, now: now) }
            var bucket = state.buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = max(0, seconds(now - bucket.updated))
            bucket.tokens = min(capacity, bucket.tokens + elapsed * refillPerSecond)
            bucket.updated = max(bucket.updated, now)
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                state.buckets[key] = bucket
                return .allowed
            }
            state.buckets[key] = bucket
            let wait = (1 - bucket.tokens) / refillPerSecond
            return .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
        }
    }

    /// How many keys hold a bucket (for tests of the memory bound).
    package var trackedKeys: Int { state.withLock { $0.buckets.count } }

    private func sweep(_ state: inout State, now: Duration) {
        // A bucket that has refilled completely carries no information: forget it.
        state.buckets = state.buckets.filter { _, bucket in
            bucket.tokens + max(0, seconds(now - bucket.updated)) * refillPerSecond < capacity
        }
        if state.buckets.count >= maximumKeys { state.buckets.removeAll() }
        state.lastSweep = now
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
