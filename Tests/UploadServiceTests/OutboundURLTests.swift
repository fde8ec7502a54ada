import Testing

@testable import UploadService

@Suite("Outbound URL parsing")
struct OutboundURLTests {
    /// (URL, scheme, host, port, target, Host header).
    static let valid: [(String, OutboundURL.Scheme, String, Int, String, String)] = [
        (
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab/.well-known/jwks.json", .https,
            "cognito-idp.eu-west-1.amazonaws.com", 443, "/eu-west-1_Ab/.well-known/jwks.json",
            "cognito-idp.eu-west-1.amazonaws.com"
        ),
        (
            "http://169.254.169.254/latest/api/token", .http, "169.254.169.254", 80, "/latest/api/token",
            "169.254.169.254"
        ),
        (
            "http://169.254.170.2/v2/credentials/abc?x=1", .http, "169.254.170.2", 80, "/v2/credentials/abc?x=1",
            "169.254.170.2"
        ),
        ("HTTPS://STS.Amazonaws.COM", .https, "sts.amazonaws.com", 443, "/", "sts.amazonaws.com"),
        ("https://sts.amazonaws.com?Action=X", .https, "sts.amazonaws.com", 443, "/?Action=X", "sts.amazonaws.com"),
        ("http://127.0.0.1:8080/a#fragment", .http, "127.0.0.1", 8080, "/a", "127.0.0.1:8080"),
        ("http://[fd00:ec2::254]/latest", .http, "fd00:ec2::254", 80, "/latest", "[fd00:ec2::254]"),
        ("https://[::1]:8443/", .https, "::1", 8443, "/", "[::1]:8443"),
        ("http://localhost:80/", .http, "localhost", 80, "/", "localhost"),
    ]

    @Test("absolute http(s) URLs split into scheme, host, port, target and Host header", arguments: valid.indices)
    func validURLs(index: Int) throws {
        let (text, scheme, host, port, target, hostHeader) = Self.valid[index]
        let url = try OutboundURL(parsing: text)
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.target == target)
        #expect(url.hostHeader == hostHeader)
    }

    static let invalid: [String] = [
        "", "ftp://example.com/", "example.com/path", "//example.com/", "http://", "http:///path",
        "http://exa mple.com/", "http://example.com/a b", "http://example.com/\r\nX-Injected: 1",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:8o/", "http://example.com:123456/",
        "http://[::1/", "http://[not-v6]/", "http://[::1]x/", "http://exa%6dple.com/", "http://ex\u{e4}mple.com/",
        "http://example.com\u{0}.evil/",
    ]

    @Test("URLs that could split a request line or name no usable host are refused", arguments: invalid)
    func invalidURLs(text: String) {
        #expect(throws: OutboundHTTPError.self) { try OutboundURL(parsing: text) }
    }

    @Test("an error about a URL never quotes it (it may carry a token)")
    func errorsDoNotQuote() {
        let error = #expect(throws: OutboundHTTPError.self) {
            try OutboundURL(parsing: "http://example.com:99999/?X-Amz-Security-Token=SECRETTOKEN")
        }
        #expect(error?.message.contains("SECRETTOKEN") == false)
    }

    @Test("user information is kept apart from the host (only proxy URLs may use it)")
    func userInfo() throws {
        let url = try OutboundURL(parsing: "http://alice:p%40ss@proxy.corp:3128", defaultPort: 1080)
        #expect(url.userInfo == "alice:p%40ss")
        #expect(url.host == "proxy.corp" && url.port == 3128)
        let bare = try OutboundURL(parsing: "proxy.corp", defaultScheme: .http, defaultPort: 1080)
        #expect(bare.scheme == .http && bare.host == "proxy.corp" && bare.port == 1080)
    }
}
