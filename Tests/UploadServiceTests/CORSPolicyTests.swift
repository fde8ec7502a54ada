import Testing

@testable import UploadService

@Suite("CORS decisions")
struct CORSPolicyTests {
    let policy = CORSPolicy(allowedOrigins: ["https://app.example.com", "http://localhost:3000"])

    @Test("a preflight from a listed origin asking for POST with authorization and content-type is allowed")
    func allowed() {
        let decision = policy.preflight(
            origin: "https://app.example.com", requestMethod: "POST", requestHeaders: "Authorization, Content-Type")
        guard case .allowed(let headers) = decision else {
            Issue.record("expected allowed, got \(decision)")
            return
        }
        #expect(headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(headers["Access-Control-Allow-Methods"] == "POST")
        #expect(headers["Access-Control-Allow-Headers"] == "authorization, content-type")
        #expect(headers["Vary"] == "Origin")
        #expect(headers["Access-Control-Max-Age"] == "600")
        #expect(headers["Access-Control-Allow-Credentials"] == nil)
    }

    @Test(
        "preflights are refused for other origins, methods and headers",
        arguments: [
            ("https://evil.example.com", "POST", "content-type"),
            ("https://app.example.com.evil.com", "POST", "content-type"),
            ("http://app.example.com", "POST", "content-type"),
            ("https://app.example.com:8443", "POST", "content-type"),
            ("null", "POST", "content-type"),
            ("https://app.example.com", "PUT", "content-type"),
            ("https://app.example.com", "DELETE", ""),
            ("https://app.example.com", "POST", "content-type, x-amz-date"),
        ])
    func refused(origin: String, method: String, headers: String) {
        guard case .refused = policy.preflight(origin: origin, requestMethod: method, requestHeaders: headers) else {
            Issue.record("expected refusal")
            return
        }
    }

    @Test("a preflight without an Origin is refused")
    func noOrigin() {
        #expect(
            policy.preflight(origin: nil, requestMethod: "POST", requestHeaders: nil) == .refused("origin not allowed"))
    }

    @Test("origins compare case-insensitively with default ports implied")
    func normalisation() {
        #expect(policy.isAllowed(origin: "HTTPS://APP.EXAMPLE.COM"))
        #expect(policy.isAllowed(origin: "https://app.example.com:443"))
        #expect(!policy.isAllowed(origin: "https://app.example.com/"))
    }

    @Test("actual responses echo only an allowed origin, never *, and always vary on Origin")
    func responses() {
        #expect(
            policy.responseHeaders(origin: "http://localhost:3000")
                == ["Access-Control-Allow-Origin": "http://localhost:3000", "Vary": "Origin"])
        #expect(policy.responseHeaders(origin: "https://evil.example.com") == ["Vary": "Origin"])
        #expect(policy.responseHeaders(origin: nil) == ["Vary": "Origin"])
        #expect(CORSPolicy(allowedOrigins: []).responseHeaders(origin: "https://app.example.com") == ["Vary": "Origin"])
    }
}
