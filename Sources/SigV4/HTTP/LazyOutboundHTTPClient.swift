import Synchronization

/// An ``OutboundHTTPClient`` that builds the real client on the first request. `URLSession`'s
/// set-up (cookie storage, caches) cost milliseconds of start-up even when the service never
/// makes an outbound call (JWKS from a file, static credentials, local mode).
package final class LazyOutboundHTTPClient: OutboundHTTPClient {
    private let make: @Sendable () -> any OutboundHTTPClient
    private let client = Mutex<(any OutboundHTTPClient)?>(nil)

    /// A client that calls `make` once, when the first request is sent.
    package init(_ make: @escaping @Sendable () -> any OutboundHTTPClient) {
        self.make = make
    }

    /// Whether the real client exists yet.
    package var isBuilt: Bool { client.withLock { $0 != nil } }

    package func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
        let real = client.withLock { client in
            if let client { return client }
            let built = make()
            client = built
            return built
        }
        return try await real.send(request)
    }
}
