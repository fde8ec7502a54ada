package import FoundationEssentials
package import HTTPServer
package import JWTAuth
import Logging

/// `POST /upload` and its CORS preflight. Order of checks: ready → token → rate limit →
/// `Content-Type` → body → sign. The token is verified on the event loop (a cache hit or one RSA
/// verification); only an unknown `kid` moves the work off the loop to refetch the JWKS.
package struct UploadRoute: Sendable {
    /// Largest accepted request body (the JSON is four short fields).
    package static let bodyLimit = 8 * 1024

    let verifier: CognitoTokenVerifier
    let issuer: UploadIssuer
    let policy: UploadPolicy
    let cors: CORSPolicy
    let readiness: Readiness
    let rateLimiter: RateLimiter
    let metrics: Metrics
    let now: @Sendable () -> Date
    let uptime: @Sendable () -> Duration

    /// The route with its collaborators; `now` is the wall clock, `uptime` a monotonic clock for the rate limiter.
    package init(
        verifier: CognitoTokenVerifier, issuer: UploadIssuer, policy: UploadPolicy, cors: CORSPolicy,
        readiness: Readiness, rateLimiter: RateLimiter, metrics: Metrics,
        now: @escaping @Sendable () -> Date, uptime: @escaping @Sendable () -> Duration
    ) {
        self.verifier = verifier
        self.issuer = issuer
        self.policy = policy
        self.cors = cors
        self.readiness = readiness
        self.rateLimiter = rateLimiter
        self.metrics = metrics
        self.now = now
        self.uptime = uptime
    }

    /// Registers `POST /upload` and `OPTIONS /upload`.
    package func register(into router: inout Router) {
        router.add(.post, "/upload", bodyLimit: Self.bodyLimit) { request in handle(request) }
        router.add(.options, "/upload") { request in .respond(preflight(request)) }
    }

    /// Answers a preflight: 204 with the CORS headers for an allowed origin, else 403.
    func preflight(_ request: HTTPRequest) -> HTTPResponse {
        let decision = cors.preflight(
            origin: request.headers["Origin"], requestMethod: request.headers["Access-Control-Request-Method"],
            requestHeaders: request.headers["Access-Control-Request-Headers"])
        switch decision {
        case .allowed(let headers):
            var response = HTTPResponse(status: .noContent)
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { response.headers.add(name, value) }
            return response
        case .refused(let reason):
            var response = HTTPResponse(status: .forbidden, headers: ["Vary": "Origin"])
            response.logAttributes.reason = "cors: \(reason)"
            return response
        }
    }

    /// Answers `POST /upload`.
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        let origin = request.headers["Origin"]
        do {
            if !readiness.hasDependencies {
                // Listed only now, off the hot path; empty if it became ready in between.
                let missing = readiness.missingDependencies
                if !missing.isEmpty { throw UploadError.notReady(missing.joined(separator: ", ")) }
            }
            let authorization = request.headers.firstValue("Authorization")
            guard authorization.count <= 1 else { throw rejected(reason: "several_authorization_headers") }
            guard let token = BearerToken.extract(from: authorization.value) else {
                throw rejected(reason: authorization.count == 0 ? "missing_token" : "malformed_authorization")
            }
            do {
                let verified = try verifier.verify(token, now: now())
                return .respond(finish(verified, request, origin: origin))
            } catch let error where error.reason == .unknownKey {
                // A key rotation (or a forged kid): refetch off the loop, once per cooldown.
                return .later {
                    do throws(JWTError) {
                        let verified = try await verifier.verifyRefreshingKeys(token, now: now())
                        return finish(verified, request, origin: origin)
                    } catch {
                        return render(map(error), request: request, origin: origin)
                    }
                }
            } catch {
                throw map(error)
            }
        } catch let error as UploadError {
            return .respond(render(error, request: request, origin: origin))
        } catch {
            return .respond(render(.internalError, request: request, origin: origin))
        }
    }

    func rejected(reason: String) -> UploadError {
        metrics.tokenRejected(reason: reason)
        return .unauthorized(reason: reason)
    }

    func map(_ error: JWTError) -> UploadError {
        metrics.tokenRejected(reason: error.reason.rawValue)
        switch error.reason {
        case .groupRequired:
            return .forbidden("Your account is not in a group that may upload files.", reason: error.reason.rawValue)
        case .keysUnavailable:
            return .notReady("token signing keys (JWKS) not loaded")
        default:
            return .unauthorized(reason: error.reason.rawValue)
        }
    }

    /// Everything after a verified token.
    func finish(_ token: VerifiedToken, _ request: HTTPRequest, origin: String?) -> HTTPResponse {
        do {
            if case .limited(let seconds) = rateLimiter.acquire(key: token.sub, now: uptime()) {
                metrics.rateLimited()
                throw UploadError.rateLimited(retryAfter: seconds)
            }
            guard Self.isJSON(request.headers["Content-Type"]) else { throw UploadError.requestNotJSON }
            guard request.body.count <= Self.bodyLimit else { throw UploadError.bodyTooLarge(limit: Self.bodyLimit) }
            let uploadRequest = try UploadRequest.decode(body: request.body, policy: policy)
            let upload = try issuer.issue(subject: token.sub, request: uploadRequest, now: now())
            metrics.presignedURLIssued()
            var response = JSONBody.response(status: .ok, json: upload.jsonBytes, headers: corsHeaders(origin))
            response.logAttributes.user = token.sub
            return response
        } catch let error as UploadError {
            var response = render(error, request: request, origin: origin)
            response.logAttributes.user = token.sub
            return response
        } catch {
            return render(.internalError, request: request, origin: origin)
        }
    }

    func render(_ error: UploadError, request: HTTPRequest, origin: String?) -> HTTPResponse {
        var response = error.response(requestID: request.requestID)
        for (name, value) in cors.responseHeaders(origin: origin).sorted(by: { $0.key < $1.key }) {
            response.headers.replaceOrAdd(name, value)
        }
        return response
    }

    func corsHeaders(_ origin: String?) -> HTTPHeaders {
        // Most requests carry no Origin (curl, servers): their one header never changes.
        guard origin != nil else { return Self.varyOrigin }
        var headers = HTTPHeaders()
        for (name, value) in cors.responseHeaders(origin: origin).sorted(by: { $0.key < $1.key }) {
            headers.add(name, value)
        }
        return headers
    }

    private static let applicationJSON: [UInt8] = Array("application/json".utf8)

    /// What ``CORSPolicy/responseHeaders(origin:)`` gives for a request without `Origin`.
    static let varyOrigin: HTTPHeaders = ["Vary": "Origin"]

    /// `application/json`, with or without parameters such as `charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        // The usual value exactly, in any case, without splitting, trimming and lowering copies,
        // and over the string's bytes in place (zip over two UTF-8 views cost 17 iterator calls).
        let exact = contentType.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count == 16
                && zip(bytes, applicationJSON).allSatisfy { $1 == UInt8(ascii: "/") ? $0 == $1 : $0 | 0x20 == $1 }
        }
        if exact == true { return true }
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingASCIIWhitespace() }
        return essence?.lowercased() == "application/json"
    }
}
