/// A response value: status, headers and a complete body. The server adds `Content-Length`,
/// `Date`, `X-Request-Id`, the security headers and `Connection` itself.
package struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    package var status: HTTPStatus
    /// Header fields to send; `Content-Length`, `Transfer-Encoding`, `Connection` and `Date` here are
    /// ignored because the server owns the framing.
    package var headers: HTTPHeaders
    /// The content; not sent for `HEAD`, 1xx, 204 and 304.
    package var body: [UInt8]
    /// Facts for the access log (the user, an error code); never sent to the client.
    package var logAttributes: HTTPLogAttributes

    /// A response with the given parts.
    package init(status: HTTPStatus, headers: HTTPHeaders = .init(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.logAttributes = HTTPLogAttributes()
    }

    /// The server's JSON error shape `{"error": "<sentence>", "code": "<snake_code>"}`.
    package static func jsonError(
        _ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = .init()
    ) -> HTTPResponse {
        var all = headers
        all.replaceOrAdd("Content-Type", "application/json")
        all.replaceOrAdd("Cache-Control", "no-store")
        let body = "{\"error\":\(JSONString.quote(message)),\"code\":\(JSONString.quote(code))}"
        return HTTPResponse(status: status, headers: all, body: Array(body.utf8))
    }
}

/// The smallest correct JSON string encoder, for error bodies.
enum JSONString {
    /// `text` as a JSON string literal, quotes included.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
