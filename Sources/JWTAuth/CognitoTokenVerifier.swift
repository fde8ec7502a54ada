import CryptoPrimitives
package import FoundationEssentials
import Synchronization

/// Verifies Cognito ID and access tokens: RS256 only, keys from a `JWKSKeyStore` by `kid`,
/// Cognito's claim rules from a `CognitoVerifierConfiguration`, and a cache of tokens already
/// verified. Order: size cap → cache → split → header → key → signature → claims.
package final class CognitoTokenVerifier: Sendable {
    /// Counters for `/metrics`. Every field only grows.
    package struct Metrics: Sendable, Equatable {
        /// Verifications answered from the cache.
        package var cacheHits: Int
        /// RSA signature verifications performed.
        package var signatureChecks: Int

        /// Counters with the given values.
        package init(cacheHits: Int, signatureChecks: Int) {
            self.cacheHits = cacheHits
            self.signatureChecks = signatureChecks
        }
    }

    /// What is accepted.
    package let configuration: CognitoVerifierConfiguration
    /// Where keys come from.
    package let keyStore: JWKSKeyStore
    private let cache: VerifiedTokenCache
    private let leeway: Double
    private let cacheHits = Atomic<Int>(0)
    private let signatureChecks = Atomic<Int>(0)

    /// A verifier remembering up to `cacheCapacity` verified tokens (0 disables the cache).
    package init(configuration: CognitoVerifierConfiguration, keyStore: JWKSKeyStore, cacheCapacity: Int = 10_000) {
        self.configuration = configuration
        self.keyStore = keyStore
        self.cache = VerifiedTokenCache(capacity: cacheCapacity)
        self.leeway = configuration.leeway.timeInterval
    }

    /// The counters.
    package var metrics: Metrics {
        Metrics(
            cacheHits: cacheHits.load(ordering: .relaxed), signatureChecks: signatureChecks.load(ordering: .relaxed))
    }

    /// Number of verified tokens cached.
    package var cachedTokenCount: Int { cache.count }

    /// Verifies `token` (the compact JWS, without `Bearer `) at `now` with the keys the store
    /// holds. Throws `.unknownKey` if its `kid` is not among them; `verifyRefreshingKeys` then
    /// refetches.
    package func verify(_ token: String, now: Date) throws(JWTError) -> VerifiedToken {
        guard token.utf8.count <= configuration.maxTokenBytes else {
            throw JWTError(.tokenTooLarge, "the token is longer than \(configuration.maxTokenBytes) bytes")
        }
        var token = token
        let nowSeconds = now.timeIntervalSince1970
        let result = token.withUTF8 { verify($0, now: nowSeconds) }
        return try result.get()
    }

    /// Like `verify`, but when the token names a `kid` the store does not have (or no keys are
    /// loaded yet), first asks the store to refetch: one fetch shared by all concurrent callers,
    /// at most one per cooldown. Then verifies again.
    package func verifyRefreshingKeys(_ token: String, now: Date) async throws(JWTError) -> VerifiedToken {
        do {
            return try verify(token, now: now)
        } catch {
            switch error.reason {
            case .unknownKey:
                await keyStore.refreshForUnknownKey(error.keyID)
            case .keysUnavailable:
                await keyStore.refreshForUnknownKey(nil)
            default:
                throw error
            }
        }
        return try verify(token, now: now)
    }

    private func verify(_ token: UnsafeBufferPointer<UInt8>, now: Double) -> Result<VerifiedToken, JWTError> {
        let keys = keyStore.currentKeys
        let digest = cache.isEnabled ? TokenDigest(words: SHA256.hashWords(UnsafeRawBufferPointer(token))) : nil
        if let digest, let keys, let cached = cache.lookup(digest, now: now, keys: keys) {
            cacheHits.wrappingAdd(1, ordering: .relaxed)
            return .success(cached)
        }
        do throws(JWTError) {
            let candidate = try JWSVerifier.candidate(token, keys: keys)
            signatureChecks.wrappingAdd(1, ordering: .relaxed)
            try JWSVerifier.checkSignature(of: candidate, in: token)
            let payload: [String: JSONValue]
            do {
                payload = try StrictJSONParser.parseObject(candidate.jws.payload)
            } catch {
                throw JWTError(.malformed, "the token's payload \(error.message)")
            }
            let claims = try CognitoClaims(payload, configuration: configuration, leeway: leeway, now: now)
            if let digest {
                cache.insert(
                    digest, token: claims.token, keyID: candidate.keyID, keySerial: candidate.key.serial,
                    validFrom: claims.validFrom, validUntil: claims.validUntil)
            }
            return .success(claims.token)
        } catch {
            return .failure(error)
        }
    }
}
