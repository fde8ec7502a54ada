/// Cognito's `token_use` claim: which kind of token this is. In a configuration, `.any` accepts
/// both kinds; a verified token is always `.id` or `.access`.
package enum TokenUse: String, Sendable, Equatable, CaseIterable {
    /// An ID token: `aud` is the app client id; it carries `cognito:username` and profile claims.
    case id
    /// An access token: `client_id` is the app client id (no `aud`); it carries `username`, `scope`.
    case access
    /// Either kind (configuration only).
    case any
}
