package import SigV4

/// Credentials that never change (local mode, or long-term keys in the environment).
package struct StaticCredentialsSource: SigningCredentialsSource {
    let credentials: AWSCredentials

    /// A source that always returns `credentials`.
    package init(_ credentials: AWSCredentials) {
        self.credentials = credentials
    }

    /// The fixed credentials.
    package func current() -> AWSCredentials? { credentials }
}
