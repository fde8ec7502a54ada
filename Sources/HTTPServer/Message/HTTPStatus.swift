/// A response status code with its reason phrase.
package struct HTTPStatus: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit code.
    package let code: Int
    /// The reason phrase sent after the code.
    package let reason: String

    /// A status; `code` must be 100...999 and `reason` printable ASCII without CR or LF.
    package init(code: Int, reason: String) {
        precondition((100...999).contains(code), "an HTTP status code has three digits")
        self.code = code
        self.reason = reason
    }

    /// `200 OK`
    package var description: String { "\(code) \(reason)" }

    /// True for statuses whose responses never carry content (RFC 9110 §6.4.1).
    var forbidsBody: Bool { code < 200 || code == 204 || code == 304 }

    /// 100 Continue
    package static let `continue` = HTTPStatus(code: 100, reason: "Continue")
    /// 200 OK
    package static let ok = HTTPStatus(code: 200, reason: "OK")
    /// 201 Created
    package static let created = HTTPStatus(code: 201, reason: "Created")
    /// 202 Accepted
    package static let accepted = HTTPStatus(code: 202, reason: "Accepted")
    /// 204 No Content
    package static let noContent = HTTPStatus(code: 204, reason: "No Content")
    /// 206 Partial Content
    package static let partialContent = HTTPStatus(code: 206, reason: "Partial Content")
    /// 301 Moved Permanently
    package static let movedPermanently = HTTPStatus(code: 301, reason: "Moved Permanently")
    /// 302 Found
    package static let found = HTTPStatus(code: 302, reason: "Found")
    /// 303 See Other
    package static let seeOther = HTTPStatus(code: 303, reason: "See Other")
    /// 304 Not Modified
    package static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    /// 307 Temporary Redirect
    package static let temporaryRedirect = HTTPStatus(code: 307, reason: "Temporary Redirect")
    /// 400 Bad Request
    package static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    /// 401 Unauthorized
    package static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    /// 403 Forbidden
    package static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    /// 404 Not Found
    package static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    /// 405 Method Not Allowed
    package static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    /// 408 Request Timeout
    package static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    /// 409 Conflict
    package static let conflict = HTTPStatus(code: 409, reason: "Conflict")
    /// 411 Length Required
    package static let lengthRequired = HTTPStatus(code: 411, reason: "Length Required")
    /// 412 Precondition Failed
    package static let preconditionFailed = HTTPStatus(code: 412, reason: "Precondition Failed")
    /// 413 Content Too Large
    package static let payloadTooLarge = HTTPStatus(code: 413, reason: "Content Too Large")
    /// 414 URI Too Long
    package static let uriTooLong = HTTPStatus(code: 414, reason: "URI Too Long")
    /// 415 Unsupported Media Type
    package static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    /// 417 Expectation Failed
    package static let expectationFailed = HTTPStatus(code: 417, reason: "Expectation Failed")
    /// 422 Unprocessable Content
    package static let unprocessableContent = HTTPStatus(code: 422, reason: "Unprocessable Content")
    /// 429 Too Many Requests
    package static let tooManyRequests = HTTPStatus(code: 429, reason: "Too Many Requests")
    /// 431 Request Header Fields Too Large
    package static let requestHeaderFieldsTooLarge = HTTPStatus(
        code: 431, reason: "Request Header Fields Too Large")
    /// 500 Internal Server Error
    package static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    /// 501 Not Implemented
    package static let notImplemented = HTTPStatus(code: 501, reason: "Not Implemented")
    /// 502 Bad Gateway
    package static let badGateway = HTTPStatus(code: 502, reason: "Bad Gateway")
    /// 503 Service Unavailable
    package static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    /// 504 Gateway Timeout
    package static let gatewayTimeout = HTTPStatus(code: 504, reason: "Gateway Timeout")
    /// 505 HTTP Version Not Supported
    package static let httpVersionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")
}
