package import FoundationEssentials
import Glibc
import Synchronization

/// Holds the signing credentials and refreshes temporary ones in the background before they expire.
///
/// `current()` only reads a `Mutex`-guarded value: a request never waits on a refresh while valid
/// credentials are in hand. The refresh runs `refreshLead` before expiry (a random point in
/// 5…15 minutes by default, so a fleet does not hit STS or IMDS at once), or halfway through the
/// remaining lifetime for short-lived credentials; a failed refresh is retried with exponential
/// backoff and jitter, and the old credentials stay in use until they really expire.
package final class RefreshingCredentials: Sendable {
    /// When to refresh and how to retry.
    package struct Policy: Sendable, Equatable {
        /// The refresh happens a random time in this window before expiry (seconds).
        package var refreshLead: ClosedRange<Double>
        /// The first retry delay after a failure (seconds); doubles per failure.
        package var retryInitialDelay: Double
        /// The longest retry delay (seconds).
        package var retryMaximumDelay: Double
        /// Never refresh more often than this (seconds), even if the provider hands back
        /// credentials that are already inside the refresh window.
        package var minimumInterval: Double

        /// The defaults: refresh 5–15 minutes before expiry, retry after 1 s up to 60 s.
        package init(
            refreshLead: ClosedRange<Double> = 300...900, retryInitialDelay: Double = 1, retryMaximumDelay: Double = 60,
            minimumInterval: Double = 10
        ) {
            self.refreshLead = refreshLead
            self.retryInitialDelay = retryInitialDelay
            self.retryMaximumDelay = retryMaximumDelay
            self.minimumInterval = minimumInterval
        }
    }

    private struct State {
        var credentials: AWSCredentials?
        var refreshCount = 0
        var consecutiveFailures = 0
        var lastError: String?
        var nextRefresh: Date?
        var task: Task<Void, Never>?
        var stopped = false
    }

    private let provider: any CredentialsProvider
    private let now: @Sendable () -> Date
    private let policy: Policy
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable () -> Double
    private let state = Mutex(State())

    /// A holder over `provider`.
    ///
    /// - Parameters:
    ///   - now: the clock.
    ///   - sleep: waits for a duration; throws when cancelled (tests drive time through it).
    ///   - random: a number in 0…1 for jitter.
    package init(
        provider: any CredentialsProvider, now: @escaping @Sendable () -> Date = Date.init, policy: Policy = Policy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.provider = provider
        self.now = now
        self.policy = policy
        self.sleep = sleep
        self.random = random
    }

    /// Fetches the first credentials and starts the background refresh. If the first fetch fails the
    /// error is thrown and the background task keeps retrying with backoff (readiness stays false
    /// until `current()` has credentials).
    package func start() async throws {
        var firstError: (any Error)? = nil
        do {
            _ = try await refreshNow()
        } catch {
            firstError = error
        }
        let task = Task { [self] in await runLoop() }
        let stale = state.withLock { state -> Task<Void, Never>? in
            if state.stopped { return task }
            let previous = state.task
            state.task = task
            return previous
        }
        stale?.cancel()
        if let firstError { throw firstError }
    }

    /// The credentials if they are still valid now; never waits.
    package func current() -> AWSCredentials? {
        let at = now()
        return state.withLock { state in
            guard let credentials = state.credentials else { return nil }
            if let expiration = credentials.expiration, expiration <= at { return nil }
            return credentials
        }
    }

    /// How many fetches succeeded (the first one included).
    package var refreshCount: Int { state.withLock { $0.refreshCount } }

    /// The last fetch error's message, cleared by a success.
    package var lastError: String? { state.withLock { $0.lastError } }

    /// When the background task will refresh next; nil for credentials that do not expire.
    package var nextRefresh: Date? { state.withLock { $0.nextRefresh } }

    /// Stops the background refresh.
    package func stop() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
    }

    /// Fetches now, stores the result and schedules the next refresh; on failure schedules a retry
    /// and rethrows (the previous credentials stay).
    @discardableResult
    package func refreshNow() async throws -> AWSCredentials {
        do {
            let credentials = try await provider.fetchCredentials()
            let at = now()
            let next = nextRefreshTime(for: credentials, at: at)
            state.withLock { state in
                state.credentials = credentials
                state.refreshCount += 1
                state.consecutiveFailures = 0
                state.lastError = nil
                state.nextRefresh = next
            }
            return credentials
        } catch {
            let at = now()
            state.withLock { state in
                state.consecutiveFailures += 1
                state.lastError = "\(error)"
                let exponent = Double(min(state.consecutiveFailures - 1, 30))
                let delay = min(policy.retryMaximumDelay, policy.retryInitialDelay * pow(2, exponent))
                state.nextRefresh = at.addingTimeInterval(delay * (0.5 + 0.5 * random()))
            }
            throw error
        }
    }

    private func nextRefreshTime(for credentials: AWSCredentials, at: Date) -> Date? {
        guard let expiration = credentials.expiration else { return nil }
        let lead =
            policy.refreshLead.lowerBound + (policy.refreshLead.upperBound - policy.refreshLead.lowerBound) * random()
        let remaining = expiration.timeIntervalSince(at)
        let wait = max(remaining - lead, remaining / 2, policy.minimumInterval)
        return at.addingTimeInterval(wait)
    }

    private func runLoop() async {
        while !Task.isCancelled {
            guard let next = state.withLock({ $0.stopped ? nil : $0.nextRefresh }) else { return }
            let delay = next.timeIntervalSince(now())
            if delay > 0 {
                do {
                    try await sleep(.milliseconds(Int64((delay * 1000).rounded(.up))))
                } catch {
                    return
                }
            }
            if Task.isCancelled { return }
            _ = try? await refreshNow()
        }
    }
}
