import Testing

@testable import HTTPServer

/// A request the parser must refuse, and the status RFC 9112 (or the limits) call for.
struct RejectedRequestCase: CustomTestStringConvertible, Sendable {
    let name: String
    let raw: [UInt8]
    let status: Int
    let code: String

    init(_ name: String, _ raw: String, _ status: Int, _ code: String) {
        self.name = name
        self.raw = Array(raw.utf8)
        self.status = status
        self.code = code
    }

    init(_ name: String, bytes: [UInt8], _ status: Int, _ code: String) {
        self.name = name
        self.raw = bytes
        self.status = status
        self.code = code
    }

    var testDescription: String { name }
}

@Suite("Request parser: malformed and smuggling requests", .tags(.security))
struct ParserRejectionTests {
    static let limits = HTTPParserLimits(
        maxRequestLineBytes: 100, maxHeaderBytes: 300, maxHeaderCount: 5, defaultBodyLimit: 50)

    static let cases: [RejectedRequestCase] = [
        // Framing conflicts: the classic request-smuggling vectors (RFC 9112 §6.1, §6.3).
        .init(
            "Content-Length with Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
            "conflicting_framing"),
        .init(
            "Transfer-Encoding before Content-Length",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", 400,
            "conflicting_framing"),
        .init(
            "duplicate Content-Length, equal values",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400,
            "duplicate_content_length"),
        .init(
            "duplicate Content-Length, different values",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400,
            "duplicate_content_length"),
        .init(
            "Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello", 400,
            "invalid_content_length"),
        .init(
            "Content-Length with sign", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400,
            "invalid_content_length"),
        .init(
            "negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400,
            "invalid_content_length"),
        .init(
            "hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", 400,
            "invalid_content_length"),
        .init(
            "empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400,
            "invalid_content_length"),
        .init(
            "Content-Length that overflows",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            400, "invalid_content_length"),
        .init(
            "Transfer-Encoding gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
            "unsupported_transfer_coding"),
        .init(
            "Transfer-Encoding gzip, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501, "unsupported_transfer_coding"),
        .init(
            "Transfer-Encoding identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 501,
            "unsupported_transfer_coding"),
        .init(
            "chunked listed twice",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "invalid_transfer_encoding"),
        .init(
            "chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, x\r\n\r\n", 501,
            "unsupported_transfer_coding"),
        .init(
            "Transfer-Encoding with a malformed coding",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", 400, "invalid_transfer_encoding"),
        .init(
            "empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n", 400,
            "invalid_transfer_encoding"),
        .init(
            "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
            "transfer_encoding_http10"),
        // Line syntax (RFC 9112 §2.2, §5).
        .init("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n c\r\n\r\n", 400, "obs_fold"),
        .init("obs-fold with tab", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\tc\r\n\r\n", 400, "obs_fold"),
        .init("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "invalid_header_name"),
        .init("tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400, "invalid_header_name"),
        .init(
            "space before colon in Content-Length",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 5\r\n\r\nhello", 400, "invalid_header_name"),
        .init("bare CR in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\rc\r\n\r\n", 400, "bare_cr"),
        .init("bare CR ending a line", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400, "bare_cr"),
        .init("bare LF line endings", "GET / HTTP/1.1\nHost: h\n\n", 400, "bare_lf"),
        .init("bare LF inside the head", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400, "bare_lf"),
        .init("header line without colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400, "malformed_header"),
        .init("empty header name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400, "invalid_header_name"),
        .init(
            "invalid character in header name", "GET / HTTP/1.1\r\nHost: h\r\nX(A): v\r\n\r\n", 400,
            "invalid_header_name"),
        .init("non-ASCII header name", "GET / HTTP/1.1\r\nHost: h\r\nX\u{E9}: v\r\n\r\n", 400, "invalid_header_name"),
        .init(
            "NUL in a header value",
            bytes: Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [0] + Array("b\r\n\r\n".utf8),
            400, "invalid_header_value"),
        .init("DEL in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}\r\n\r\n", 400, "invalid_header_value"),
        // Request line (RFC 9112 §3).
        .init("unknown method", "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", 501, "method_not_implemented"),
        .init("lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 501, "method_not_implemented"),
        .init("CONNECT", "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", 501, "method_not_implemented"),
        .init("TRACE", "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n", 501, "method_not_implemented"),
        .init("invalid character in method", "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid_method"),
        .init("two spaces after method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("space inside the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("missing version", "GET /\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("two-digit version", "GET / HTTP/11\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("trailing garbage after version", "GET / HTTP/1.1x\r\nHost: h\r\n\r\n", 400, "malformed_request_line"),
        .init("HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "http_version_not_supported"),
        .init("HTTP/3.0", "GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505, "http_version_not_supported"),
        .init("HTTP/0.9 style", "GET / HTTP/0.9\r\n\r\n", 505, "http_version_not_supported"),
        .init(
            "control character in target",
            bytes: Array("GET /a".utf8) + [1] + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8),
            400, "invalid_target"),
        .init("non-ASCII target", "GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid_target"),
        .init("fragment in target", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid_target"),
        .init("relative target", "GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "unsupported_target_form"),
        .init("asterisk with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, "unsupported_target_form"),
        .init(
            "absolute-form for another host", "GET http://evil.example/ HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "foreign_target"),
        .init(
            "absolute-form with userinfo", "GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "unsupported_target_form"),
        .init(
            "absolute-form with another scheme", "GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "unsupported_target_form"),
        // Host (RFC 9112 §3.2).
        .init("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400, "missing_host"),
        .init("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate_host"),
        .init("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid_host"),
        .init("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid_host"),
        .init(
            "unsupported expectation", "GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n", 417,
            "expectation_failed"),
        // Chunked bodies (RFC 9112 §7.1).
        .init(
            "chunk size that is not hex",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400,
            "invalid_chunk_size"),
        .init(
            "empty chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n0\r\n\r\n", 400,
            "invalid_chunk_size"),
        .init(
            "negative chunk size",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n",
            400, "invalid_chunk_size"),
        .init(
            "chunk size that overflows",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nx\r\n", 400,
            "invalid_chunk_size"),
        .init(
            "chunk size with 0x prefix",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400,
            "invalid_chunk_size"),
        .init(
            "chunk size line with bare LF",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400, "bare_lf"),
        .init(
            "chunk data longer than its size",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400,
            "invalid_chunk"),
        .init(
            "control character in chunk extension",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\u{1}\r\nhello\r\n0\r\n\r\n", 400,
            "invalid_chunk_extension"),
        .init(
            "malformed trailer",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nnot a field\r\n\r\n", 400,
            "invalid_trailer"),
        .init(
            "folded trailer",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", 400, "obs_fold"),
        // Limits.
        .init(
            "request line too long", "GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414,
            "request_line_too_long"),
        .init(
            "request line too long without an end", "GET /" + String(repeating: "a", count: 200), 414,
            "request_line_too_long"),
        .init(
            "header block too large",
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 400) + "\r\n\r\n",
            431, "headers_too_large"),
        .init(
            "too many headers", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 431,
            "too_many_headers"),
        .init(
            "body over the limit by Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 51\r\n\r\n", 413,
            "body_too_large"),
        .init(
            "chunked body over the limit",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + String(repeating: "x", count: 32)
                + "\r\n20\r\n", 413, "body_too_large"),
        .init(
            "trailers over the header limit",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: "
                + String(repeating: "t", count: 400)
                + "\r\n\r\n", 431, "headers_too_large"),
        .init(
            "too many empty lines first", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "malformed_request_line"),
    ]

    @Test("refuses with the right status and code", arguments: cases)
    func refuses(_ testCase: RejectedRequestCase) {
        let events = ParserDriver.transcript([testCase.raw], limits: Self.limits)
        #expect(events.last == "error \(testCase.status) \(testCase.code)", "events: \(events)")
        #expect(!events.contains { $0.hasPrefix("end") }, "no request may complete: \(events)")
    }

    @Test("refuses the same way fed one byte at a time", arguments: cases)
    func refusesByteByByte(_ testCase: RejectedRequestCase) {
        let events = ParserDriver.transcript(testCase.raw.map { [$0] }, limits: Self.limits)
        #expect(events.last == "error \(testCase.status) \(testCase.code)", "events: \(events)")
    }

    @Test("keeps failing after an error: nothing after a refused request is parsed")
    func staysFailed() {
        var driver = ParserDriver(limits: Self.limits)
        driver.feed(Array("GET / HTTP/1.1\r\nHost : h\r\n\r\n".utf8))
        driver.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(driver.events == ["error 400 invalid_header_name"])
    }

    @Test("a route's own body limit applies after the head: 413 before any body byte is read")
    func routeLimit() {
        var parser = HTTPRequestParser(limits: Self.limits)
        let bytes = Array("PUT /o HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n".utf8)
        let (event, consumed) = parser.parse(bytes.span)
        guard case .head = event else {
            Issue.record("expected a head, got \(event)")
            return
        }
        #expect(consumed == bytes.count)
        #expect(parser.setBodyLimit(10) == .bodyTooLarge)
        let rest: [UInt8] = []
        guard case .error(let error) = parser.parse(rest.span).event else {
            Issue.record("expected the parser to stay failed")
            return
        }
        #expect(error.status.code == 413)
    }

    @Test("a larger route limit lets a body through that the default would refuse")
    func largerRouteLimit() {
        var parser = HTTPRequestParser(limits: Self.limits)
        let body = String(repeating: "b", count: 80)
        let bytes = Array(("PUT /o HTTP/1.1\r\nHost: h\r\nContent-Length: 80\r\n\r\n" + body).utf8)
        let (first, consumed) = parser.parse(bytes.span)
        guard case .head = first else {
            Issue.record("expected a head, got \(first)")
            return
        }
        #expect(parser.setBodyLimit(100) == nil)
        let rest = Array(bytes[consumed...])
        let (second, bodyConsumed) = parser.parse(rest.span)
        guard case .body(let range) = second else {
            Issue.record("expected body, got \(second)")
            return
        }
        #expect(String(decoding: rest[range], as: UTF8.self) == body)
        #expect(bodyConsumed == rest.count)
        let none: [UInt8] = []
        guard case .end = parser.parse(none.span).event else {
            Issue.record("expected the request to end")
            return
        }
    }
}
