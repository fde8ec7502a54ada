import JWTAuth
import SigV4
import Synchronization

/// Carries the key store's and the credential holder's own counters into `/metrics`: each
/// `sync()` reports what happened since the previous one (JWKS refreshes and failures, credential
/// refreshes), so periodic and unknown-`kid` refreshes are counted, not only the first load.
final class RefreshMetricsBridge: Sendable {
    private struct Seen {
        var jwksRefreshes = 0
        var jwksFailures = 0
        var credentialRefreshes = 0
    }

    private let keyStore: JWKSKeyStore
    private let credentials: RefreshingCredentials?
    private let metrics: Metrics
    private let seen = Mutex(Seen())

    init(keyStore: JWKSKeyStore, credentials: RefreshingCredentials?, metrics: Metrics) {
        self.keyStore = keyStore
        self.credentials = credentials
        self.metrics = metrics
    }

    func sync() {
        let store = keyStore.metrics
        let credentialRefreshes = credentials?.refreshCount ?? 0
        let delta = seen.withLock { seen -> Seen in
            let delta = Seen(
                jwksRefreshes: store.refreshes - seen.jwksRefreshes, jwksFailures: store.failures - seen.jwksFailures,
                credentialRefreshes: credentialRefreshes - seen.credentialRefreshes)
            seen = Seen(
                jwksRefreshes: store.refreshes, jwksFailures: store.failures, credentialRefreshes: credentialRefreshes)
            return delta
        }
        for _ in 0..<max(0, delta.jwksRefreshes) { metrics.jwksRefreshed(success: true) }
        for _ in 0..<max(0, delta.jwksFailures) { metrics.jwksRefreshed(success: false) }
        for _ in 0..<max(0, delta.credentialRefreshes) { metrics.credentialsRefreshed(success: true) }
    }
}
