import Foundation
import FoundationNetworking
package import SigV4
import Synchronization

/// The one outbound HTTP client of the service (JWKS, STS, ECS and EC2 credential endpoints):
/// FoundationNetworking's `URLSession` over libcurl with certificate verification on, no
/// cookies, no cache, no redirects followed (a redirect could leave the allowed host), a per-request
/// timeout and a cap on the response size.
package final class URLSessionHTTPClient: OutboundHTTPClient {
    /// Largest response body accepted.
    package let maximumResponseBytes: Int
    private let session: URLSession

    /// A client with its own ephemeral session.
    package init(maximumResponseBytes: Int = 1 << 20) {
        self.maximumResponseBytes = maximumResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        self.session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `request`; any status is a response, transport failures throw.
    package func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.host != nil
        else { throw OutboundHTTPError(message: "not an absolute http(s) URL") }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        let parts = request.timeout.components
        urlRequest.timeoutInterval = max(0.1, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        let session = session
        let prepared = urlRequest
        let maximumResponseBytes = maximumResponseBytes
        // URLRequest.timeoutInterval only bounds the time between two bytes: an endpoint that
        // trickles a byte every second would hold the fetch (and readiness, and every caller
        // joining it) for as long as it likes. The request's timeout bounds the whole exchange.
        return try await Self.withDeadline(request.timeout) {
            try await Self.perform(prepared, session: session, maximumResponseBytes: maximumResponseBytes)
        }
    }

    private static func perform(
        _ urlRequest: URLRequest, session: URLSession, maximumResponseBytes: Int
    ) async throws -> OutboundHTTPResponse {
        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else { throw OutboundHTTPError(message: "not an HTTP response") }
        guard data.count <= maximumResponseBytes else {
            throw OutboundHTTPError(message: "response larger than \(maximumResponseBytes) bytes")
        }
        var headers: [(String, String)] = []
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers.append((name, value)) }
        }
        return OutboundHTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
    }

    /// `operation`'s result, or `OutboundHTTPError` once `limit` has passed, whichever comes
    /// first. The late operation is not cancelled, only abandoned (its result dropped): cancelling
    /// `URLSession.data(for:)` from Swift concurrency can wedge FoundationNetworking on Linux (the
    /// next fetch then never started in the faults suite); the abandoned transfer still ends at
    /// its idle timeout or when the peer finishes.
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let pending = PendingResult<T>()
        return try await withCheckedThrowingContinuation { continuation in
            pending.set(continuation)
            Task {
                do {
                    pending.finish(with: .success(try await operation()))
                } catch {
                    pending.finish(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                pending.finish(with: .failure(OutboundHTTPError(message: "no complete response within \(limit)")))
            }
        }
    }
}

/// The continuation of `withDeadline`, resumed exactly once by whichever side finishes first.
private final class PendingResult<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        slot.withLock { $0 = continuation }
    }

    /// Resumes the continuation with `result` unless the other side already did; whether it did.
    @discardableResult
    func finish(with result: Result<T, any Error>) -> Bool {
        guard let continuation = slot.withLock({ $0.take() }) else { return false }
        continuation.resume(with: result)
        return true
    }
}

/// Answers every redirect with "do not follow": the caller sees the 3xx itself.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
