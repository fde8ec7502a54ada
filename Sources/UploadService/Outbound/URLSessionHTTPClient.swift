import Foundation
import FoundationNetworking
package import SigV4

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
