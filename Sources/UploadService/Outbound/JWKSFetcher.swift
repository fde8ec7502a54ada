import FoundationEssentials
package import SigV4

/// Fetches a JWKS document over HTTPS (or plain HTTP to a loopback host, for emulators) with the
/// shared outbound client: a short timeout, status 200 required, JSON only.
package struct JWKSFetcher: Sendable {
    /// The JWKS URL.
    package let url: String
    let client: any OutboundHTTPClient
    let timeout: Duration

    /// A fetcher of `url` through `client`, each attempt bounded by `timeout`.
    package init(url: String, client: any OutboundHTTPClient, timeout: Duration = .seconds(5)) {
        self.url = url
        self.client = client
        self.timeout = timeout
    }

    /// The document's bytes; throws when the fetch fails or does not answer 200.
    package func fetch() async throws -> [UInt8] {
        let response = try await client.send(
            OutboundHTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")], timeout: timeout))
        guard response.status == 200 else {
            throw OutboundHTTPError(message: "JWKS endpoint answered HTTP \(response.status)")
        }
        return response.body
    }
}
