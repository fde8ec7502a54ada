import FoundationEssentials

/// ECS task-role and EKS Pod Identity credentials: `GET http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`,
/// or `GET $AWS_CONTAINER_CREDENTIALS_FULL_URI` with `Authorization:` from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch: EKS rotates it) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// As botocore does, a full URI over plain HTTP must point at a loopback address or one of the
/// container endpoints (169.254.170.2 ECS, 169.254.170.23 / fd00:ec2::23 EKS), so a rogue setting
/// cannot send the authorization token anywhere else; HTTPS may go anywhere.
package struct ContainerCredentialsProvider: CredentialsProvider {
    package let name = "container (ECS/EKS)"
    private let environment: [String: String]
    private let client: any OutboundHTTPClient
    private let readFile: @Sendable (String) throws -> [UInt8]
    private let timeout: Duration

    /// The ECS endpoint for relative URIs.
    package static let ecsHost = "169.254.170.2"
    static let allowedPlainHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost"]

    /// A provider reading `environment`, fetching through `client`, reading token files with `readFile`.
    package init(
        environment: [String: String], client: any OutboundHTTPClient,
        readFile: @escaping @Sendable (String) throws -> [UInt8], timeout: Duration = .seconds(2)
    ) {
        self.environment = environment
        self.client = client
        self.readFile = readFile
        self.timeout = timeout
    }

    package func fetchCredentials() async throws -> AWSCredentials {
        let url: String
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = "http://\(Self.ecsHost)" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            try Self.checkFullURI(full, provider: name)
            url = full
            if let token = try authorizationToken() { headers.append(("Authorization", token)) }
        } else {
            throw CredentialsError.notConfigured(
                name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        let response: OutboundHTTPResponse
        do {
            response = try await client.send(
                OutboundHTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout))
        } catch {
            throw CredentialsError.failed(name, "the container credentials endpoint is unreachable: \(error)")
        }
        guard response.status == 200 else {
            throw CredentialsError.failed(name, "the container credentials endpoint answered HTTP \(response.status)")
        }
        return try CredentialsJSON.parse(response.body, provider: name)
    }

    private func authorizationToken() throws(CredentialsError) -> String? {
        var token: String? = nil
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !path.isEmpty {
            do {
                token = String(decoding: try readFile(path), as: UTF8.self)
            } catch {
                throw .failed(name, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(path)): \(error)")
            }
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !value.isEmpty {
            token = value
        }
        guard let token else { return nil }
        let trimmed = token.trimmingWhitespace()
        guard !trimmed.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else {
            throw .failed(name, "the container authorization token contains a control character")
        }
        return trimmed
    }

    static func checkFullURI(_ uri: String, provider: String) throws(CredentialsError) {
        let lowered = uri.lowercased()
        if lowered.hasPrefix("https://") { return }
        guard lowered.hasPrefix("http://") else {
            throw .failed(provider, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http:// or https:// URL")
        }
        let afterScheme = lowered.dropFirst(7)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else {
            throw .failed(provider, "AWS_CONTAINER_CREDENTIALS_FULL_URI must not carry user information")
        }
        var host = String(authority)
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        if allowedPlainHTTPHosts.contains(host) || isLoopback(host) { return }
        throw .failed(
            provider,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI over http must point at a loopback address, 169.254.170.2, "
                + "169.254.170.23 or fd00:ec2::23; got host '\(host.prefix(64))'")
    }

    private static func isLoopback(_ host: String) -> Bool {
        if host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil && ($0 == "0" || !$0.hasPrefix("0")) }) else {
            return false
        }
        return octets[0] == "127"
    }
}
