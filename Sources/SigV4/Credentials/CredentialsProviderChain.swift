package import FoundationEssentials

/// Tries providers in order and returns the first credentials found, like the AWS SDKs' default
/// chain: environment → web identity → container (ECS/EKS) → EC2 instance metadata (IMDSv2).
/// When none has credentials, the error names every provider tried and why.
package struct CredentialsProviderChain: CredentialsProvider {
    package let name = "credential provider chain"
    /// The providers, in the order tried.
    package let providers: [any CredentialsProvider]

    /// A chain over `providers`.
    package init(providers: [any CredentialsProvider]) {
        self.providers = providers
    }

    /// The SDKs' standard chain over `environment` (pass the process environment at the outermost
    /// layer), fetching through `client` and reading token files with `readFile`.
    package static func standard(
        environment: [String: String], client: any OutboundHTTPClient,
        readFile: @escaping @Sendable (String) throws -> [UInt8] = Self.readFileContents,
        now: @escaping @Sendable () -> Date = Date.init
    ) -> Self {
        Self(providers: [
            EnvironmentCredentialsProvider(environment: environment),
            WebIdentityCredentialsProvider(environment: environment, client: client, readFile: readFile, now: now),
            ContainerCredentialsProvider(environment: environment, client: client, readFile: readFile),
            InstanceMetadataCredentialsProvider(environment: environment, client: client, now: now),
        ])
    }

    /// Reads a whole file (token files are small).
    package static let readFileContents: @Sendable (String) throws -> [UInt8] = { path in
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    package func fetchCredentials() async throws -> AWSCredentials {
        var attempts: [CredentialsError] = []
        for provider in providers {
            do {
                return try await provider.fetchCredentials()
            } catch let error as CredentialsError {
                attempts.append(error)
            } catch {
                attempts.append(.failed(provider.name, "\(error)"))
            }
        }
        throw CredentialsError.noCredentials(attempts)
    }
}
