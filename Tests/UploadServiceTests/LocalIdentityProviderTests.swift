import CryptoPrimitives
import Foundation
import JWTAuth
import Testing

@testable import UploadService

@Suite("Local identity provider: Cognito's InitiateAuth protocol and tokens")
struct LocalIdentityProviderTests {
    static let target = "AWSCognitoIdentityProviderService.InitiateAuth"
    static let contentType = "application/x-amz-json-1.1"

    func signInBody(
        user: String = "alice", password: String = "correct horse", client: String = "securelocalclient"
    )
        -> [UInt8]
    {
        Array(
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"\#(client)","AuthParameters":{"USERNAME":"\#(user)","PASSWORD":"\#(password)"}}"#
                .utf8)
    }

    func refreshBody(_ token: String) -> [UInt8] {
        Array(
            #"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"securelocalclient","AuthParameters":{"REFRESH_TOKEN":"\#(token)"}}"#
                .utf8)
    }

    @Test("USER_PASSWORD_AUTH answers Cognito's AuthenticationResult with tokens signed by the JWKS key")
    func signInHappyPath() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let clock = LocalTestClock()
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: clock.function)
        let reply = provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody())
        #expect(reply.status == 200)
        #expect(reply.errorType == nil)
        let json = localJSON(reply.body)
        #expect((json["ChallengeParameters"] as? [String: Any])?.isEmpty == true)
        let result = try #require(json["AuthenticationResult"] as? [String: Any])
        #expect(result["ExpiresIn"] as? Int == 3600)
        #expect(result["TokenType"] as? String == "Bearer")
        let refresh = try #require(result["RefreshToken"] as? String)
        #expect(refresh.split(separator: ".").count != 3, "the refresh token is opaque, not a JWT")
        let idToken = try #require(result["IdToken"] as? String)
        let accessToken = try #require(result["AccessToken"] as? String)

        let jwks = localJSON(provider.jwksDocument())
        let jwk = try #require((jwks["keys"] as? [[String: Any]])?.first)
        #expect(jwk["alg"] as? String == "RS256")
        #expect(jwk["use"] as? String == "sig")
        #expect(jwk["kty"] as? String == "RSA")
        let publicKey = try RSAPublicKey(
            modulus: try #require(localBase64URLDecode(jwk["n"] as? String ?? "")),
            exponent: try #require(localBase64URLDecode(jwk["e"] as? String ?? "")))
        #expect(publicKey.bitCount == 2048)
        for token in [idToken, accessToken] {
            let parts = token.split(separator: ".").map(String.init)
            let header = localJSON(try #require(localBase64URLDecode(parts[0])))
            #expect(header["alg"] as? String == "RS256")
            #expect(header["kid"] as? String == jwk["kid"] as? String)
            let signature = try #require(localBase64URLDecode(parts[2]))
            #expect(publicKey.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8)))
        }

        let issuedAt = Int(clock.now.timeIntervalSince1970)
        let id = localClaims(of: idToken)
        #expect(id["iss"] as? String == "http://127.0.0.1:8080/local/cognito/eu-west-1_LocalPool")
        #expect(id["iss"] as? String == provider.issuer)
        #expect(id["aud"] as? String == "securelocalclient")
        #expect(id["client_id"] == nil)
        #expect(id["token_use"] as? String == "id")
        #expect(id["cognito:username"] as? String == "alice")
        #expect(id["email"] as? String == "alice@local.invalid")
        #expect(id["email_verified"] as? Bool == true)
        #expect(id["iat"] as? Int == issuedAt)
        #expect(id["auth_time"] as? Int == issuedAt)
        #expect(id["exp"] as? Int == issuedAt + 3600)
        let sub = try #require(id["sub"] as? String)
        #expect(sub.count == 36 && sub == sub.lowercased())
        #expect(sub == provider.subject(of: "alice"))

        let access = localClaims(of: accessToken)
        #expect(access["aud"] == nil, "Cognito access tokens carry client_id, not aud")
        #expect(access["client_id"] as? String == "securelocalclient")
        #expect(access["token_use"] as? String == "access")
        #expect(access["scope"] as? String == "aws.cognito.signin.user.admin")
        #expect(access["username"] as? String == "alice")
        #expect(access["sub"] as? String == sub)
        #expect(access["origin_jti"] as? String == id["origin_jti"] as? String)
        #expect(access["event_id"] as? String == id["event_id"] as? String)
        #expect(access["jti"] as? String != id["jti"] as? String)
    }

    @Test("local tokens pass JWTAuth's CognitoTokenVerifier fed with the local JWKS, the path real Cognito tokens take")
    func tokensVerifyThroughJWTAuth() async throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let clock = LocalTestClock(Date())
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: clock.function)
        let keyStore = JWKSKeyStore(source: .fetcher { provider.jwksDocument() }, now: clock.function)
        try await keyStore.load()
        let verifier = CognitoTokenVerifier(
            configuration: CognitoVerifierConfiguration(issuers: [provider.issuer], clientIDs: [provider.clientID]),
            keyStore: keyStore)
        let reply = provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody())
        let result = try #require(localJSON(reply.body)["AuthenticationResult"] as? [String: Any])
        let id = try verifier.verify(try #require(result["IdToken"] as? String), now: clock.now)
        #expect(id.tokenUse == .id)
        #expect(id.sub == provider.subject(of: "alice"))
        #expect(id.username == "alice")
        #expect(id.email == "alice@local.invalid")
        #expect(id.clientID == "securelocalclient")
        #expect(id.issuer == provider.issuer)
        let access = try verifier.verify(try #require(result["AccessToken"] as? String), now: clock.now)
        #expect(access.tokenUse == .access)
        #expect(access.sub == id.sub)
        #expect(access.scopes == ["aws.cognito.signin.user.admin"])

        // Another data folder's provider has another key: its tokens do not verify here.
        let other = LocalTemporaryDirectory()
        defer { other.remove() }
        let stranger = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: other.path), now: clock.function)
        let strangerReply = stranger.handle(target: Self.target, contentType: Self.contentType, body: signInBody())
        let strangerToken = try #require(
            (localJSON(strangerReply.body)["AuthenticationResult"] as? [String: Any])?["IdToken"] as? String)
        #expect(throws: JWTError.self) { try verifier.verify(strangerToken, now: clock.now) }
        // And an hour later the tokens have expired.
        clock.advance(by: 3600 + 61)
        #expect(throws: JWTError.self) {
            try verifier.verify(try #require(result["IdToken"] as? String), now: clock.now)
        }
    }

    @Test("a repeated member counts once, the last one: a later PASSWORD replaces an earlier one")
    func repeatedMembers() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        func signIn(_ parameters: String) -> LocalIdentityProvider.Reply {
            let body =
                #"{"AuthFlow":"MAGIC","AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","#
                + #""AuthParameters":{\#(parameters)}}"#
            return provider.handle(target: Self.target, contentType: Self.contentType, body: Array(body.utf8))
        }
        #expect(signIn(#""USERNAME":"alice","PASSWORD":"nope","PASSWORD":"correct horse""#).status == 200)
        let refused = signIn(#""USERNAME":"alice","PASSWORD":"correct horse","PASSWORD":"nope""#)
        #expect(refused.errorType == "NotAuthorizedException")
    }

    @Test("a wrong password and an unknown user get the identical NotAuthorizedException")
    func wrongPasswordAndUnknownUserLookTheSame() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        let wrong = provider.handle(
            target: Self.target, contentType: Self.contentType, body: signInBody(password: "nope"))
        let unknown = provider.handle(
            target: Self.target, contentType: Self.contentType, body: signInBody(user: "mallory"))
        #expect(wrong.status == 400)
        #expect(wrong.errorType == "NotAuthorizedException")
        #expect(
            String(decoding: wrong.body, as: UTF8.self)
                == #"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#)
        #expect(wrong == unknown)
    }

    @Test(
        "protocol errors use Cognito's exception names",
        arguments: [
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body:
                    #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"someoneelse","AuthParameters":{"USERNAME":"alice","PASSWORD":"x"}}"#,
                expected: "ResourceNotFoundException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.SignUp", type: "application/x-amz-json-1.1", body: "{}",
                expected: "UnknownOperationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "text/plain", body: "{}",
                expected: "UnknownOperationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/json",
                body:
                    #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":"alice"}}"#,
                expected: "InvalidParameterException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body:
                    #"{"AuthFlow":"USER_SRP_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":"alice"}}"#,
                expected: "InvalidParameterException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"{"AuthFlow":"MAGIC","ClientId":"securelocalclient"}"#, expected: "InvalidParameterException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"{"ClientId":"securelocalclient"}"#, expected: "InvalidParameterException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient""#,
                expected: "SerializationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":"alice"}"#,
                expected: "SerializationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body:
                    #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":7,"PASSWORD":"x"}}"#,
                expected: "SerializationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"["USER_PASSWORD_AUTH"]"#, expected: "SerializationException"
            ),
            (
                target: "AWSCognitoIdentityProviderService.InitiateAuth", type: "application/x-amz-json-1.1",
                body: #"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"securelocalclient","AuthParameters":{}}"#,
                expected: "InvalidParameterException"
            ),
        ])
    func protocolErrors(target: String, type: String, body: String, expected: String) throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        let reply = provider.handle(target: target, contentType: type, body: Array(body.utf8))
        #expect(reply.status == 400)
        #expect(reply.errorType == expected)
        let json = localJSON(reply.body)
        #expect(json["__type"] as? String == expected)
        #expect((json["message"] as? String)?.isEmpty == false)
    }

    @Test("a missing PASSWORD is named in the message, and no password ever appears in an answer")
    func missingParameterMessage() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        let missing = provider.handle(
            target: Self.target, contentType: Self.contentType,
            body: Array(
                #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":"alice"}}"#
                    .utf8))
        #expect(localJSON(missing.body)["message"] as? String == "Missing required parameter PASSWORD")
        let wrong = provider.handle(
            target: Self.target, contentType: Self.contentType, body: signInBody(password: "hunter2-secret"))
        #expect(!String(decoding: wrong.body, as: UTF8.self).contains("hunter2"))
    }

    @Test("REFRESH_TOKEN_AUTH gives new ID and access tokens for the same session and no new refresh token")
    func refreshFlow() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let clock = LocalTestClock()
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: clock.function)
        let first = localJSON(
            provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody()).body)
        let firstResult = try #require(first["AuthenticationResult"] as? [String: Any])
        let refreshToken = try #require(firstResult["RefreshToken"] as? String)
        let firstID = localClaims(of: try #require(firstResult["IdToken"] as? String))

        clock.advance(by: 7200)
        let reply = provider.handle(target: Self.target, contentType: Self.contentType, body: refreshBody(refreshToken))
        #expect(reply.status == 200)
        let result = try #require(localJSON(reply.body)["AuthenticationResult"] as? [String: Any])
        #expect(result["RefreshToken"] == nil)
        let id = localClaims(of: try #require(result["IdToken"] as? String))
        #expect(id["sub"] as? String == firstID["sub"] as? String)
        #expect(id["auth_time"] as? Int == firstID["auth_time"] as? Int)
        #expect(id["origin_jti"] as? String == firstID["origin_jti"] as? String)
        #expect(id["iat"] as? Int == Int(clock.now.timeIntervalSince1970))
        #expect(localClaims(of: try #require(result["AccessToken"] as? String))["token_use"] as? String == "access")

        let bogus = provider.handle(
            target: Self.target, contentType: Self.contentType, body: refreshBody("not-a-token"))
        #expect(bogus.errorType == "NotAuthorizedException")
        #expect(localJSON(bogus.body)["message"] as? String == "Invalid Refresh Token")

        clock.advance(by: 31 * 24 * 3600)
        let expired = provider.handle(
            target: Self.target, contentType: Self.contentType, body: refreshBody(refreshToken))
        #expect(expired.errorType == "NotAuthorizedException")
        #expect(localJSON(expired.body)["message"] as? String == "Refresh Token has expired")
    }

    @Test("repeated wrong passwords lock the name out, even with the right password, until the backoff passes")
    func lockout() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let clock = LocalTestClock()
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: clock.function)
        for _ in 0..<5 {
            let reply = provider.handle(
                target: Self.target, contentType: Self.contentType, body: signInBody(password: "guess"))
            #expect(reply.errorType == "NotAuthorizedException")
        }
        let locked = provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody())
        #expect(locked.status == 400)
        #expect(locked.errorType == "TooManyRequestsException")
        // Unknown names are throttled the same way, so the lockout reveals nothing.
        for _ in 0..<5 {
            _ = provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody(user: "ghost"))
        }
        #expect(
            provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody(user: "ghost"))
                .errorType
                == "TooManyRequestsException")
        // The first lock lasts one second; after it the right password works again.
        clock.advance(by: 1.5)
        let unlocked = provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody())
        #expect(unlocked.status == 200)
        // Success resets the count: five more failures are allowed before the next lock.
        for _ in 0..<4 {
            #expect(
                provider.handle(target: Self.target, contentType: Self.contentType, body: signInBody(password: "x"))
                    .errorType
                    == "NotAuthorizedException")
        }
    }

    @Test("the signing key, its kid and every sub survive a restart on the same data folder")
    func keyPersistsAcrossInstances() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let configuration = localConfiguration(dataDirectory: directory.path)
        let first = try LocalIdentityProvider(configuration: configuration, now: LocalTestClock().function)
        let second = try LocalIdentityProvider(configuration: configuration, now: LocalTestClock().function)
        #expect(first.jwksDocument() == second.jwksDocument())
        #expect(first.keyID == second.keyID)
        #expect(first.subject(of: "alice") == second.subject(of: "alice"))
        #expect(directory.mode(of: ".secure-upload") == 0o700)
        #expect(directory.mode(of: ".secure-upload/local-identity-key.pem") == 0o600)
        #expect(directory.mode(of: ".secure-upload/local-identity-secret") == 0o600)
        #expect(directory.files(under: ".secure-upload").filter { $0.contains(".tmp-") }.isEmpty)

        let other = LocalTemporaryDirectory()
        defer { other.remove() }
        let elsewhere = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: other.path), now: LocalTestClock().function)
        #expect(elsewhere.keyID != first.keyID)
        #expect(elsewhere.subject(of: "alice") != first.subject(of: "alice"))
    }

    @Test("without LOCAL_USERS there is one demo user with a random 20-character URL-safe password")
    func demoUser() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path, users: nil), now: LocalTestClock().function
        )
        let password = try #require(provider.generatedDemoPassword)
        #expect(password.count == 20)
        #expect(password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        let reply = provider.handle(
            target: Self.target, contentType: Self.contentType, body: signInBody(user: "demo", password: password))
        #expect(reply.status == 200)
        #expect(provider.userPoolID == "eu-west-1_LocalPool")
        #expect(provider.cognitoEndpoint == "http://127.0.0.1:8080/local/cognito/")
        #expect(provider.clientID == "securelocalclient")

        let configured = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        #expect(configured.generatedDemoPassword == nil)
    }

    @Test("LOCAL_USERS parses name:password pairs and keeps colons in passwords")
    func parsesUsers() throws {
        let users = try LocalModeConfiguration.parseUsers("alice:pa:ss, bob:x")
        #expect(users.map(\.name) == ["alice", "bob"])
        #expect(users.map(\.password) == ["pa:ss", "x"])
    }

    @Test(
        "LOCAL_USERS rejects malformed lists without echoing passwords",
        arguments: [
            "alice", ":secretpw", "alice:", "alice:secretpw,alice:secretpw2", "alice:secretpw,,bob:secretpw",
            "al ice:secretpw", "",
        ])
    func rejectsBadUsers(list: String) {
        do {
            _ = try LocalModeConfiguration.parseUsers(list)
            Issue.record("accepted \(list)")
        } catch {
            #expect(error.description.hasPrefix("LOCAL_USERS"))
            #expect(!error.description.contains("secretpw"))
        }
    }
}

@Suite("Local identity: throttle, refresh-token table and discovery document")
struct LocalIdentityInternalsTests {
    @Test("the lockout delay doubles after the free failures and is capped")
    func throttleBackoff() {
        var throttle = LoginThrottle(freeFailures: 3, maximumDelay: 8)
        for _ in 0..<3 {
            #expect(throttle.retryDelay(for: "bob", now: 100) == nil)
            throttle.recordFailure(for: "bob", now: 100)
        }
        #expect(throttle.retryDelay(for: "bob", now: 100) == 1)
        throttle.recordFailure(for: "bob", now: 101)
        #expect(throttle.retryDelay(for: "bob", now: 101) == 2)
        for _ in 0..<10 { throttle.recordFailure(for: "bob", now: 200) }
        #expect(throttle.retryDelay(for: "bob", now: 200) == 8)
        #expect(throttle.retryDelay(for: "bob", now: 208) == nil)
        #expect(throttle.retryDelay(for: "carol", now: 200) == nil)
        throttle.recordSuccess(for: "bob")
        #expect(throttle.retryDelay(for: "bob", now: 200) == nil)
    }

    @Test("a spray of made-up names keeps the throttle table bounded and keeps locked names")
    func throttleBounded() {
        var throttle = LoginThrottle(freeFailures: 2, pruneThreshold: 100)
        throttle.recordFailure(for: "victim", now: 0)
        throttle.recordFailure(for: "victim", now: 0)
        for index in 0..<1000 { throttle.recordFailure(for: "name\(index)", now: 0.5) }
        #expect(throttle.trackedCount <= 100)
        #expect(throttle.retryDelay(for: "victim", now: 0.5) != nil)
    }

    @Test("refresh tokens are random, bounded in number, and expire")
    func refreshTokens() {
        var store = RefreshTokenStore(lifetime: 10, capacity: 3)
        let session = LocalSession(username: "a", subject: "s", authTime: 0, originJTI: "o", eventID: "e")
        let tokens = (0..<5).map { store.issue(for: session, now: Double($0)) }
        #expect(Set(tokens).count == 5)
        #expect(store.count <= 3)
        #expect(store.lookup(tokens[4], now: 5) == .valid(session))
        #expect(store.lookup(tokens[0], now: 5) == .unknown)
        #expect(store.lookup(tokens[4], now: 14) == .expired)
    }

    @Test("the discovery document names the issuer and its JWKS URL")
    func discoveryDocument() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let provider = try LocalIdentityProvider(
            configuration: localConfiguration(dataDirectory: directory.path), now: LocalTestClock().function)
        let document = localJSON(provider.openIDConfiguration())
        #expect(document["issuer"] as? String == provider.issuer)
        #expect(document["jwks_uri"] as? String == provider.issuer + "/.well-known/jwks.json")
        #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["RS256"])
    }

    @Test(
        "configuration errors name the setting",
        arguments: [
            ("UPLOAD_BUCKET", "Bad_Bucket"), ("UPLOAD_BUCKET", ".secure-upload"), ("AWS_REGION", "EU WEST"),
            ("LOCAL_DATA_DIR", ""),
        ])
    func configurationErrors(setting: String, value: String) {
        var configuration = localConfiguration(dataDirectory: setting == "LOCAL_DATA_DIR" ? value : "/tmp/x")
        if setting == "UPLOAD_BUCKET" { configuration.bucket = value }
        if setting == "AWS_REGION" { configuration.region = value }
        #expect(throws: LocalModeError.self) { try configuration.validate() }
        do { try configuration.validate() } catch { #expect(error.description.hasPrefix(setting)) }
    }
}
