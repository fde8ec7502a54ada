/// Why a provider has no credentials. Messages name the provider and the setting or endpoint that
/// failed, never a secret or token.
package struct CredentialsError: Error, Equatable, CustomStringConvertible {
    /// Whether the provider is simply not set up here (the chain moves on quietly) or failed.
    package enum Kind: Sendable, Equatable {
        /// The provider's settings are absent (e.g. no `AWS_ACCESS_KEY_ID`).
        case notConfigured
        /// The provider is set up but fetching or parsing failed.
        case failed
        /// Every provider of a chain was tried; `attempts` says why each gave nothing.
        case noCredentials
    }

    /// The kind of failure.
    package let kind: Kind
    /// The provider's name.
    package let provider: String
    /// A sentence saying why.
    package let reason: String
    /// For a chain: each provider tried and its error, in order.
    package let attempts: [CredentialsError]

    package var description: String {
        switch kind {
        case .noCredentials:
            "no AWS credentials found; tried "
                + attempts.map { "\($0.provider) (\($0.reason))" }.joined(separator: ", ")
        case .notConfigured, .failed: "\(provider): \(reason)"
        }
    }

    static func notConfigured(_ provider: String, _ reason: String) -> Self {
        Self(kind: .notConfigured, provider: provider, reason: reason, attempts: [])
    }

    static func failed(_ provider: String, _ reason: String) -> Self {
        Self(kind: .failed, provider: provider, reason: reason, attempts: [])
    }

    static func noCredentials(_ attempts: [CredentialsError]) -> Self {
        Self(
            kind: .noCredentials, provider: "credential provider chain", reason: "no provider had credentials",
            attempts: attempts)
    }
}
