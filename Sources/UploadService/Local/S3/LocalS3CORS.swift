import FoundationEssentials

/// CORS for the local receiver, modelled on an S3 bucket CORS rule: the page is same-origin in
/// local mode, but any `http(s)://localhost`, `127.0.0.1` or `[::1]` origin (any port) and the
/// server's own origin may PUT (and GET/HEAD), send `Content-Type`, `If-None-Match` and any
/// `x-amz-*` header, and read `ETag`. Others get S3's 403 `AccessForbidden` on preflight and no
/// CORS headers on the actual request.
struct LocalS3CORS: Sendable {
    /// The server's own origin (`http://127.0.0.1:8080`).
    let ownOrigin: String

    static let allowedMethods = ["PUT", "GET", "HEAD"]
    static let exposedHeaders = "ETag, x-amz-checksum-sha256, x-amz-request-id, x-amz-version-id"
    static let maxAge = "3000"

    init(baseURL: String) {
        // Scheme and authority only: the origin of the base URL.
        var origin = baseURL
        if let schemeEnd = origin.firstRange(of: "://") {
            let rest = origin[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(of: "/") { origin = String(origin[..<slash]) }
        }
        ownOrigin = origin.lowercased()
    }

    /// Whether `origin` may use the receiver.
    func allows(origin: String) -> Bool {
        let lowered = origin.lowercased()
        if lowered == ownOrigin { return true }
        let afterScheme: Substring
        if lowered.hasPrefix("http://") {
            afterScheme = lowered.dropFirst(7)
        } else if lowered.hasPrefix("https://") {
            afterScheme = lowered.dropFirst(8)
        } else {
            return false
        }
        for host in ["localhost", "127.0.0.1", "[::1]"] where afterScheme.hasPrefix(host) {
            let rest = afterScheme.dropFirst(host.count)
            if rest.isEmpty { return true }
            guard rest.first == ":" else { continue }
            let port = rest.dropFirst()
            return !port.isEmpty && port.count <= 5 && port.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return false
    }

    /// Headers to add to an actual (non-preflight) answer for a request from `origin`.
    func responseHeaders(origin: String?) -> [(name: String, value: String)] {
        guard let origin, allows(origin: origin) else { return [] }
        return [
            ("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", Self.exposedHeaders),
            ("Vary", "Origin"),
        ]
    }

    /// Whether a browser may send the request header `name`.
    static func allowsRequestHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.hasPrefix("x-amz-")
            || [
                "content-type", "content-md5", "if-none-match", "cache-control", "content-disposition",
                "content-language",
            ]
            .contains(lowered)
    }

    /// The answer to an `OPTIONS` preflight.
    func preflight(_ head: S3RequestHead, requestID: String) -> S3Reply {
        guard let origin = head.header("Origin"), allows(origin: origin),
            let method = head.header("Access-Control-Request-Method"), Self.allowedMethods.contains(method)
        else {
            return .error(.corsForbidden, key: nil, requestID: requestID, cors: [])
        }
        let requested = head.values("Access-Control-Request-Headers")
            .flatMap { $0.split(separator: ",") }
            .map { String($0.trimmingWhitespace()).lowercased() }
            .filter { !$0.isEmpty }
        guard requested.allSatisfy(Self.allowsRequestHeader) else {
            return .error(.corsForbidden, key: nil, requestID: requestID, cors: [])
        }
        var headers: [(name: String, value: String)] = [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", Self.allowedMethods.joined(separator: ", ")),
            ("Access-Control-Expose-Headers", Self.exposedHeaders),
            ("Access-Control-Max-Age", Self.maxAge),
            ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
            ("x-amz-request-id", requestID),
        ]
        if !requested.isEmpty { headers.append(("Access-Control-Allow-Headers", requested.joined(separator: ", "))) }
        return S3Reply(status: 200, headers: headers, body: [])
    }
}
