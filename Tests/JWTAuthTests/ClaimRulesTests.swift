import Foundation
import JWTAuth
import Testing

@Suite("Cognito claim rules accept what Cognito issues")
struct ClaimRulesTests {
    let signer = TestKeys.primary

    @Test("an ID token is accepted and its identity read from sub, cognito:username, email, cognito:groups")
    func idToken() async throws {
        let verifier = try await Cognito.verifier()
        let verified = try verifier.verify(signer.token(Cognito.idClaims()), now: Cognito.now)
        #expect(
            verified
                == VerifiedToken(
                    sub: "7d8ca528-4931-4254-9273-ea5ee853f271", username: "alice", email: "alice@example.com",
                    groups: ["uploaders"], scopes: [], tokenUse: .id,
                    expiresAt: Date(timeIntervalSince1970: Double(Cognito.nowSeconds + 3540)), issuer: Cognito.issuer,
                    clientID: Cognito.clientID))
    }

    @Test("an access token is accepted with client_id, username and scopes")
    func accessToken() async throws {
        let verifier = try await Cognito.verifier()
        let verified = try verifier.verify(signer.token(Cognito.accessClaims()), now: Cognito.now)
        #expect(verified.tokenUse == .access)
        #expect(verified.clientID == Cognito.clientID)
        #expect(verified.username == "alice")
        #expect(verified.email == nil)
        #expect(verified.scopes == ["aws.cognito.signin.user.admin", "openid"])
    }

    @Test("both issuer forms are accepted for the configured pool when configured to")
    func bothIssuerForms() async throws {
        let verifier = try await Cognito.verifier()
        #expect(Cognito.configuration.issuers == [Cognito.issuer, Cognito.updatedIssuer])
        let verified = try verifier.verify(
            signer.token(Cognito.idClaims(["iss": Cognito.updatedIssuer])), now: Cognito.now)
        #expect(verified.issuer == Cognito.updatedIssuer)
    }

    @Test("any configured app client is accepted")
    func severalClients() async throws {
        var configuration = Cognito.configuration
        configuration.clientIDs = [Cognito.clientID, "secondclient0000000000000001"]
        let verifier = try await Cognito.verifier(configuration: configuration)
        let verified = try verifier.verify(
            signer.token(Cognito.accessClaims(["client_id": "secondclient0000000000000001"])), now: Cognito.now)
        #expect(verified.clientID == "secondclient0000000000000001")
    }

    @Test("a token with no groups, iat or nbf, whose exp is fractional, is accepted")
    func optionalClaims() async throws {
        let verifier = try await Cognito.verifier()
        let claims = Cognito.idClaims([
            "cognito:groups": NSNull(), "iat": NSNull(), "email": NSNull(), "exp": Double(Cognito.nowSeconds) + 0.5,
        ])
        let verified = try verifier.verify(signer.token(claims), now: Cognito.now)
        #expect(verified.groups.isEmpty)
        #expect(verified.email == nil)
    }

    @Test("the leeway is configurable")
    func leeway() async throws {
        var configuration = Cognito.configuration
        configuration.leeway = .zero
        let verifier = try await Cognito.verifier(configuration: configuration)
        let token = signer.token(Cognito.idClaims(["exp": Cognito.nowSeconds]))
        expectRefused(token, .expired, by: verifier)
        let fresh = signer.token(Cognito.idClaims(["exp": Cognito.nowSeconds + 1]))
        #expect(throws: Never.self) { try verifier.verify(fresh, now: Cognito.now) }
    }

    @Test("required groups: a member of any one is accepted, a member of none is refused")
    func requiredGroups() async throws {
        var configuration = Cognito.configuration
        configuration.requiredGroups = ["admins", "uploaders"]
        let verifier = try await Cognito.verifier(configuration: configuration)
        #expect(throws: Never.self) {
            try verifier.verify(
                signer.token(Cognito.idClaims(["cognito:groups": ["uploaders", "x"]])), now: Cognito.now)
        }
        expectRefused(signer.token(Cognito.idClaims(["cognito:groups": ["viewers"]])), .groupRequired, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["cognito:groups": NSNull()])), .groupRequired, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["cognito:groups": "uploaders"])), .invalidClaim, by: verifier)
        expectRefused(signer.token(Cognito.idClaims(["cognito:groups": [1]])), .invalidClaim, by: verifier)
    }

    @Test("required scopes: an access token with one is accepted; without, or an ID token, is refused")
    func requiredScopes() async throws {
        var configuration = Cognito.configuration
        configuration.requiredScopes = ["uploads/write"]
        let verifier = try await Cognito.verifier(configuration: configuration)
        #expect(throws: Never.self) {
            try verifier.verify(signer.token(Cognito.accessClaims(["scope": "openid uploads/write"])), now: Cognito.now)
        }
        expectRefused(
            signer.token(Cognito.accessClaims(["scope": "uploads/write2 openid"])), .scopeRequired, by: verifier)
        expectRefused(signer.token(Cognito.idClaims()), .scopeRequired, by: verifier)
    }

    @Test("the claim checks run in order: issuer before token use before audience before time")
    func checkOrder() async throws {
        let verifier = try await Cognito.verifier()
        let everythingWrong = Cognito.idClaims([
            "iss": "https://evil.example", "token_use": "refresh", "aud": "x", "exp": 1,
        ])
        expectRefused(signer.token(everythingWrong), .wrongIssuer, by: verifier)
        var claims = everythingWrong
        claims["iss"] = Cognito.issuer
        expectRefused(signer.token(claims), .wrongTokenUse, by: verifier)
        claims["token_use"] = "id"
        expectRefused(signer.token(claims), .wrongAudience, by: verifier)
        claims["aud"] = Cognito.clientID
        expectRefused(signer.token(claims), .expired, by: verifier)
    }

    @Test("the signature is checked before any claim: a forged token with wrong claims reports the signature")
    func signatureBeforeClaims() async throws {
        let verifier = try await Cognito.verifier()
        expectRefused(
            TestKeys.attacker.token(Cognito.idClaims(["iss": "https://evil.example"])), .badSignature, by: verifier)
    }

    @Test("every reason has a distinct snake_case code")
    func reasonCodes() {
        let codes = JWTError.Reason.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.allSatisfy { $0.isLowercase || $0 == "_" }, "\(code)")
        }
    }
}
