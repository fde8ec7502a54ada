import FoundationEssentials

/// Cognito's claim rules, applied to the payload of a token whose signature has verified, in
/// the order of AWS's "Verifying a JSON Web Token": `iss`, `token_use`, `aud`/`client_id`, then
/// time (`exp` required, `nbf`, `iat`), then the caller's identity and the optional group and
/// scope requirements.
struct CognitoClaims {
    /// The verified result.
    let token: VerifiedToken
    /// From when a cached verification may be reused (`nbf`/`iat` minus leeway), in seconds
    /// since 1970.
    let validFrom: Double
    /// Until when (exclusive) a cached verification may be reused: `exp` itself, without
    /// leeway, so the cache never extends a token's life.
    let validUntil: Double

    init(
        _ claims: [String: JSONValue], configuration: CognitoVerifierConfiguration, leeway: Double, now: Double
    ) throws(JWTError) {
        let issuer = try Self.requiredString(claims, "iss")
        guard configuration.issuers.contains(issuer) else {
            throw JWTError(.wrongIssuer, "iss is not a configured issuer")
        }

        let tokenUse: TokenUse
        switch try Self.requiredString(claims, "token_use") {
        case "id": tokenUse = .id
        case "access": tokenUse = .access
        default: throw JWTError(.wrongTokenUse, "token_use is neither id nor access")
        }
        guard configuration.tokenUse == .any || configuration.tokenUse == tokenUse else {
            throw JWTError(
                .wrongTokenUse, "token_use is \(tokenUse.rawValue); \(configuration.tokenUse.rawValue) is required")
        }

        let clientID: String
        switch tokenUse {
        case .id:
            clientID = try Self.requiredString(claims, "aud")
        default:
            // Cognito access tokens name their client in client_id and never carry aud (aud is a
            // reserved claim a pre-token-generation trigger cannot add); one that does is not Cognito's.
            guard claims["aud"] == nil else {
                throw JWTError(.wrongAudience, "an access token carries aud; Cognito access tokens carry client_id")
            }
            clientID = try Self.requiredString(claims, "client_id")
        }
        guard configuration.clientIDs.contains(clientID) else {
            throw JWTError(.wrongAudience, "the token was issued to an app client that is not configured")
        }

        guard let expiry = try Self.number(claims, "exp") else {
            throw JWTError(.missingClaim, "the token has no exp")
        }
        // RFC 7519 §4.1.4: the current time must be before exp.
        guard now < expiry + leeway else { throw JWTError(.expired, "the token has expired") }
        var validFrom = -Double.infinity
        if let notBefore = try Self.number(claims, "nbf") {
            guard now + leeway >= notBefore else { throw JWTError(.notYetValid, "the token's nbf is in the future") }
            validFrom = notBefore - leeway
        }
        if let issuedAt = try Self.number(claims, "iat") {
            guard issuedAt <= now + leeway else { throw JWTError(.issuedInFuture, "the token's iat is in the future") }
            validFrom = max(validFrom, issuedAt - leeway)
        }

        let subject = try Self.requiredString(claims, "sub")
        guard !subject.isEmpty else { throw JWTError(.invalidClaim, "sub is empty") }
        var username = try Self.optionalString(claims, tokenUse == .id ? "cognito:username" : "username")
        if username == nil {
            username = try Self.optionalString(claims, tokenUse == .id ? "username" : "cognito:username")
        }
        let email = try Self.optionalString(claims, "email")

        var groups: [String] = []
        if let value = claims["cognito:groups"] {
            guard case .array(let elements) = value else {
                throw JWTError(.invalidClaim, "cognito:groups is not an array of strings")
            }
            for element in elements {
                guard case .string(let group) = element else {
                    throw JWTError(.invalidClaim, "cognito:groups is not an array of strings")
                }
                groups.append(group)
            }
        }
        if !configuration.requiredGroups.isEmpty, !groups.contains(where: configuration.requiredGroups.contains) {
            throw JWTError(.groupRequired, "the user is in none of the required groups")
        }

        let scopes = try Self.optionalString(claims, "scope")?.split(separator: " ").map(String.init) ?? []
        if !configuration.requiredScopes.isEmpty, !scopes.contains(where: configuration.requiredScopes.contains) {
            throw JWTError(.scopeRequired, "the token has none of the required scopes")
        }

        self.token = VerifiedToken(
            sub: subject, username: username, email: email, groups: groups, scopes: scopes, tokenUse: tokenUse,
            expiresAt: Date(timeIntervalSince1970: expiry), issuer: issuer, clientID: clientID)
        self.validFrom = validFrom
        self.validUntil = expiry
    }

    private static func requiredString(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> String {
        guard let value = claims[name] else { throw JWTError(.missingClaim, "the token has no \(name)") }
        guard case .string(let string) = value else { throw JWTError(.invalidClaim, "\(name) is not a string") }
        return string
    }

    private static func optionalString(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> String? {
        guard let value = claims[name] else { return nil }
        guard case .string(let string) = value else { throw JWTError(.invalidClaim, "\(name) is not a string") }
        return string
    }

    /// A NumericDate claim (RFC 7519 §2): a JSON number, never a string.
    private static func number(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> Double? {
        guard let value = claims[name] else { return nil }
        guard case .number(let number) = value else { throw JWTError(.invalidClaim, "\(name) is not a number") }
        return number
    }
}
