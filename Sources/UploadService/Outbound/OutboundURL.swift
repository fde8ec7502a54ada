import Glibc

/// An absolute `http` or `https` URL split into what an HTTP/1.1 request needs (RFC 3986 §3,
/// RFC 9112 §3.2). Strict: printable ASCII only (a space, CR or LF in a URL could split the request
/// line), a host that is a DNS name, an IPv4 address or a bracketed IPv6 address, a port in
/// 1...65535. The fragment is dropped.
struct OutboundURL: Equatable, Sendable {
    /// The schemes the client speaks.
    enum Scheme: String, Sendable {
        case http, https

        var defaultPort: Int { self == .http ? 80 : 443 }
    }

    var scheme: Scheme
    /// Lower-cased; an IPv6 address without its brackets.
    var host: String
    var port: Int
    /// The path and query, `/` when the URL has none (origin-form, RFC 9112 §3.2.1).
    var target: String
    /// The raw `user:password` before `@`, if any (only proxy URLs may carry one).
    var userInfo: String?

    /// Whether the host is an IPv6 literal.
    var isIPv6: Bool { host.contains(":") }

    /// The host as it appears in a URL: brackets around an IPv6 address.
    var bracketedHost: String { isIPv6 ? "[\(host)]" : host }

    /// The `Host` header: the host, with the port when it is not the scheme's default.
    var hostHeader: String { port == scheme.defaultPort ? bracketedHost : "\(bracketedHost):\(port)" }

    /// `host:port`, as a CONNECT request names its target (RFC 9112 §3.2.3).
    var authority: String { "\(bracketedHost):\(port)" }

    /// The URL in absolute-form, without credentials, as a request to a proxy names it.
    var absoluteForm: String { "\(scheme.rawValue)://\(hostHeader)\(target)" }

    /// Parses `text`. Without a scheme, `defaultScheme` is assumed when given (proxy settings are
    /// often written `proxy.corp:3128`), otherwise the URL is refused. Errors never quote the URL:
    /// it could carry a token or a password.
    init(parsing text: String, defaultScheme: Scheme? = nil, defaultPort: Int? = nil) throws(OutboundHTTPError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw OutboundHTTPError(message: "the URL is empty") }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw OutboundHTTPError(message: "the URL contains a space, a control character or a non-ASCII byte")
        }
        var rest = bytes[...]
        if let separator = Self.find(Array("://".utf8), in: rest) {
            let name = String(decoding: rest[..<separator], as: UTF8.self).lowercased()
            guard let scheme = Scheme(rawValue: name) else {
                throw OutboundHTTPError(message: "unsupported URL scheme (only http and https)")
            }
            self.scheme = scheme
            rest = rest[(separator + 3)...]
        } else if let defaultScheme {
            self.scheme = defaultScheme
        } else {
            throw OutboundHTTPError(message: "not an absolute http(s) URL")
        }
        let authorityEnd = rest.firstIndex {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        }
        var authority = rest[..<(authorityEnd ?? rest.endIndex)]
        var path = rest[(authorityEnd ?? rest.endIndex)...]
        if let fragment = path.firstIndex(of: UInt8(ascii: "#")) { path = path[..<fragment] }

        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            userInfo = String(decoding: authority[..<at], as: UTF8.self)
            authority = authority[(at + 1)...]
        } else {
            userInfo = nil
        }

        var portText: ArraySlice<UInt8>
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw OutboundHTTPError(message: "the URL's IPv6 address has no closing bracket")
            }
            let address = String(decoding: authority[(authority.startIndex + 1)..<close], as: UTF8.self)
            var parsed = in6_addr()
            guard inet_pton(AF_INET6, address, &parsed) == 1 else {
                throw OutboundHTTPError(message: "the URL's IPv6 address is not valid")
            }
            host = address.lowercased()
            portText = authority[(close + 1)...]
            if !portText.isEmpty {
                guard portText.first == UInt8(ascii: ":") else {
                    throw OutboundHTTPError(message: "the URL has characters after its IPv6 address")
                }
                portText = portText.dropFirst()
            }
        } else {
            let colon = authority.firstIndex(of: UInt8(ascii: ":"))
            let name = authority[..<(colon ?? authority.endIndex)]
            portText = colon.map { authority[($0 + 1)...] } ?? []
            guard !name.isEmpty, name.allSatisfy(Self.isHostByte) else {
                throw OutboundHTTPError(message: "the URL's host is missing or not a valid host name")
            }
            host = String(decoding: name, as: UTF8.self).lowercased()
        }
        if portText.isEmpty {
            port = defaultPort ?? scheme.defaultPort
        } else {
            guard portText.count <= 5, portText.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(String(decoding: portText, as: UTF8.self)), (1...65_535).contains(number)
            else { throw OutboundHTTPError(message: "the URL's port is not a number in 1...65535") }
            port = number
        }
        let pathText = String(decoding: path, as: UTF8.self)
        target = pathText.isEmpty ? "/" : pathText.hasPrefix("?") ? "/" + pathText : pathText
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            // A scheme ends before the first "/", "?" or "#": "://" after them is not a scheme.
            if haystack[index] == UInt8(ascii: "/") || haystack[index] == UInt8(ascii: "?")
                || haystack[index] == UInt8(ascii: "#") || haystack[index] == UInt8(ascii: "@")
            {
                return nil
            }
            index += 1
        }
        return nil
    }
}
