package import FoundationEssentials
import Synchronization

/// EC2 instance-profile credentials over IMDSv2 only: `PUT /latest/api/token` with
/// `X-aws-ec2-metadata-token-ttl-seconds`, then `GET /latest/meta-data/iam/security-credentials/`
/// (the role name) and `GET …/<role>` with `X-aws-ec2-metadata-token`. A 401 means the token
/// expired: fetch a new one once and retry. No fall back to IMDSv1 (in a container on EC2 the token
/// PUT needs a hop limit of 2; fix that instead of weakening the instance).
package final class InstanceMetadataCredentialsProvider: CredentialsProvider {
    package let name = "EC2 instance metadata (IMDSv2)"
    private let environment: [String: String]
    private let client: any OutboundHTTPClient
    private let now: @Sendable () -> Date
    private let timeout: Duration
    private let token: Mutex<(value: String, expiresAt: Date)?>

    /// The token lifetime asked for, in seconds (the SDKs' six hours).
    package static let tokenTTL = 21_600
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// A provider; `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the endpoint and
    /// `AWS_EC2_METADATA_DISABLED=true` turns it off.
    package init(
        environment: [String: String], client: any OutboundHTTPClient, now: @escaping @Sendable () -> Date,
        timeout: Duration = .seconds(1)
    ) {
        self.environment = environment
        self.client = client
        self.now = now
        self.timeout = timeout
        self.token = Mutex(nil)
    }

    private var endpoint: String {
        var endpoint =
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://169.254.169.254"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }

    package func fetchCredentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw CredentialsError.notConfigured(name, "AWS_EC2_METADATA_DISABLED is true")
        }
        let roleList = try await get(Self.credentialsPath, what: "the instance's IAM role")
        guard let role = roleList.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw CredentialsError.failed(name, "no IAM role is attached to this instance")
        }
        let body = try await get(Self.credentialsPath + URIEncoding.encode(role), what: "the role's credentials")
        return try CredentialsJSON.parse(Array(body.utf8), provider: name)
    }

    /// GETs `path` with the session token, renewing the token once on 401.
    private func get(_ path: String, what: String) async throws -> String {
        var renewed = false
        while true {
            let sessionToken = try await currentToken()
            let response: OutboundHTTPResponse
            do {
                response = try await client.send(
                    OutboundHTTPRequest(
                        method: "GET", url: endpoint + path, headers: [("X-aws-ec2-metadata-token", sessionToken)],
                        timeout: timeout))
            } catch {
                throw CredentialsError.failed(name, "fetching \(what) failed: \(error)")
            }
            switch response.status {
            case 200: return response.text
            case 401 where !renewed:
                token.withLock { $0 = nil }
                renewed = true
            case 404: throw CredentialsError.failed(name, "no IAM role is attached to this instance (404 for \(what))")
            default: throw CredentialsError.failed(name, "fetching \(what) answered HTTP \(response.status)")
            }
        }
    }

    private func currentToken() async throws -> String {
        let at = now()
        if let cached = token.withLock({ $0 }), cached.expiresAt > at { return cached.value }
        let response: OutboundHTTPResponse
        do {
            response = try await client.send(
                OutboundHTTPRequest(
                    method: "PUT", url: endpoint + "/latest/api/token",
                    headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTL))], timeout: timeout))
        } catch {
            throw CredentialsError.failed(name, "the instance metadata endpoint is unreachable: \(error)")
        }
        guard response.status == 200, !response.body.isEmpty else {
            throw CredentialsError.failed(
                name,
                "the IMDSv2 token request answered HTTP \(response.status) (IMDSv1 fall back is disabled; "
                    + "in a container, set the instance's metadata hop limit to 2)")
        }
        let value = response.text.trimmingWhitespace()
        // Renew a minute early so a token never expires between the PUT and the GETs.
        token.withLock { $0 = (value, at.addingTimeInterval(TimeInterval(Self.tokenTTL - 60))) }
        return value
    }
}
