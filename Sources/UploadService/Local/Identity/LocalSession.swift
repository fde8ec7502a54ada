/// One signed-in session: what stays the same across the tokens minted for it (initial sign-in and
/// every refresh), as Cognito keeps `auth_time` and `origin_jti` across refreshes.
struct LocalSession: Sendable, Equatable {
    let username: String
    let subject: String
    /// Seconds since 1970 of the password sign-in.
    let authTime: Int64
    let originJTI: String
    let eventID: String
}
