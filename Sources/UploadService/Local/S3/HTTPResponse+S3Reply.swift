import HTTPServer

extension S3RequestHead {
    init(_ request: HTTPRequest) {
        self.init(
            method: request.method.rawValue, rawPath: request.path, rawQuery: request.query,
            headers: request.headers.map { (name: $0.name, value: $0.value) })
    }
}

extension HTTPResponse {
    init(s3 reply: S3Reply) {
        self.init(
            status: HTTPStatus.local(reply.status), headers: HTTPHeaders(reply.headers.map { ($0.name, $0.value) }),
            body: reply.body)
    }
}

extension HTTPStatus {
    /// The status for a numeric code, with the standard reason phrase.
    static func local(_ code: Int) -> HTTPStatus {
        switch code {
        case 200: .ok
        case 400: .badRequest
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 411: .lengthRequired
        case 412: .preconditionFailed
        case 413: .payloadTooLarge
        case 429: .tooManyRequests
        case 501: .notImplemented
        case 503: .serviceUnavailable
        default: code < 500 ? HTTPStatus(code: code, reason: "Error") : .internalServerError
        }
    }
}
