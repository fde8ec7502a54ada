import CryptoPrimitives
package import FoundationEssentials
import JWTAuth
import Synchronization

/// Local mode's stand-in for a Cognito user pool: speaks Cognito's JSON protocol for
/// `InitiateAuth` (`USER_PASSWORD_AUTH` and `REFRESH_TOKEN_AUTH`), mints RS256 tokens with Cognito's
/// claims from a key kept in the data folder, and serves the JWKS the way Cognito does, so the
/// upload route verifies its tokens through exactly the same `JWTAuth` path as real ones.
package final class LocalIdentityProvider: Sendable {
    /// `<region>_LocalPool`.
    package let userPoolID: String
    /// The one app client of the local pool (no secret, like a browser client).
    package let clientID: String
    /// `<base>/local/cognito/<userPoolID>`: the `iss` of every token; JWKS at
    /// `<issuer>/.well-known/jwks.json`.
    package let issuer: String
    /// `<base>/local/cognito/`: where the page and curl POST `InitiateAuth`.
    package let cognitoEndpoint: String
    /// The random password of the `demo` user when `LOCAL_USERS` was not set, for the application to
    /// print once at start-up; nil otherwise.
    package let generatedDemoPassword: String?

    /// Seconds an ID or access token lives (`ExpiresIn`).
    static let tokenLifetime: Int64 = 3600
    static let clientIDValue = "securelocalclient"
    static let pathPrefix = "/local/cognito"

    private let minter: LocalTokenMinter
    private let users: LocalUserDirectory
    private let now: @Sendable () -> Date
    private let state: Mutex<State>

    private struct State {
        var throttle = LoginThrottle()
        var refreshTokens = RefreshTokenStore()
    }

    /// Loads (or creates, on first start) the signing key and the `sub` secret under
    /// `<dataDirectory>/.secure-upload/`, and sets up the users.
    package init(configuration: LocalModeConfiguration, now: @escaping @Sendable () -> Date) throws {
        try configuration.validate()
        let layout = LocalDataLayout(root: configuration.dataDirectory)
        try layout.prepareStateDirectories()
        let base = configuration.normalizedBaseURL
        userPoolID = configuration.region + "_LocalPool"
        clientID = Self.clientIDValue
        issuer = base + Self.pathPrefix + "/" + userPoolID
        cognitoEndpoint = base + Self.pathPrefix + "/"
        let key = try LocalSigningKey.loadOrCreate(layout: layout)
        minter = LocalTokenMinter(key: key, issuer: issuer, clientID: clientID, lifetime: Self.tokenLifetime)
        let secret = try LocalUserDirectory.loadOrCreateSubjectSecret(layout: layout)
        if let configured = configuration.users {
            users = LocalUserDirectory(users: configured, subjectSecret: secret)
            generatedDemoPassword = nil
        } else {
            // 15 random bytes are exactly 20 base64url characters: URL- and shell-safe.
            let password = Base64URL.encode(SecureRandom.bytes(count: 15))
            users = LocalUserDirectory(users: [("demo", password)], subjectSecret: secret)
            generatedDemoPassword = password
        }
        self.now = now
        state = Mutex(State())
    }

    /// The JWKS document (`{"keys":[{"alg":"RS256","e",…,"use":"sig"}]}`).
    package func jwksDocument() -> [UInt8] { minter.key.jwksDocument() }

    /// The OpenID discovery document Cognito serves at `<issuer>/.well-known/openid-configuration`,
    /// reduced to what a verifier uses (local mode has no hosted UI or token endpoint).
    package func openIDConfiguration() -> [UInt8] {
        let document =
            #"{"id_token_signing_alg_values_supported":["RS256"],"issuer":"\#(JSONText.escape(issuer))","#
            + #""jwks_uri":"\#(JSONText.escape(issuer))/.well-known/jwks.json","response_types_supported":["token"],"#
            + #""subject_types_supported":["public"]}"#
        return Array(document.utf8)
    }

    /// The `kid` of the signing key.
    var keyID: String { minter.key.keyID }

    /// The `sub` local mode gives `username`, or nil for an unknown user.
    package func subject(of username: String) -> String? { users.subject(of: username) }

    /// An answer of the Cognito endpoint: status, JSON body, and the error type for
    /// `x-amzn-ErrorType` when it is an error.
    struct Reply: Sendable, Equatable {
        let status: Int
        let body: [UInt8]
        let errorType: String?
    }

    /// Runs one call of Cognito's JSON protocol. `target` is `X-Amz-Target`, `contentType` the
    /// request's `Content-Type`.
    func handle(target: String?, contentType: String?, body: [UInt8]) -> Reply {
        do {
            let output = try dispatch(target: target, contentType: contentType, body: body)
            return Reply(status: 200, body: output, errorType: nil)
        } catch {
            return Reply(status: error.status, body: error.body, errorType: error.type)
        }
    }

    private func dispatch(target: String?, contentType: String?, body: [UInt8]) throws(CognitoError) -> [UInt8] {
        let mediaType = contentType.map {
            ($0.split(separator: ";", maxSplits: 1).first ?? "").trimmingWhitespace().lowercased()
        }
        // The AWS JSON protocol picks the operation from the target and the protocol from the media
        // type; a request with neither right names no operation it can run.
        guard mediaType == "application/x-amz-json-1.1" || mediaType == "application/json" else {
            throw .unknownOperation(target)
        }
        guard target == "AWSCognitoIdentityProviderService.InitiateAuth" else { throw .unknownOperation(target) }
        let request = try InitiateAuthRequest.parse(body, clientExists: { $0 == clientID })
        switch request.flow {
        case .userPassword(let username, let password): return try signIn(username: username, password: password)
        case .refreshToken(let token): return try refresh(token)
        }
    }

    private func signIn(username: String, password: String) throws(CognitoError) -> [UInt8] {
        let instant = now().timeIntervalSince1970
        if state.withLock({ $0.throttle.retryDelay(for: username, now: instant) }) != nil {
            throw .tooManyFailedAttempts
        }
        guard let subject = users.authenticate(username: username, password: password) else {
            state.withLock { $0.throttle.recordFailure(for: username, now: instant) }
            throw .incorrectCredentials
        }
        let session = LocalSession(
            username: username, subject: subject, authTime: Int64(instant.rounded(.down)),
            originJTI: LocalTokenMinter.randomUUID(), eventID: LocalTokenMinter.randomUUID())
        let refreshToken = state.withLock {
            $0.throttle.recordSuccess(for: username)
            return $0.refreshTokens.issue(for: session, now: instant)
        }
        return try authenticationResult(for: session, refreshToken: refreshToken, now: instant)
    }

    private func refresh(_ token: String) throws(CognitoError) -> [UInt8] {
        let instant = now().timeIntervalSince1970
        switch state.withLock({ $0.refreshTokens.lookup(token, now: instant) }) {
        case .unknown: throw .invalidRefreshToken
        case .expired: throw .expiredRefreshToken
        case .valid(let session):
            // Cognito refreshes give new ID and access tokens but no new refresh token.
            return try authenticationResult(for: session, refreshToken: nil, now: instant)
        }
    }

    private func authenticationResult(
        for session: LocalSession, refreshToken: String?, now instant: Double
    )
        throws(CognitoError) -> [UInt8]
    {
        let issuedAt = Int64(instant.rounded(.down))
        let idToken: String
        let accessToken: String
        do {
            idToken = try minter.idToken(for: session, now: issuedAt)
            accessToken = try minter.accessToken(for: session, now: issuedAt)
        } catch { throw .internalError }
        var result = #"{"AuthenticationResult":{"AccessToken":"\#(accessToken)","ExpiresIn":\#(Self.tokenLifetime),"#
        result += #""IdToken":"\#(idToken)","#
        if let refreshToken { result += #""RefreshToken":"\#(refreshToken)","# }
        result += #""TokenType":"Bearer"},"ChallengeParameters":{}}"#
        return Array(result.utf8)
    }
}
