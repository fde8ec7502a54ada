import HTTPServer

/// Adapts a `LocalS3PutExchange` to HTTPServer's streaming-handler protocol.
final class LocalS3StreamingHandler: HTTPStreamingHandler {
    private let exchange: LocalS3PutExchange

    init(exchange: LocalS3PutExchange) { self.exchange = exchange }

    func head(_ request: HTTPRequest) -> HTTPResponse? {
        exchange.head(S3RequestHead(request)).map(HTTPResponse.init(s3:))
    }

    func body(_ chunk: UnsafeRawBufferPointer) -> HTTPResponse? {
        exchange.body(chunk).map(HTTPResponse.init(s3:))
    }

    func end() -> HTTPResponse { HTTPResponse(s3: exchange.end()) }

    func abort() { exchange.abort() }
}

/// A streaming route that answers from the head alone (preflights, refused methods); any body is
/// never read.
final class LocalS3FixedAnswerHandler: HTTPStreamingHandler {
    private let answer: (S3RequestHead) -> S3Reply
    private var reply: S3Reply?

    init(_ answer: @escaping (S3RequestHead) -> S3Reply) { self.answer = answer }

    func head(_ request: HTTPRequest) -> HTTPResponse? {
        HTTPResponse(s3: answer(S3RequestHead(request)))
    }

    func body(_ chunk: UnsafeRawBufferPointer) -> HTTPResponse? { nil }

    func end() -> HTTPResponse { HTTPResponse(status: .internalServerError) }

    func abort() {}
}

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
