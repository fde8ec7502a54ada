package import HTTPServer

extension LocalIdentityProvider {
    /// Routes the Cognito JSON endpoint (`POST /local/cognito/` and `/local/cognito`, with CORS
    /// preflights for loopback origins), the JWKS at `<issuer>/.well-known/jwks.json` and the
    /// OpenID discovery document next to it.
    package func register(into router: inout Router) {
        let cors = LocalS3CORS(baseURL: cognitoEndpoint)
        for path in [Self.pathPrefix + "/", Self.pathPrefix] {
            router.add(.post, path, bodyLimit: 64 * 1024) { [self] request in
                let reply = handle(
                    target: request.headers["X-Amz-Target"], contentType: request.headers["Content-Type"],
                    body: request.body)
                var headers: HTTPHeaders = [
                    "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": LocalTokenMinter.randomUUID(),
                    "Cache-Control": "no-store",
                ]
                if let errorType = reply.errorType { headers.add("x-amzn-ErrorType", errorType) }
                if let origin = request.headers["Origin"], cors.allows(origin: origin) {
                    headers.add("Access-Control-Allow-Origin", origin)
                    headers.add("Vary", "Origin")
                }
                return .respond(HTTPResponse(status: .local(reply.status), headers: headers, body: reply.body))
            }
            router.add(.options, path) { request in
                guard let origin = request.headers["Origin"], cors.allows(origin: origin),
                    request.headers["Access-Control-Request-Method"] == "POST"
                else { return .respond(HTTPResponse(status: .forbidden)) }
                return .respond(
                    HTTPResponse(
                        status: .noContent,
                        headers: [
                            "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "POST",
                            "Access-Control-Allow-Headers":
                                "content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request",
                            "Access-Control-Max-Age": "600", "Vary": "Origin",
                        ]))
            }
        }
        let issuerPath = Self.pathPrefix + "/" + userPoolID
        let jwks = jwksDocument()
        router.add(.get, issuerPath + "/.well-known/jwks.json") { _ in
            .respond(
                HTTPResponse(
                    status: .ok,
                    headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"],
                    body: jwks))
        }
        let discovery = openIDConfiguration()
        router.add(.get, issuerPath + "/.well-known/openid-configuration") { _ in
            .respond(
                HTTPResponse(
                    status: .ok,
                    headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"],
                    body: discovery))
        }
    }
}
