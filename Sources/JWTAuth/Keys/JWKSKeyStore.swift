package import FoundationEssentials
import Synchronization

/// The RS256 verification keys, read from an injected `JWKSSource` and kept current the way
/// aws-jwt-verify does it, and stricter:
/// - `load()` at start-up; nothing verifies until a JWKS has loaded (readiness waits for it);
/// - a token with an unknown `kid` causes one refetch shared by every concurrent caller (single
///   flight), after which no unknown-`kid` refetch starts for `unknownKeyCooldown`, so a flood of
///   made-up `kid`s costs at most one fetch per cooldown;
/// - `startPeriodicRefresh()` refetches every `refreshInterval`, retrying sooner with exponential
///   backoff after a failure;
/// - a failed fetch or an unusable document keeps the last good keys; a key that leaves the
///   JWKS stops verifying at the next successful fetch.
package final class JWKSKeyStore: Sendable {
    /// Counters for `/metrics`. Every field only grows.
    package struct Metrics: Sendable, Equatable {
        /// Fetch attempts (file reads or fetcher calls).
        package var fetches = 0
        /// Fetches whose document was installed.
        package var refreshes = 0
        /// Fetches that failed or returned an unusable document.
        package var failures = 0
        /// Fetches started because a token named an unknown `kid`.
        package var unknownKeyRefetches = 0
        /// Unknown-`kid` refetches not started because of the cooldown.
        package var unknownKeyRefetchesSuppressed = 0

        /// Counters with the given values (all zero by default).
        package init(
            fetches: Int = 0, refreshes: Int = 0, failures: Int = 0, unknownKeyRefetches: Int = 0,
            unknownKeyRefetchesSuppressed: Int = 0
        ) {
            self.fetches = fetches
            self.refreshes = refreshes
            self.failures = failures
            self.unknownKeyRefetches = unknownKeyRefetches
            self.unknownKeyRefetchesSuppressed = unknownKeyRefetchesSuppressed
        }
    }

    private typealias Flight = Task<Result<Void, JWKSError>, Never>
    /// A parsed document and the serial the next new key gets, or why it is unusable.
    private typealias Parsed = Result<(KeySet, UInt64), JWKSError>

    private struct State: Sendable {
        var keys: KeySet?
        var inFlight: (id: UInt64, task: Flight)?
        var flightCount: UInt64 = 0
        var lastUnknownKeyFetch: Date?
        var lastRefreshError: JWKSError?
        var lastSuccessfulRefresh: Date?
        var metrics = Metrics()
        var periodicTask: Task<Void, Never>?
        var nextSerial: UInt64 = 0
        var generation: UInt64 = 0
    }

    private let source: JWKSSource
    /// Time between periodic refreshes.
    package let refreshInterval: Duration
    /// Minimum time between two refetches caused by unknown `kid`s.
    package let unknownKeyCooldown: Duration
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let state = Mutex(State())

    /// A store reading `source`. `now` drives the cooldown; `sleep` paces the periodic refresh
    /// (tests inject both).
    package init(
        source: JWKSSource,
        refreshInterval: Duration = .seconds(3600),
        unknownKeyCooldown: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.source = source
        self.refreshInterval = refreshInterval
        self.unknownKeyCooldown = unknownKeyCooldown
        self.now = now
        self.sleep = sleep
    }

    deinit {
        state.withLock { $0.periodicTask?.cancel() }
    }

    // MARK: - State for readiness and metrics

    /// Whether a JWKS has been loaded (the server is not ready before).
    package var isLoaded: Bool { state.withLock { $0.keys != nil } }

    /// Why the latest fetch failed; nil once a fetch succeeds again.
    package var lastRefreshError: JWKSError? { state.withLock { $0.lastRefreshError } }

    /// When the current keys were installed.
    package var lastSuccessfulRefresh: Date? { state.withLock { $0.lastSuccessfulRefresh } }

    /// The counters.
    package var metrics: Metrics { state.withLock { $0.metrics } }

    /// The `kid`s of the keys that may verify, sorted.
    package var usableKeyIDs: [String] {
        guard let keys = currentKeys else { return [] }
        return keys.entries.keys.filter { keys.serial(for: $0) != nil }.sorted()
    }

    /// The current snapshot, nil before the first successful load.
    var currentKeys: KeySet? { state.withLock { $0.keys } }

    // MARK: - Fetching

    /// Loads the JWKS (joining a fetch already in flight). Throws if it cannot be fetched or has
    /// no usable key; the previous keys, if any, stay in use.
    package func load() async throws(JWKSError) {
        let flight = state.withLock { startOrJoinFetch(&$0) }
        try await flight.value.get()
    }

    /// Fetches again because a token named `keyID` (nil: because no keys are loaded), unless the
    /// cooldown since the last such fetch has not passed. Joins a fetch already in flight.
    /// Returns whether the store now has an entry for `keyID` (or any keys, for nil).
    @discardableResult
    func refreshForUnknownKey(_ keyID: String?) async -> Bool {
        func known(_ state: State) -> Bool {
            guard let keys = state.keys else { return false }
            guard let keyID else { return true }
            return keys.entries[keyID] != nil
        }
        let currentTime = now()
        let flight: Flight? = state.withLock { state in
            if known(state) { return nil }
            if let inFlight = state.inFlight { return inFlight.task }
            if let last = state.lastUnknownKeyFetch,
                currentTime < last.addingTimeInterval(unknownKeyCooldown.timeInterval)
            {
                state.metrics.unknownKeyRefetchesSuppressed += 1
                return nil
            }
            state.lastUnknownKeyFetch = currentTime
            state.metrics.unknownKeyRefetches += 1
            return startOrJoinFetch(&state)
        }
        if let flight { _ = await flight.value }
        return state.withLock { known($0) }
    }

    private func startOrJoinFetch(_ state: inout State) -> Flight {
        if let inFlight = state.inFlight { return inFlight.task }
        state.flightCount += 1
        let id = state.flightCount
        let previous = state.keys
        let task = Flight { await self.fetchAndInstall(flightID: id, previous: previous) }
        state.inFlight = (id, task)
        return task
    }

    /// Installs a JWKS document the caller already holds, synchronously, as a fetch would (same
    /// checks, same counters). For sources that need no I/O (local mode's built-in identity
    /// provider, a JWKS file), so the service is ready the moment it listens.
    package func install(document: [UInt8]) throws(JWKSError) {
        let (firstSerial, previous) = state.withLock { state in
            state.metrics.fetches += 1
            return (state.nextSerial, state.keys)
        }
        try install(parse(document, previous: previous, firstSerial: firstSerial), flightID: nil).get()
    }

    private func fetchAndInstall(flightID: UInt64, previous: KeySet?) async -> Result<Void, JWKSError> {
        let firstSerial = state.withLock { state in
            state.metrics.fetches += 1
            return state.nextSerial
        }
        let parsed: Parsed
        do throws(JWKSError) {
            parsed = parse(try await fetchDocument(), previous: previous, firstSerial: firstSerial)
        } catch {
            parsed = .failure(error)
        }
        return install(parsed, flightID: flightID)
    }

    private func parse(_ document: [UInt8], previous: KeySet?, firstSerial: UInt64) -> Parsed {
        var nextSerial = firstSerial
        do throws(JWKSError) {
            let keys = try KeySet.parse(document, previous: previous, generation: 0, nextSerial: &nextSerial)
            guard keys.usableCount > 0 else { throw JWKSError("the JWKS has no key that may verify RS256") }
            return .success((keys, nextSerial))
        } catch {
            return .failure(error)
        }
    }

    private func install(_ parsed: Parsed, flightID: UInt64?) -> Result<Void, JWKSError> {
        let installedAt = now()
        return state.withLock { state in
            if let flightID, state.inFlight?.id == flightID { state.inFlight = nil }
            switch parsed {
            case .success(let (keys, nextSerial)):
                state.generation += 1
                state.nextSerial = nextSerial
                state.keys = KeySet(entries: keys.entries, generation: state.generation)
                state.lastRefreshError = nil
                state.lastSuccessfulRefresh = installedAt
                state.metrics.refreshes += 1
                return .success(())
            case .failure(let error):
                state.lastRefreshError = error
                state.metrics.failures += 1
                return .failure(error)
            }
        }
    }

    private func fetchDocument() async throws(JWKSError) -> [UInt8] {
        switch source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JWKSError("cannot read the JWKS file \(path)")
            }
            return Array(data)
        case .fetcher(let fetch):
            do {
                return try await fetch()
            } catch {
                throw JWKSError("fetching the JWKS failed: \(error)")
            }
        }
    }

    // MARK: - Periodic refresh

    /// Starts refreshing every `refreshInterval` (after a failure: 5 s, 10 s, 20 s … up to the
    /// interval or 5 minutes), until `stop()`. Calling it again returns the running task.
    @discardableResult
    package func startPeriodicRefresh() -> Task<Void, Never> {
        state.withLock { state in
            if let task = state.periodicTask { return task }
            // Holds the store weakly while sleeping, so a store nobody uses any more is freed
            // (its deinit cancels this task) rather than kept alive by its own refresh loop.
            let task = Task { [weak self, sleep, refreshInterval] in
                // Not loaded yet (the start-up load failed): retry on the backoff schedule.
                var failures = self?.isLoaded == false ? 1 : 0
                while !Task.isCancelled {
                    do {
                        try await sleep(
                            Self.delayBeforeNextRefresh(consecutiveFailures: failures, refreshInterval: refreshInterval)
                        )
                    } catch {
                        return
                    }
                    guard !Task.isCancelled, let store = self else { return }
                    do {
                        try await store.load()
                        failures = 0
                    } catch {
                        failures += 1
                    }
                }
            }
            state.periodicTask = task
            return task
        }
    }

    /// Stops the periodic refresh.
    package func stop() {
        state.withLock { state in
            state.periodicTask?.cancel()
            state.periodicTask = nil
        }
    }

    /// The wait before the next periodic refresh: the full interval after a success; after
    /// `consecutiveFailures` failures, 5 s doubling each time, never above the interval or 5 min.
    package static func delayBeforeNextRefresh(consecutiveFailures: Int, refreshInterval: Duration) -> Duration {
        guard consecutiveFailures > 0 else { return refreshInterval }
        let backoff = Duration.seconds(5) * (1 << min(consecutiveFailures - 1, 16))
        return min(backoff, refreshInterval, .seconds(300))
    }
}
