import HTTPServer

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
