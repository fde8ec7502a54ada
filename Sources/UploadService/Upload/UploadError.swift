/// Every refusal the upload API can give, as the JSON body `{"error", "code", "field"?}` plus
/// its HTTP status and headers. The message is a sentence a user can act on; it never carries a
/// token, a signature or why exactly a token failed (that goes to logs and metrics only).
package struct UploadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// HTTP status code.
    package var status: Int
    /// Stable machine-readable code.
    package var code: String
    /// Human sentence.
    package var message: String
    /// The request field at fault, when there is one.
    package var field: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    package var headers: [String: String] = [:]
    /// Detail for logs and metrics only (a JWT rejection reason); never sent to the client.
    package var logReason: String?

    /// `<status> <code>: <message>`, for logs.
    package var description: String { "\(status) \(code): \(message)" }

    /// 400: a required field is absent or null.
    package static func missingField(_ field: String) -> UploadError {
        UploadError(status: 400, code: "missing_field", message: "The field \"\(field)\" is required.", field: field)
    }

    /// 400: a field has the wrong type or an unusable value.
    package static func invalidField(_ field: String, _ message: String) -> UploadError {
        UploadError(status: 400, code: "invalid_field", message: message, field: field)
    }

    /// 400: a field the API does not know (a client must not smuggle in a key or bucket).
    package static func unknownField(_ field: String) -> UploadError {
        UploadError(
            status: 400, code: "unknown_field",
            message: "The field \"\(field)\" is not part of an upload request "
                + "(expected filename, contentType, size and optionally checksumSHA256).",
            field: field)
    }

    /// 400: a field given twice (which copy would win is parser-dependent).
    package static func duplicateField(_ field: String) -> UploadError {
        UploadError(
            status: 400, code: "duplicate_field", message: "The field \"\(field)\" appears more than once.",
            field: field)
    }

    /// 400: the body is not JSON.
    package static func invalidJSON(_ detail: String) -> UploadError {
        UploadError(status: 400, code: "invalid_json", message: "The request body is not valid JSON (\(detail)).")
    }

    /// 400: the body is JSON but not an object.
    package static let bodyNotObject = UploadError(
        status: 400, code: "invalid_json", message: "The request body must be a JSON object.")

    /// 413: `size` is over `MAX_UPLOAD_BYTES`.
    package static func fileTooLarge(size: String, limit: Int64) -> UploadError {
        UploadError(
            status: 413, code: "file_too_large",
            message: "The file size \(size) bytes is over the limit of \(limit) bytes.", field: "size")
    }

    /// 415: `contentType` is not in `ALLOWED_CONTENT_TYPES`.
    package static func contentTypeNotAllowed(_ contentType: String) -> UploadError {
        UploadError(
            status: 415, code: "content_type_not_allowed",
            message: "Files of type \"\(contentType)\" may not be uploaded here.", field: "contentType")
    }

    /// 415: the request itself is not `application/json`.
    package static let requestNotJSON = UploadError(
        status: 415, code: "unsupported_media_type",
        message: "The request must be sent with Content-Type: application/json.")

    /// 413: the request body is over the route's limit.
    package static func bodyTooLarge(limit: Int) -> UploadError {
        UploadError(
            status: 413, code: "body_too_large", message: "The request body is over the limit of \(limit) bytes.")
    }

    /// 401: the same answer whatever was wrong with the token; `reason` is for logs only.
    package static func unauthorized(reason: String) -> UploadError {
        UploadError(
            status: 401, code: "unauthorized", message: "A valid sign-in token is required.",
            headers: ["WWW-Authenticate": "Bearer"], logReason: reason)
    }

    /// 403: a valid token that may not upload.
    package static func forbidden(_ message: String, reason: String) -> UploadError {
        UploadError(status: 403, code: "forbidden", message: message, logReason: reason)
    }

    /// 429 with `Retry-After`.
    package static func rateLimited(retryAfter seconds: Int) -> UploadError {
        UploadError(
            status: 429, code: "rate_limited",
            message: "Too many upload requests; try again in \(seconds) second\(seconds == 1 ? "" : "s").",
            headers: ["Retry-After": String(seconds)])
    }

    /// 503: keys or credentials are not loaded yet.
    package static func notReady(_ what: String) -> UploadError {
        UploadError(
            status: 503, code: "not_ready", message: "The service is not ready: \(what).",
            headers: ["Retry-After": "5"])
    }

    /// 503: the credentials expire too soon to sign a useful URL.
    package static let credentialsExpiring = UploadError(
        status: 503, code: "credentials_expiring",
        message: "The service's storage credentials are about to be renewed; try again in a few seconds.",
        headers: ["Retry-After": "5"])

    /// 500: anything unexpected; the detail goes to the log only.
    package static let internalError = UploadError(
        status: 500, code: "internal_error", message: "The server failed to handle the request.")
}
