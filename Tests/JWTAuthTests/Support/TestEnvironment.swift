import Foundation
import JWTAuth
import Synchronization
import Testing

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Cognito.now) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

/// A JWKS endpoint the test controls: serves a document, counts fetches, can fail.
final class FakeJWKSEndpoint: Sendable {
    private struct State {
        var document: [UInt8]
        var fetches = 0
        var failing = false
    }
    private let state: Mutex<State>

    init(_ signers: [TestSigner]) { state = Mutex(State(document: JWKSDocument(keys: signers.map(\.jwk)).jsonBytes)) }
    init(document: String) { state = Mutex(State(document: Array(document.utf8))) }

    var fetches: Int { state.withLock { $0.fetches } }
    func publish(_ signers: [TestSigner]) {
        state.withLock { $0.document = JWKSDocument(keys: signers.map(\.jwk)).jsonBytes }
    }
    func publish(document: String) { state.withLock { $0.document = Array(document.utf8) } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    struct Unreachable: Error {}

    var source: JWKSSource {
        .fetcher {
            try self.state.withLock { state in
                state.fetches += 1
                if state.failing { throw Unreachable() }
                return state.document
            }
        }
    }
}

/// The pool every synthetic token comes from.
enum Cognito {
    static let region = "eu-west-1"
    static let poolID = "eu-west-1_AbCdEfGh1"
    static let clientID = "4t1ctestclient0000000000001"
    static let issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGh1"
    static let updatedIssuer = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGh1"
    /// A fixed "now" (2027-01-15T08:00:00Z): time is a parameter.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let nowSeconds = 1_800_000_000

    static let configuration = CognitoVerifierConfiguration.cognito(
        region: region, userPoolID: poolID, clientIDs: [clientID])

    /// ID-token claims as Cognito issues them; `overrides` replace (NSNull removes).
    static func idClaims(_ overrides: [String: Any] = [:]) -> [String: Any] {
        merge(
            [
                "sub": "7d8ca528-4931-4254-9273-ea5ee853f271", "aud": clientID, "iss": issuer, "token_use": "id",
                "cognito:username": "alice", "email": "alice@example.com", "email_verified": true,
                "auth_time": nowSeconds - 60, "iat": nowSeconds - 60, "exp": nowSeconds + 3540,
                "cognito:groups": ["uploaders"], "jti": "5b1bd7d0-0f87-4b5c-9b5e-1f4a6d0d0c11",
            ], overrides)
    }

    /// Access-token claims as Cognito issues them (no `aud`; `client_id`, `username`, `scope`).
    static func accessClaims(_ overrides: [String: Any] = [:]) -> [String: Any] {
        merge(
            [
                "sub": "7d8ca528-4931-4254-9273-ea5ee853f271", "client_id": clientID, "iss": issuer,
                "token_use": "access", "username": "alice", "scope": "aws.cognito.signin.user.admin openid",
                "auth_time": nowSeconds - 60, "iat": nowSeconds - 60, "exp": nowSeconds + 3540,
                "cognito:groups": ["uploaders"], "jti": "0e3f6a7c-6f7e-4f63-8f55-8d6d0f0e9a21",
            ], overrides)
    }

    private static func merge(_ base: [String: Any], _ overrides: [String: Any]) -> [String: Any] {
        var claims = base
        for (key, value) in overrides {
            if value is NSNull { claims[key] = nil } else { claims[key] = value }
        }
        return claims
    }

    /// A loaded verifier trusting `signers` (default: the primary test key).
    static func verifier(
        _ signers: [TestSigner] = [TestKeys.primary], configuration: CognitoVerifierConfiguration = configuration,
        cacheCapacity: Int = 10_000
    ) async throws -> CognitoTokenVerifier {
        let store = JWKSKeyStore(source: FakeJWKSEndpoint(signers).source)
        try await store.load()
        return CognitoTokenVerifier(configuration: configuration, keyStore: store, cacheCapacity: cacheCapacity)
    }
}

/// Asserts that `verifier` refuses `token` for `reason`, and that the error text quotes no part
/// of the token.
func expectRefused(
    _ token: String, _ reason: JWTError.Reason, by verifier: CognitoTokenVerifier, at now: Date = Cognito.now,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let accepted = try verifier.verify(token, now: now)
        Issue.record(
            "accepted a token that must be refused (\(reason.rawValue)): sub \(accepted.sub)",
            sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        let text = error.description
        for part in token.split(separator: ".") where part.count >= 8 {
            #expect(!text.contains(part), "the error text quotes the token", sourceLocation: sourceLocation)
        }
    }
}

extension String {
    /// The token with part `index` (0 header, 1 payload, 2 signature) replaced.
    func replacingPart(_ index: Int, with part: String) -> String {
        var parts = split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[index] = part
        return parts.joined(separator: ".")
    }

    func part(_ index: Int) -> String {
        String(split(separator: ".", omittingEmptySubsequences: false)[index])
    }
}
