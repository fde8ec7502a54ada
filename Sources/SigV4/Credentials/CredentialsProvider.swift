/// A source of AWS credentials (environment, web identity, container, instance metadata, a chain).
package protocol CredentialsProvider: Sendable {
    /// Fetches credentials now; throws `CredentialsError` saying why there are none.
    func fetchCredentials() async throws -> AWSCredentials
    /// A short name for messages ("environment", "EC2 instance metadata").
    var name: String { get }
}
