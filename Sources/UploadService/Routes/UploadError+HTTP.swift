import FoundationEssentials
package import HTTPServer

extension UploadError: HTTPResponseError {
    /// The JSON error body `{"error", "code", "field"?}` with this error's status and headers.
    package func response(requestID: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in self.headers.sorted(by: { $0.key < $1.key }) { headers.add(name, value) }
        var response = JSONBody.response(
            status: HTTPStatus(code: status, reason: HTTPStatus.reasonPhrase(for: status)),
            json: ErrorBody(error: message, code: code, field: field).jsonBytes, headers: headers)
        response.logAttributes.errorCode = code
        response.logAttributes.reason = logReason
        return response
    }

    struct ErrorBody: Encodable {
        var error: String
        var code: String
        var field: String?

        /// What `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes, written directly:
        /// every 401 went through the encoder, a tenth of a bad-token request's CPU.
        var jsonBytes: [UInt8] {
            var out: [UInt8] = Array(#"{"code":"#.utf8)
            JSONEscaping.appendString(code, to: &out)
            out.append(contentsOf: #","error":"#.utf8)
            JSONEscaping.appendString(error, to: &out)
            if let field {
                out.append(contentsOf: #","field":"#.utf8)
                JSONEscaping.appendString(field, to: &out)
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}

extension HTTPStatus {
    /// The RFC 9110 reason phrase of the statuses the upload API uses.
    static func reasonPhrase(for code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 503: return "Service Unavailable"
        default: return code < 500 ? "Client Error" : "Server Error"
        }
    }
}
