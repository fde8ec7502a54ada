/// The bytes of an outbound request's head (RFC 9112 §3): the request line, `Host`, the client's
/// fixed fields (`User-Agent: secure-upload`, `Accept-Encoding: identity`, `Connection: close`,
/// `Content-Length` when the method carries content), then the caller's fields. A method or field
/// that could split the head (CR, LF, NUL, a non-token name) is refused, and so are the fields
/// whose meaning the client owns (framing, `Host`, proxy credentials). Errors name a field, never
/// its value.
enum OutboundRequestHead {
    /// Field names the caller may not set: the client writes them, and a second copy would change
    /// the message's framing or destination.
    static let reservedFieldNames: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "te", "upgrade", "trailer",
        "proxy-authorization", "proxy-connection", "accept-encoding", "keep-alive",
    ]

    /// The head of a `method` request for `target` (origin-form, or absolute-form through a proxy).
    static func bytes(
        method: String, target: String, hostHeader: String, fields: [(String, String)], bodyCount: Int,
        proxyAuthorization: String? = nil
    ) throws(OutboundHTTPError) -> [UInt8] {
        guard !method.isEmpty, method.utf8.allSatisfy(HTTPResponseParser.isTokenByte),
            method.uppercased() != "CONNECT"
        else { throw OutboundHTTPError(message: "the request method is not a valid HTTP token") }
        let callerSetsUserAgent = fields.contains { $0.0.lowercased() == "user-agent" }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        if !callerSetsUserAgent { head += "User-Agent: secure-upload\r\n" }
        head += "Accept-Encoding: identity\r\nConnection: close\r\n"
        // RFC 9110 §8.6: a method that defines content gets a Content-Length even when it is 0.
        if bodyCount > 0 || ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
            head += "Content-Length: \(bodyCount)\r\n"
        }
        if let proxyAuthorization { head += "Proxy-Authorization: \(proxyAuthorization)\r\n" }
        for (name, value) in fields {
            try validate(name: name, value: value)
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// The head of a CONNECT request opening a tunnel to `authority` (RFC 9110 §9.3.6).
    static func connect(authority: String, proxyAuthorization: String?) -> [UInt8] {
        var head = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: secure-upload\r\n"
        if let proxyAuthorization { head += "Proxy-Authorization: \(proxyAuthorization)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    private static func validate(name: String, value: String) throws(OutboundHTTPError) {
        guard !name.isEmpty, name.utf8.allSatisfy(HTTPResponseParser.isTokenByte) else {
            throw OutboundHTTPError(message: "a request header name is not a valid HTTP token")
        }
        guard !reservedFieldNames.contains(name.lowercased()) else {
            throw OutboundHTTPError(message: "the request header \(name) is set by the client itself")
        }
        // RFC 9110 §5.5: CR, LF and NUL in a value are how headers are injected.
        guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw OutboundHTTPError(message: "the request header \(name) has a control character in its value")
        }
    }
}
