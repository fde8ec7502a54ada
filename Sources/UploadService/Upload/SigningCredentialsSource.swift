package import SigV4

/// Where the credentials that sign upload URLs come from: the local receiver's fixed keys, or
/// SigV4's refreshing provider chain. `current()` never waits on a refresh.
package protocol SigningCredentialsSource: Sendable {
    /// The credentials in hand, or nil while none have been obtained yet (not ready).
    func current() -> AWSCredentials?
}
