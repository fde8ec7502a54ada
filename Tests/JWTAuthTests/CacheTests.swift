import Foundation
import JWTAuth
import Testing

@Suite("Verified-token cache")
struct CacheTests {
    let signer = TestKeys.primary

    @Test("a token presented again is answered from the cache, without another RSA verification")
    func hitAvoidsRSA() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.token(Cognito.idClaims())
        let first = try verifier.verify(token, now: Cognito.now)
        for _ in 0..<5 { #expect(try verifier.verify(token, now: Cognito.now.addingTimeInterval(10)) == first) }
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 5, signatureChecks: 1))
    }

    @Test("a cached token is never served at or past its exp; past the leeway it is refused")
    func expiryBound() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.token(Cognito.idClaims(["exp": Cognito.nowSeconds + 100]))
        _ = try verifier.verify(token, now: Cognito.now)
        _ = try verifier.verify(token, now: Cognito.now.addingTimeInterval(99))
        #expect(verifier.metrics.cacheHits == 1)
        _ = try verifier.verify(token, now: Cognito.now.addingTimeInterval(100))
        #expect(verifier.metrics.cacheHits == 1, "at exp the cache is not used; the full check applies the leeway")
        #expect(verifier.metrics.signatureChecks == 2)
        expectRefused(token, .expired, by: verifier, at: Cognito.now.addingTimeInterval(160))
    }

    @Test("a cached token is not served before its iat or nbf (minus leeway) when the clock goes back")
    func clockGoesBack() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.token(Cognito.idClaims())
        _ = try verifier.verify(token, now: Cognito.now)
        expectRefused(token, .issuedInFuture, by: verifier, at: Cognito.now.addingTimeInterval(-3600))
        #expect(verifier.metrics.cacheHits == 0)
    }

    @Test("refused tokens are not cached")
    func failuresNotCached() async throws {
        let verifier = try await Cognito.verifier()
        let forged = TestKeys.attacker.token(Cognito.idClaims())
        expectRefused(forged, .badSignature, by: verifier)
        expectRefused(forged, .badSignature, by: verifier)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 0, signatureChecks: 2))
        #expect(verifier.cachedTokenCount == 0)
    }

    @Test("the cache holds at most its capacity")
    func bounded() async throws {
        let verifier = try await Cognito.verifier(cacheCapacity: 3)
        for index in 0..<10 {
            _ = try verifier.verify(signer.token(Cognito.idClaims(["jti": "token-\(index)"])), now: Cognito.now)
        }
        #expect(verifier.cachedTokenCount == 3)
    }

    @Test("eviction spares recently used tokens (CLOCK second chance)")
    func secondChance() async throws {
        let verifier = try await Cognito.verifier(cacheCapacity: 2)
        let (a, b, c) = (
            signer.token(Cognito.idClaims(["jti": "a"])), signer.token(Cognito.idClaims(["jti": "b"])),
            signer.token(Cognito.idClaims(["jti": "c"]))
        )
        _ = try verifier.verify(a, now: Cognito.now)
        _ = try verifier.verify(b, now: Cognito.now)
        _ = try verifier.verify(a, now: Cognito.now)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 1, signatureChecks: 2))
        _ = try verifier.verify(c, now: Cognito.now)
        _ = try verifier.verify(a, now: Cognito.now)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 2, signatureChecks: 3), "a survived")
        _ = try verifier.verify(b, now: Cognito.now)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 2, signatureChecks: 4), "b was evicted")
    }

    @Test("a capacity of 0 disables the cache")
    func disabled() async throws {
        let verifier = try await Cognito.verifier(cacheCapacity: 0)
        let token = signer.token(Cognito.idClaims())
        _ = try verifier.verify(token, now: Cognito.now)
        _ = try verifier.verify(token, now: Cognito.now)
        #expect(verifier.metrics == CognitoTokenVerifier.Metrics(cacheHits: 0, signatureChecks: 2))
    }

    @Test("the cache is keyed by the whole token: the same claims under a re-signed token are checked again")
    func keyedByWholeToken() async throws {
        let verifier = try await Cognito.verifier()
        let token = signer.token(Cognito.idClaims())
        _ = try verifier.verify(token, now: Cognito.now)
        let tampered = token.replacingPart(2, with: TestKeys.attacker.token(Cognito.idClaims()).part(2))
        expectRefused(tampered, .badSignature, by: verifier)
        #expect(verifier.metrics.cacheHits == 0)
    }

    @Test("concurrent verifications through a small cache all get the right answer")
    func concurrentUse() async throws {
        let verifier = try await Cognito.verifier(cacheCapacity: 4)
        let tokens = (0..<8).map { signer.token(Cognito.idClaims(["jti": "t\($0)", "sub": "user-\($0)"])) }
        let forged = TestKeys.attacker.token(Cognito.idClaims())
        let wrong = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<50 {
                        let index = (worker + round) % tokens.count
                        if (try? verifier.verify(tokens[index], now: Cognito.now).sub) != "user-\(index)" { wrong += 1 }
                        if (try? verifier.verify(forged, now: Cognito.now)) != nil { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
        #expect(verifier.cachedTokenCount <= 4)
        #expect(verifier.metrics.cacheHits + verifier.metrics.signatureChecks == 800)
    }
}
