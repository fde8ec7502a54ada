import FoundationEssentials

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary ones,
/// `AWS_SESSION_TOKEN` (and `AWS_CREDENTIAL_EXPIRATION`, RFC 3339, as the JS and Java SDKs read it).
package struct EnvironmentCredentialsProvider: CredentialsProvider {
    package let name = "environment"
    private let environment: [String: String]

    /// A provider reading `environment` (pass the process environment at the outermost layer).
    package init(environment: [String: String]) {
        self.environment = environment
    }

    package func fetchCredentials() async throws -> AWSCredentials {
        try credentials()
    }

    /// The credentials, synchronously (nothing to fetch).
    package func credentials() throws(CredentialsError) -> AWSCredentials {
        let accessKeyID = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (accessKeyID, secret) {
        case (nil, nil):
            throw .notConfigured(name, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (.some, nil):
            throw .failed(name, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw .failed(name, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (.some(let accessKeyID), .some(let secret)):
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            var expiration: Date? = nil
            if let text = environment["AWS_CREDENTIAL_EXPIRATION"], !text.isEmpty {
                guard let parsed = ISO8601Timestamp.parse(text) else {
                    throw .failed(name, "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 timestamp")
                }
                expiration = parsed
            }
            return AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
        }
    }
}
