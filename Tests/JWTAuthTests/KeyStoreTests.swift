import Foundation
import JWTAuth
import Synchronization
import Testing

@Suite("JWKS key store: loading, rotation, cooldown, refresh")
struct KeyStoreTests {
    @Test("nothing verifies before the first load; verifyRefreshingKeys loads the keys first")
    func notReadyBeforeLoad() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source)
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        let token = TestKeys.primary.token(Cognito.idClaims())
        #expect(!store.isLoaded)
        expectRefused(token, .keysUnavailable, by: verifier)
        #expect(endpoint.fetches == 0)
        let verified = try await verifier.verifyRefreshingKeys(token, now: Cognito.now)
        #expect(verified.username == "alice")
        #expect(store.isLoaded)
        #expect(endpoint.fetches == 1)
    }

    @Test("load fails, saying why, when the fetch fails or the document is unusable")
    func loadFailures() async throws {
        let failing = FakeJWKSEndpoint([TestKeys.primary])
        failing.setFailing(true)
        for (source, expected) in [
            (failing.source, "fetching the JWKS failed"),
            (FakeJWKSEndpoint(document: "not json").source, "the document is not a JSON object"),
            (FakeJWKSEndpoint(document: #"{"keys":{}}"#).source, #"the document has no "keys" array"#),
            (FakeJWKSEndpoint(document: #"{"keys":[],"keys":[]}"#).source, "the document has a duplicate member name"),
            (FakeJWKSEndpoint([TestKeys.weak1024]).source, "the JWKS has no key that may verify RS256"),
            (FakeJWKSEndpoint([]).source, "the JWKS has no key that may verify RS256"),
            (JWKSSource.file(path: "/nonexistent/jwks.json"), "cannot read the JWKS file /nonexistent/jwks.json"),
            (
                FakeJWKSEndpoint(document: #"{"keys":[],"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#)
                    .source,
                "the document is larger than"
            ),
        ] {
            let store = JWKSKeyStore(source: source)
            do {
                try await store.load()
                Issue.record("loaded an unusable JWKS (\(expected))")
            } catch {
                #expect(error.message.hasPrefix(expected), "\(error)")
            }
            #expect(!store.isLoaded)
            #expect(store.lastRefreshError != nil)
            #expect(store.metrics.failures == 1)
        }
    }

    @Test("install(document:) makes keys usable at once, checks them like a fetch, keeps good keys on a bad one")
    func synchronousInstall() throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source)
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        let token = TestKeys.primary.token(Cognito.idClaims())
        try store.install(document: JWKSDocument(keys: [TestKeys.primary.jwk]).jsonBytes)
        #expect(store.isLoaded)
        #expect(try verifier.verify(token, now: Cognito.now).username == "alice")
        #expect(endpoint.fetches == 0)
        #expect(throws: JWKSError.self) { try store.install(document: Array("not json".utf8)) }
        let weak = JWKSDocument(keys: [TestKeys.weak1024.jwk]).jsonBytes
        #expect(throws: JWKSError.self) { try store.install(document: weak) }
        #expect(store.lastRefreshError != nil)
        #expect(try verifier.verify(token, now: Cognito.now).username == "alice")
        #expect(store.metrics == JWKSKeyStore.Metrics(fetches: 3, refreshes: 1, failures: 2))
    }

    @Test("keys load from a JWKS file")
    func fileSource() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-test-\(UUID().uuidString).json")
        try Data(JWKSDocument(keys: [TestKeys.primary.jwk]).jsonBytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let store = JWKSKeyStore(source: .file(path: path.path))
        try await store.load()
        #expect(store.usableKeyIDs == ["key-1"])
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        #expect(try verifier.verify(TestKeys.primary.token(Cognito.idClaims()), now: Cognito.now).sub.isEmpty == false)
    }

    @Test("rotation: a key added to the JWKS is accepted after exactly one refetch")
    func newKeyAfterOneRefetch() async throws {
        let clock = TestClock()
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source, now: clock.function)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        endpoint.publish([TestKeys.primary, TestKeys.secondary])
        let token = TestKeys.secondary.token(Cognito.idClaims())
        expectRefused(token, .unknownKey, by: verifier)
        #expect(endpoint.fetches == 1)
        let verified = try await verifier.verifyRefreshingKeys(token, now: clock.now)
        #expect(verified.sub == "7d8ca528-4931-4254-9273-ea5ee853f271")
        #expect(endpoint.fetches == 2)
        _ = try await verifier.verifyRefreshingKeys(TestKeys.secondary.token(Cognito.accessClaims()), now: clock.now)
        _ = try await verifier.verifyRefreshingKeys(TestKeys.primary.token(Cognito.idClaims()), now: clock.now)
        #expect(endpoint.fetches == 2)
        #expect(store.metrics.unknownKeyRefetches == 1)
    }

    @Test("rotation: a key removed from the JWKS stops verifying and its cached verifications are dropped")
    func removedKeyStopsVerifying() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary, TestKeys.secondary])
        let store = JWKSKeyStore(source: endpoint.source)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        let oldToken = TestKeys.primary.token(Cognito.idClaims())
        let newToken = TestKeys.secondary.token(Cognito.idClaims())
        _ = try verifier.verify(oldToken, now: Cognito.now)
        _ = try verifier.verify(oldToken, now: Cognito.now)
        _ = try verifier.verify(newToken, now: Cognito.now)
        #expect(verifier.metrics.cacheHits == 1)
        #expect(verifier.cachedTokenCount == 2)

        endpoint.publish([TestKeys.secondary])
        try await store.load()
        expectRefused(oldToken, .unknownKey, by: verifier)
        #expect(verifier.cachedTokenCount == 1, "the removed key's entry is dropped, the other kept")
        #expect(verifier.metrics.cacheHits == 1)
        _ = try verifier.verify(newToken, now: Cognito.now)
        #expect(verifier.metrics.cacheHits == 2, "the remaining key's verification is still cached")
    }

    @Test("rotation: a kid whose key material changes invalidates its cached verifications")
    func replacedKeyMaterial() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        let token = TestKeys.primary.token(Cognito.idClaims())
        _ = try verifier.verify(token, now: Cognito.now)
        endpoint.publish([TestKeys.secondary.renamed("key-1")])
        try await store.load()
        expectRefused(token, .badSignature, by: verifier)
        #expect(verifier.metrics.cacheHits == 0)
    }

    @Test("a refresh that returns the same keys keeps cached verifications")
    func unchangedRefreshKeepsCache() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        let token = TestKeys.primary.token(Cognito.idClaims())
        _ = try verifier.verify(token, now: Cognito.now)
        try await store.load()
        try await store.load()
        _ = try verifier.verify(token, now: Cognito.now)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 1, signatureChecks: 1))
    }

    @Test("a kid listed in the JWKS with an unusable key does not cause a refetch")
    func unusableKeyDoesNotRefetch() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary, TestKeys.weak1024])
        let store = JWKSKeyStore(source: endpoint.source)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)
        await #expect(throws: JWTError.self) {
            try await verifier.verifyRefreshingKeys(TestKeys.weak1024.token(Cognito.idClaims()), now: Cognito.now)
        }
        #expect(endpoint.fetches == 1)
    }

    @Test("an unknown-kid flood causes at most one fetch per cooldown")
    func unknownKeyFlood() async throws {
        let clock = TestClock()
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source, unknownKeyCooldown: .seconds(10), now: clock.function)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store)

        func flood() async -> Int {
            await withTaskGroup(of: JWTError.Reason?.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let token = TestKeys.primary.renamed("made-up-\(index)").token(Cognito.idClaims())
                        do throws(JWTError) {
                            _ = try await verifier.verifyRefreshingKeys(token, now: clock.now)
                            return nil
                        } catch {
                            return error.reason
                        }
                    }
                }
                var unknown = 0
                for await reason in group where reason == .unknownKey { unknown += 1 }
                return unknown
            }
        }

        #expect(await flood() == 200)
        #expect(endpoint.fetches == 2, "the initial load and one refetch")
        clock.advance(seconds: 9)
        #expect(await flood() == 200)
        #expect(endpoint.fetches == 2, "still within the cooldown")
        clock.advance(seconds: 1.5)
        #expect(await flood() == 200)
        #expect(endpoint.fetches == 3, "one more after the cooldown")
        #expect(store.metrics.unknownKeyRefetches == 2)
        // Callers arriving while the refetch is in flight join it; later ones are turned away.
        #expect(store.metrics.unknownKeyRefetchesSuppressed >= 200)
    }

    @Test("a failed refresh keeps the last good keys and reports the error until a refresh succeeds")
    func failedRefreshKeepsKeys() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let store = JWKSKeyStore(source: endpoint.source)
        try await store.load()
        let verifier = CognitoTokenVerifier(configuration: Cognito.configuration, keyStore: store, cacheCapacity: 0)
        let token = TestKeys.primary.token(Cognito.idClaims())

        endpoint.setFailing(true)
        await #expect(throws: JWKSError.self) { try await store.load() }
        #expect(store.lastRefreshError != nil)
        #expect(try verifier.verify(token, now: Cognito.now).username == "alice")

        endpoint.setFailing(false)
        endpoint.publish(document: #"{"keys":[]}"#)
        await #expect(throws: JWKSError.self) { try await store.load() }
        #expect(try verifier.verify(token, now: Cognito.now).username == "alice")

        endpoint.publish([TestKeys.primary])
        try await store.load()
        #expect(store.lastRefreshError == nil)
        #expect(store.metrics == JWKSKeyStore.Metrics(fetches: 4, refreshes: 2, failures: 2))
    }

    @Test("periodic refresh waits the interval, backs off 5 s, 10 s, 20 s after failures, and keeps the keys")
    func periodicRefresh() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        let requested = Mutex<[Duration]>([])
        let store = JWKSKeyStore(
            source: endpoint.source,
            sleep: { duration in
                let count = requested.withLock { list in
                    list.append(duration)
                    return list.count
                }
                switch count {
                case 1: endpoint.setFailing(true)
                case 4: endpoint.setFailing(false)
                case 5: throw CancellationError()
                default: break
                }
            })
        try await store.load()
        await store.startPeriodicRefresh().value
        #expect(requested.withLock { $0 } == [.seconds(3600), .seconds(5), .seconds(10), .seconds(20), .seconds(3600)])
        #expect(store.metrics == JWKSKeyStore.Metrics(fetches: 5, refreshes: 2, failures: 3))
        #expect(store.isLoaded)
        #expect(store.lastRefreshError == nil)
    }

    @Test("after a failed start-up load, periodic refresh retries on the backoff schedule, not after an hour")
    func periodicRefreshAfterFailedStart() async throws {
        let endpoint = FakeJWKSEndpoint([TestKeys.primary])
        endpoint.setFailing(true)
        let requested = Mutex<[Duration]>([])
        let store = JWKSKeyStore(
            source: endpoint.source,
            sleep: { duration in
                let count = requested.withLock { list in
                    list.append(duration)
                    return list.count
                }
                if count == 2 { endpoint.setFailing(false) }
                if count == 3 { throw CancellationError() }
            })
        await #expect(throws: JWKSError.self) { try await store.load() }
        await store.startPeriodicRefresh().value
        #expect(requested.withLock { $0 } == [.seconds(5), .seconds(10), .seconds(3600)])
        #expect(store.isLoaded)
    }

    @Test("the backoff doubles from 5 s and never exceeds the refresh interval or 5 minutes")
    func backoffSchedule() {
        let delays = (0...12).map {
            JWKSKeyStore.delayBeforeNextRefresh(consecutiveFailures: $0, refreshInterval: .seconds(3600))
        }
        #expect(
            delays.prefix(8) == [
                .seconds(3600), .seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160),
                .seconds(300),
            ])
        #expect(delays.dropFirst(8).allSatisfy { $0 == .seconds(300) })
        #expect(
            JWKSKeyStore.delayBeforeNextRefresh(consecutiveFailures: 5, refreshInterval: .seconds(30)) == .seconds(30))
        #expect(
            JWKSKeyStore.delayBeforeNextRefresh(consecutiveFailures: 1_000, refreshInterval: .seconds(3600))
                == .seconds(300))
    }

    @Test("stop() ends the periodic refresh")
    func stopEndsRefresh() async throws {
        let store = JWKSKeyStore(
            source: FakeJWKSEndpoint([TestKeys.primary]).source,
            sleep: { _ in try await Task.sleep(for: .seconds(3600)) })
        let task = store.startPeriodicRefresh()
        #expect(store.startPeriodicRefresh() == task)
        store.stop()
        await task.value
        #expect(task.isCancelled)
    }
}
