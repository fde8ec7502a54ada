import Foundation
import JWTAuth
import Testing

/// Real tokens from an issuer nobody here wrote: moto's Cognito emulator. Provisioned through the
/// Cognito JSON API, signed in with USER_PASSWORD_AUTH, keys fetched from moto's JWKS URL.
@Suite("Peer: moto's Cognito emulator")
struct MotoCognitoPeerTests {
    struct Pool {
        let id: String
        let clientID: String
        let idToken: String
        let accessToken: String
    }

    static let region = "us-east-1"

    static func provision(_ moto: MotoServer) async throws -> Pool {
        let pool = try await moto.call("CreateUserPool", ["PoolName": "jwt-peer"])
        let poolID = try #require((pool["UserPool"] as? [String: Any])?["Id"] as? String)
        let client = try await moto.call(
            "CreateUserPoolClient",
            [
                "UserPoolId": poolID, "ClientName": "jwt-peer-web", "GenerateSecret": false,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "ReadAttributes": ["email", "email_verified"],
            ])
        let clientID = try #require((client["UserPoolClient"] as? [String: Any])?["ClientId"] as? String)
        _ = try await moto.call(
            "AdminCreateUser",
            [
                "UserPoolId": poolID, "Username": "alice", "TemporaryPassword": "TempPassw0rd!",
                "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    ["Name": "email", "Value": "alice@example.com"], ["Name": "email_verified", "Value": "true"],
                ],
            ])
        _ = try await moto.call(
            "AdminSetUserPassword",
            ["UserPoolId": poolID, "Username": "alice", "Password": "Passw0rd!Passw0rd", "Permanent": true])
        let auth = try await moto.call(
            "InitiateAuth",
            [
                "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": clientID,
                "AuthParameters": ["USERNAME": "alice", "PASSWORD": "Passw0rd!Passw0rd"],
            ])
        let result = try #require(auth["AuthenticationResult"] as? [String: Any])
        return Pool(
            id: poolID, clientID: clientID, idToken: try #require(result["IdToken"] as? String),
            accessToken: try #require(result["AccessToken"] as? String))
    }

    @Test("moto's ID and access tokens are accepted, and refused after tampering, for another client or token use")
    func motoTokens() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let pool = try await Self.provision(moto)
        let jwksURL = "\(moto.endpoint)/\(pool.id)/.well-known/jwks.json"
        let source = JWKSSource.fetcher { try await MotoServer.get(jwksURL) }
        func verifier(
            clientIDs: Set<String>? = nil, tokenUse: TokenUse = .any
        ) async throws -> CognitoTokenVerifier {
            let store = JWKSKeyStore(source: source)
            try await store.load()
            let configuration = CognitoVerifierConfiguration.cognito(
                region: Self.region, userPoolID: pool.id, clientIDs: clientIDs ?? [pool.clientID], tokenUse: tokenUse)
            return CognitoTokenVerifier(configuration: configuration, keyStore: store)
        }

        // moto's iss is the AWS form for the pool, while its JWKS is on loopback.
        let payload = try #require(Base64URL.decode(pool.idToken.part(1)))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(claims["iss"] as? String == "https://cognito-idp.us-east-1.amazonaws.com/\(pool.id)")

        let accepting = try await verifier()
        let now = Date()
        let id = try accepting.verify(pool.idToken, now: now)
        #expect(id.tokenUse == .id)
        #expect(id.username == "alice")
        #expect(id.email == "alice@example.com")
        #expect(id.clientID == pool.clientID)
        #expect(id.issuer == "https://cognito-idp.us-east-1.amazonaws.com/\(pool.id)")
        #expect(!id.sub.isEmpty)
        let access = try accepting.verify(pool.accessToken, now: now)
        #expect(access.tokenUse == .access)
        #expect(access.username == "alice")
        #expect(access.sub == id.sub)
        #expect(access.clientID == pool.clientID)
        #expect(access.scopes.contains("aws.cognito.signin.user.admin"))

        // A store that has not loaded yet fetches from moto on first use.
        let lazyStore = JWKSKeyStore(source: source)
        let lazy = CognitoTokenVerifier(
            configuration: .cognito(region: Self.region, userPoolID: pool.id, clientIDs: [pool.clientID]),
            keyStore: lazyStore)
        #expect(try await lazy.verifyRefreshingKeys(pool.accessToken, now: now).sub == id.sub)

        for token in [pool.idToken, pool.accessToken] {
            var bytes = try #require(Base64URL.decode(token.part(1)))
            bytes[bytes.count / 2] ^= 0x01
            expectRefused(token.replacingPart(1, with: Base64URL.encode(bytes)), .badSignature, by: accepting, at: now)
        }

        let otherClient = try await verifier(clientIDs: ["someotherclient00000000001"])
        expectRefused(pool.idToken, .wrongAudience, by: otherClient, at: now)
        expectRefused(pool.accessToken, .wrongAudience, by: otherClient, at: now)

        let idOnly = try await verifier(tokenUse: .id)
        let accessOnly = try await verifier(tokenUse: .access)
        expectRefused(pool.accessToken, .wrongTokenUse, by: idOnly, at: now)
        expectRefused(pool.idToken, .wrongTokenUse, by: accessOnly, at: now)
        #expect(try idOnly.verify(pool.idToken, now: now).tokenUse == .id)
        #expect(try accessOnly.verify(pool.accessToken, now: now).tokenUse == .access)

        expectRefused(pool.idToken, .expired, by: accepting, at: now.addingTimeInterval(3600 + 61))
    }
}
