import Foundation
import SigV4
import Synchronization
import Testing

/// A provider handing out credentials that expire one hour after the (manual) clock's now, each with
/// a new key id; fails while `failuresLeft` > 0; records when it was called.
final class ScriptedProvider: CredentialsProvider {
    let name = "scripted"
    let clock: ManualClock
    private let state = Mutex((calls: [Date](), failuresLeft: 0, lifetime: 3600.0))

    init(clock: ManualClock, failures: Int = 0, lifetime: Double = 3600) {
        self.clock = clock
        state.withLock {
            $0.failuresLeft = failures
            $0.lifetime = lifetime
        }
    }

    func fetchCredentials() async throws -> AWSCredentials {
        let now = clock.now()
        let (count, fail, lifetime) = state.withLock { state -> (Int, Bool, Double) in
            state.calls.append(now)
            let fail = state.failuresLeft > 0
            if fail { state.failuresLeft -= 1 }
            return (state.calls.count, fail, state.lifetime)
        }
        if fail { throw TestEnvironmentError("endpoint unreachable (call \(count))") }
        return AWSCredentials(
            accessKeyID: "ASIA\(count)", secretAccessKey: "secret\(count)", sessionToken: "token\(count)",
            expiration: now.addingTimeInterval(lifetime))
    }

    var calls: [Date] { state.withLock { $0.calls } }
    func fail(times: Int) { state.withLock { $0.failuresLeft = times } }
}

/// Sleeps that move the manual clock: the first `immediate` return at once (after advancing the
/// clock), the next one parks until cancelled and tells the test it parked.
actor SleepScript {
    private var immediate: Int
    private let clock: ManualClock
    private(set) var durations: [Double] = []
    private var parked = false
    private var parkWaiters: [CheckedContinuation<Void, Never>] = []

    init(clock: ManualClock, immediate: Int) {
        self.clock = clock
        self.immediate = immediate
    }

    func sleep(_ duration: Duration) async throws {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        durations.append(seconds)
        if immediate > 0 {
            immediate -= 1
            clock.advance(by: seconds)
            return
        }
        parked = true
        for waiter in parkWaiters { waiter.resume() }
        parkWaiters.removeAll()
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    func waitUntilParked() async {
        if parked { return }
        await withCheckedContinuation { parkWaiters.append($0) }
    }
}

@Suite("Refreshing credentials")
struct RefreshingCredentialsTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("start fetches once; the refresh is scheduled inside 5–15 minutes before expiry")
    func schedulesBeforeExpiry() async throws {
        let clock = ManualClock(Self.start)
        let script = SleepScript(clock: clock, immediate: 0)
        let holder = RefreshingCredentials(
            provider: ScriptedProvider(clock: clock), now: { clock.now() }, sleep: { try await script.sleep($0) },
            random: { 0.5 })
        try await holder.start()
        defer { holder.stop() }
        #expect(holder.current()?.accessKeyID == "ASIA1")
        #expect(holder.refreshCount == 1)
        #expect(holder.nextRefresh == Self.start.addingTimeInterval(3600 - 600))
        await script.waitUntilParked()
        #expect(await script.durations == [3000])
    }

    @Test("the background task refreshes before each expiry, so current() is never empty")
    func refreshesInBackground() async throws {
        let clock = ManualClock(Self.start)
        let provider = ScriptedProvider(clock: clock)
        let script = SleepScript(clock: clock, immediate: 3)
        let holder = RefreshingCredentials(
            provider: provider, now: { clock.now() }, sleep: { try await script.sleep($0) }, random: { 1.0 })
        try await holder.start()
        await script.waitUntilParked()
        holder.stop()
        #expect(holder.refreshCount == 4)
        #expect(holder.current()?.accessKeyID == "ASIA4")
        let calls = provider.calls
        for (previous, next) in zip(calls, calls.dropFirst()) {
            // Each refresh happened 15 minutes (random 1.0 → the far end of the lead) before the
            // previous credentials expired.
            #expect(next == previous.addingTimeInterval(3600 - 900))
        }
    }

    @Test("a failed refresh is retried with exponential backoff while the old credentials stay in use")
    func retriesWithBackoff() async throws {
        let clock = ManualClock(Self.start)
        let provider = ScriptedProvider(clock: clock)
        let script = SleepScript(clock: clock, immediate: 4)
        let holder = RefreshingCredentials(
            provider: provider, now: { clock.now() }, sleep: { try await script.sleep($0) }, random: { 1.0 })
        try await holder.start()
        provider.fail(times: 3)
        await script.waitUntilParked()
        holder.stop()
        // One sleep to the refresh point, then 1 s, 2 s, 4 s between the failed attempts.
        #expect(await script.durations.prefix(4) == [2700, 1, 2, 4])
        #expect(holder.refreshCount == 2)
        #expect(holder.lastError == nil)
        #expect(holder.current()?.accessKeyID == "ASIA5")
    }

    @Test("while a refresh is in flight, current() answers at once with the credentials in hand")
    func currentNeverWaits() async throws {
        let clock = ManualClock(Self.start)
        let gate = Gate()
        let provider = GatedProvider(clock: clock, gate: gate)
        let holder = RefreshingCredentials(
            provider: provider, now: { clock.now() }, sleep: { _ in try await Task.sleep(for: .seconds(3600)) },
            random: { 0.5 })
        try await holder.start()
        defer { holder.stop() }
        let refresh = Task { try await holder.refreshNow() }
        await gate.waitUntilEntered()
        #expect(holder.current()?.accessKeyID == "ASIA-first")
        await gate.open()
        #expect(try await refresh.value.accessKeyID == "ASIA-second")
        #expect(holder.current()?.accessKeyID == "ASIA-second")
    }

    @Test("expired credentials are not handed out when every refresh failed")
    func expiredAreNotHandedOut() async throws {
        let clock = ManualClock(Self.start)
        let provider = ScriptedProvider(clock: clock)
        let holder = RefreshingCredentials(
            provider: provider, now: { clock.now() }, sleep: { _ in try await Task.sleep(for: .seconds(3600)) },
            random: { 0.5 })
        try await holder.start()
        defer { holder.stop() }
        provider.fail(times: 1)
        clock.advance(by: 3599)
        await #expect(throws: TestEnvironmentError.self) { try await holder.refreshNow() }
        #expect(holder.current()?.accessKeyID == "ASIA1")
        #expect(holder.lastError == "endpoint unreachable (call 2)")
        clock.advance(by: 1)
        #expect(holder.current() == nil)
    }

    @Test("a failed start throws, then the background task keeps trying until credentials arrive")
    func failedStartRecovers() async throws {
        let clock = ManualClock(Self.start)
        let provider = ScriptedProvider(clock: clock, failures: 2)
        let script = SleepScript(clock: clock, immediate: 2)
        let holder = RefreshingCredentials(
            provider: provider, now: { clock.now() }, sleep: { try await script.sleep($0) }, random: { 0.0 })
        await #expect(throws: TestEnvironmentError.self) { try await holder.start() }
        await script.waitUntilParked()
        holder.stop()
        #expect(holder.current()?.accessKeyID == "ASIA3")
        #expect(await script.durations.prefix(2) == [0.5, 1])
    }

    @Test("long-term credentials are fetched once and never refreshed")
    func staticCredentials() async throws {
        let holder = RefreshingCredentials(
            provider: EnvironmentCredentialsProvider(environment: [
                "AWS_ACCESS_KEY_ID": "AKIASTATIC", "AWS_SECRET_ACCESS_KEY": "s",
            ]))
        try await holder.start()
        defer { holder.stop() }
        #expect(holder.current()?.accessKeyID == "AKIASTATIC")
        #expect(holder.nextRefresh == nil)
    }
}

/// Lets a test hold a fetch in flight.
actor Gate {
    private var entered = false
    private var isOpen = false
    private var enteredWaiters: [CheckedContinuation<Void, Never>] = []
    private var openWaiters: [CheckedContinuation<Void, Never>] = []

    func enterAndWait() async {
        entered = true
        for waiter in enteredWaiters { waiter.resume() }
        enteredWaiters.removeAll()
        if isOpen { return }
        await withCheckedContinuation { openWaiters.append($0) }
    }

    func waitUntilEntered() async {
        if entered { return }
        await withCheckedContinuation { enteredWaiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in openWaiters { waiter.resume() }
        openWaiters.removeAll()
    }
}

final class GatedProvider: CredentialsProvider {
    let name = "gated"
    let clock: ManualClock
    let gate: Gate
    private let calls = Mutex(0)

    init(clock: ManualClock, gate: Gate) {
        self.clock = clock
        self.gate = gate
    }

    func fetchCredentials() async throws -> AWSCredentials {
        let call = calls.withLock { calls -> Int in
            calls += 1
            return calls
        }
        if call > 1 { await gate.enterAndWait() }
        return AWSCredentials(
            accessKeyID: call == 1 ? "ASIA-first" : "ASIA-second", secretAccessKey: "s", sessionToken: "t",
            expiration: clock.now().addingTimeInterval(3600))
    }
}
