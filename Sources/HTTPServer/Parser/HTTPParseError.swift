/// Why a request was refused before reaching a handler, with the status RFC 9112 prescribes.
/// Rendered as the server's JSON error body.
package struct HTTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status to answer with.
    package let status: HTTPStatus
    /// A stable snake_case code for the JSON body.
    package let code: String
    /// A sentence saying what is wrong with the request.
    package let message: String

    init(_ status: HTTPStatus, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// `400 bare_cr: The request contains ...`, for logs and test failures.
    package var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON error response for this refusal.
    var response: HTTPResponse {
        HTTPResponse.jsonError(status, code: code, message: message)
    }

    static let bareCR = HTTPParseError(
        .badRequest, "bare_cr", "The request contains a CR that is not followed by LF.")
    static let bareLF = HTTPParseError(
        .badRequest, "bare_lf", "Lines in the request head must end with CRLF, not a bare LF.")
    static let requestLineTooLong = HTTPParseError(
        .uriTooLong, "request_line_too_long", "The request line is longer than this server accepts.")
    static let headersTooLarge = HTTPParseError(
        .requestHeaderFieldsTooLarge, "headers_too_large", "The header block is larger than this server accepts.")
    static let tooManyHeaders = HTTPParseError(
        .requestHeaderFieldsTooLarge, "too_many_headers", "The request has more header fields than this server accepts."
    )
    static let malformedRequestLine = HTTPParseError(
        .badRequest, "malformed_request_line", "The request line is not `METHOD target HTTP/x.y`.")
    static let invalidMethod = HTTPParseError(
        .badRequest, "invalid_method", "The method contains characters that are not allowed in a token.")
    static let unknownMethod = HTTPParseError(
        .notImplemented, "method_not_implemented", "This server does not implement the request method.")
    static let invalidTarget = HTTPParseError(
        .badRequest, "invalid_target", "The request target contains characters that are not allowed.")
    static let unsupportedTarget = HTTPParseError(
        .badRequest, "unsupported_target_form", "The request target must be an absolute path such as `/upload`.")
    static let foreignAbsoluteTarget = HTTPParseError(
        .badRequest, "foreign_target", "The absolute-form target names a host other than the Host header.")
    static let unsupportedVersion = HTTPParseError(
        .httpVersionNotSupported, "http_version_not_supported", "This server speaks HTTP/1.0 and HTTP/1.1 only.")
    static let obsoleteLineFolding = HTTPParseError(
        .badRequest, "obs_fold", "Header lines must not be folded (RFC 9112 §5.2).")
    static let invalidHeaderName = HTTPParseError(
        .badRequest, "invalid_header_name",
        "A header name is empty, contains a character not allowed in a token, or is followed by whitespace.")
    static let missingColon = HTTPParseError(
        .badRequest, "malformed_header", "A header line has no colon.")
    static let invalidHeaderValue = HTTPParseError(
        .badRequest, "invalid_header_value", "A header value contains a control character.")
    static let missingHost = HTTPParseError(
        .badRequest, "missing_host", "HTTP/1.1 requests must carry exactly one Host header.")
    static let duplicateHost = HTTPParseError(
        .badRequest, "duplicate_host", "The request has more than one Host header.")
    static let invalidHost = HTTPParseError(
        .badRequest, "invalid_host", "The Host header is not a valid host and port.")
    static let contentLengthWithTransferEncoding = HTTPParseError(
        .badRequest, "conflicting_framing", "The request has both Content-Length and Transfer-Encoding.")
    static let duplicateContentLength = HTTPParseError(
        .badRequest, "duplicate_content_length", "The request has more than one Content-Length.")
    static let invalidContentLength = HTTPParseError(
        .badRequest, "invalid_content_length", "Content-Length must be a decimal number of bytes.")
    static let transferEncodingInHTTP10 = HTTPParseError(
        .badRequest, "transfer_encoding_http10", "HTTP/1.0 requests must not use Transfer-Encoding.")
    static let unknownTransferCoding = HTTPParseError(
        .notImplemented, "unsupported_transfer_coding", "The only transfer coding this server accepts is chunked.")
    static let invalidTransferEncoding = HTTPParseError(
        .badRequest, "invalid_transfer_encoding", "Transfer-Encoding must end with chunked, listed once.")
    static let unsupportedExpectation = HTTPParseError(
        .expectationFailed, "expectation_failed", "The only expectation this server supports is 100-continue.")
    static let invalidChunkSize = HTTPParseError(
        .badRequest, "invalid_chunk_size", "A chunk size is not a valid hexadecimal number.")
    static let invalidChunkExtension = HTTPParseError(
        .badRequest, "invalid_chunk_extension", "A chunk extension is malformed or too long.")
    static let missingChunkTerminator = HTTPParseError(
        .badRequest, "invalid_chunk", "Chunk data is not followed by CRLF.")
    static let invalidTrailer = HTTPParseError(
        .badRequest, "invalid_trailer", "A trailer field is malformed.")
    static let bodyTooLarge = HTTPParseError(
        .payloadTooLarge, "body_too_large", "The request body is larger than this endpoint accepts.")
    static let tooManyEmptyLines = HTTPParseError(
        .badRequest, "malformed_request_line", "The request starts with too many empty lines.")
}
