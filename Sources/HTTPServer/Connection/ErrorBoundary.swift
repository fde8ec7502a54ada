import Logging

/// The one place that turns a handler's thrown error into a response.
enum ErrorBoundary {
    /// `HTTPResponseError`s render themselves; anything else is a bare 500, its details logged
    /// with the request id so an operator can find them, never sent.
    static func response(for error: any Error, requestID: String, logger: Logger) -> HTTPResponse {
        if let known = error as? any HTTPResponseError {
            return known.response(requestID: requestID)
        }
        logger.error(
            "handler failed", metadata: ["request_id": "\(requestID)", "error": "\(String(reflecting: error))"])
        return internalError
    }

    static let internalError = HTTPResponse.jsonError(
        .internalServerError, code: "internal_error", message: "The server failed to answer this request.")
}
