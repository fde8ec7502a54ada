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
