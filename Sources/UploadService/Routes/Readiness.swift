import Synchronization

/// Whether the server should get traffic: signing keys loaded, credentials in hand, not
/// draining. `/readyz` reports it; `POST /upload` refuses with 503 while it is false.
package final class Readiness: Sendable {
    private let jwksLoaded: @Sendable () -> Bool
    private let credentialsAvailable: @Sendable () -> Bool
    private let draining = Atomic<Bool>(false)

    /// Readiness from the two dependency checks.
    package init(
        jwksLoaded: @escaping @Sendable () -> Bool, credentialsAvailable: @escaping @Sendable () -> Bool
    ) {
        self.jwksLoaded = jwksLoaded
        self.credentialsAvailable = credentialsAvailable
    }

    /// From now on the server reports not ready (SIGTERM received).
    package func beginDraining() {
        draining.store(true, ordering: .sequentiallyConsistent)
    }

    /// Whether draining has begun.
    package var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

    /// What is missing for the server to take traffic, in words; empty when ready.
    package var missing: [String] {
        (isDraining ? ["shutting down"] : []) + missingDependencies
    }

    /// What `POST /upload` cannot work without. Draining is not part of it: requests that still
    /// arrive while the load balancer notices `/readyz` are served normally.
    package var missingDependencies: [String] {
        var parts: [String] = []
        if !jwksLoaded() { parts.append("token signing keys (JWKS) not loaded") }
        if !credentialsAvailable() { parts.append("storage credentials not available") }
        return parts
    }

    /// True when `POST /upload` has what it needs: ``missingDependencies`` is empty. Checked on
    /// every upload, so it builds no list.
    package var hasDependencies: Bool { jwksLoaded() && credentialsAvailable() }

    /// True when nothing is missing.
    package var isReady: Bool { missing.isEmpty }
}
