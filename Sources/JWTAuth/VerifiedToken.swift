package import FoundationEssentials

/// What a token that passed every check says about its caller.
///
/// A class, immutable: a cached token is handed to both event loops, and copying a struct of seven
/// reference-counted fields out of the cache bounced seven counts between their cores per request.
package final class VerifiedToken: Sendable, Equatable {
    /// The user's stable, unique id (`sub`), the only claim to derive identity or storage paths
    /// from (`cognito:username` can change).
    package let sub: String
    /// `cognito:username` (ID token) or `username` (access token).
    package let username: String?
    /// `email`, if the token carries it (ID tokens whose app client may read it); not necessarily
    /// verified: `email_verified` is not checked.
    package let email: String?
    /// `cognito:groups`, in token order.
    package let groups: [String]
    /// `scope` split on spaces (access tokens; empty for ID tokens).
    package let scopes: [String]
    /// `.id` or `.access`.
    package let tokenUse: TokenUse
    /// `exp`.
    package let expiresAt: Date
    /// `iss`, one of the configured issuers.
    package let issuer: String
    /// The app client the token was issued to (`aud` of an ID token, `client_id` of an access token).
    package let clientID: String

    /// Equal when every claim is (memberwise, as the struct it used to be).
    package static func == (lhs: VerifiedToken, rhs: VerifiedToken) -> Bool {
        lhs.sub == rhs.sub && lhs.username == rhs.username && lhs.email == rhs.email && lhs.groups == rhs.groups
            && lhs.scopes == rhs.scopes && lhs.tokenUse == rhs.tokenUse && lhs.expiresAt == rhs.expiresAt
            && lhs.issuer == rhs.issuer && lhs.clientID == rhs.clientID
    }

    /// A verified token's contents (the verifier builds these; tests of other modules may too).
    package init(
        sub: String, username: String?, email: String?, groups: [String], scopes: [String], tokenUse: TokenUse,
        expiresAt: Date, issuer: String, clientID: String
    ) {
        self.sub = sub
        self.username = username
        self.email = email
        self.groups = groups
        self.scopes = scopes
        self.tokenUse = tokenUse
        self.expiresAt = expiresAt
        self.issuer = issuer
        self.clientID = clientID
    }
}
