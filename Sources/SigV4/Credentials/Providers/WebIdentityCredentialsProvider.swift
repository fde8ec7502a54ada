package import FoundationEssentials

/// IRSA / OIDC web identity: reads the token from `AWS_WEB_IDENTITY_TOKEN_FILE` (on every fetch:
/// Kubernetes rotates it) and exchanges it at STS `AssumeRoleWithWebIdentity` for `AWS_ROLE_ARN`
/// (session name `AWS_ROLE_SESSION_NAME`, or one derived from the time). The call is unsigned.
/// STS endpoint: `AWS_ENDPOINT_URL_STS`, else the regional `https://sts.<AWS_REGION>.amazonaws.com`,
/// else the global `https://sts.amazonaws.com`.
package struct WebIdentityCredentialsProvider: CredentialsProvider {
    package let name = "web identity (STS AssumeRoleWithWebIdentity)"
    private let environment: [String: String]
    private let client: any OutboundHTTPClient
    private let readFile: @Sendable (String) throws -> [UInt8]
    private let now: @Sendable () -> Date
    private let timeout: Duration

    /// A provider reading `environment`.
    package init(
        environment: [String: String], client: any OutboundHTTPClient,
        readFile: @escaping @Sendable (String) throws -> [UInt8], now: @escaping @Sendable () -> Date,
        timeout: Duration = .seconds(5)
    ) {
        self.environment = environment
        self.client = client
        self.readFile = readFile
        self.now = now
        self.timeout = timeout
    }

    /// The STS endpoint the settings select.
    package var endpoint: String {
        if var custom = environment["AWS_ENDPOINT_URL_STS"], !custom.isEmpty {
            while custom.hasSuffix("/") { custom.removeLast() }
            return custom
        }
        let region =
            environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_REGION"].flatMap { $0.isEmpty ? nil : $0 }
        guard let region,
            region.utf8.allSatisfy({
                $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a)
            })
        else { return "https://sts.amazonaws.com" }
        return "https://sts.\(region).amazonaws.com" + (region.hasPrefix("cn-") ? ".cn" : "")
    }

    package func fetchCredentials() async throws -> AWSCredentials {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty else {
            throw CredentialsError.notConfigured(name, "AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        }
        guard let roleARN = environment["AWS_ROLE_ARN"], !roleARN.isEmpty else {
            throw CredentialsError.failed(name, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
        }
        let token: String
        do {
            token = String(decoding: try readFile(tokenFile), as: UTF8.self).trimmingWhitespace()
        } catch {
            throw CredentialsError.failed(name, "cannot read AWS_WEB_IDENTITY_TOKEN_FILE (\(tokenFile)): \(error)")
        }
        guard !token.isEmpty else {
            throw CredentialsError.failed(name, "AWS_WEB_IDENTITY_TOKEN_FILE (\(tokenFile)) is empty")
        }
        let sessionName =
            environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "secure-upload-\(Int64(now().timeIntervalSince1970 * 1000))"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ].map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&")
        let request = OutboundHTTPRequest(
            method: "POST", url: endpoint + "/",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Accept", "application/xml"),
            ],
            body: Array(form.utf8), timeout: timeout)
        let response: OutboundHTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            throw CredentialsError.failed(name, "STS at \(endpoint) is unreachable: \(error)")
        }
        guard response.status == 200 else {
            let detail = STSResponse.error(response.text).map { " (\($0))" } ?? ""
            throw CredentialsError.failed(name, "STS answered HTTP \(response.status)\(detail)")
        }
        return try STSResponse.credentials(response.text, provider: name)
    }
}
