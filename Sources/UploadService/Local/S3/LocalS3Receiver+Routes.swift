package import HTTPServer

extension LocalS3Receiver {
    /// Routes the receiver: streaming `PUT` under `/local/s3/`, pre-signed `GET`/`HEAD` of objects,
    /// CORS preflights, and S3's refusal for other methods.
    package func register(into router: inout Router) {
        let context = self.context
        let prefix = Self.pathPrefix + "/"
        // The receiver applies the configured limit itself, to answer with S3's EntityTooLarge.
        router.addStreaming(.put, prefix: prefix, bodyLimit: Int.max) {
            LocalS3StreamingHandler(exchange: LocalS3PutExchange(context: context))
        }
        router.addStreaming(.options, prefix: prefix, bodyLimit: 0) {
            LocalS3FixedAnswerHandler { head in
                context.cors.preflight(head, requestID: LocalS3PutExchange.newRequestID())
            }
        }
        let reader = LocalS3ObjectReader(context: context)
        for method in [HTTPMethod.get, .head] {
            router.addStreaming(method, prefix: prefix, bodyLimit: 0) {
                LocalS3FixedAnswerHandler { head in reader.answer(head) }
            }
        }
        for method in [HTTPMethod.post, .delete, .patch] {
            router.addStreaming(method, prefix: prefix, bodyLimit: 0) {
                LocalS3FixedAnswerHandler { head in
                    let address = try? S3ObjectAddress.parse(rawPath: String(head.rawPath.dropFirst(prefix.count)))
                    let error: S3Error =
                        address != nil && address?.bucket != context.store.bucket
                        ? .noSuchBucket : .methodNotAllowed(head.method)
                    return .error(
                        error, key: address?.key, requestID: LocalS3PutExchange.newRequestID(),
                        cors: context.cors.responseHeaders(origin: head.header("Origin")))
                }
            }
        }
    }
}
