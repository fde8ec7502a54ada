import SigV4
import Testing

@testable import UploadService

/// The response parser against RFC 9112 framing and hostile input, with every message also fed
/// split at every byte boundary (a response arrives in whatever pieces TCP delivers).
@Suite("Outbound response parser")
struct OutboundResponseParserTests {
    /// Feeds `text` in two pieces split at `split` (nil: one piece), then the close when `close`.
    static func parse(
        _ text: String, split: Int? = nil, method: String = "GET", cap: Int = 1 << 20, close: Bool = true,
        cleanly: Bool = true
    ) throws(OutboundHTTPError) -> OutboundHTTPResponse {
        let bytes = Array(text.utf8)
        var parser = HTTPResponseParser(method: method, limits: .init(maximumBodyBytes: cap))
        let pieces = split.map { [bytes[..<$0], bytes[$0...]] } ?? [bytes[...]]
        for piece in pieces where !parser.isComplete { try parser.consume(piece) }
        if !parser.isComplete && close { try parser.finish(cleanly: cleanly) }
        guard let response = parser.response else { throw OutboundHTTPError(message: "incomplete") }
        return response
    }

    /// Valid responses: (wire text, expected status, expected body).
    static let valid: [(String, Int, String)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", 200, "hello"),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200,
            "hello world"
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA;name=value\r\n0123456789\r\n0\r\n\r\n", 200,
            "0123456789"
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;ext\r\nhello\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n",
            200, "hello"
        ),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n000\r\n\r\n", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", 200, "until the end"),
        ("HTTP/1.0 200 OK\r\n\r\nold style", 200, "old style"),
        (
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
            201, "ok"
        ),
        ("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, ""),
        ("HTTP/1.1 304 Not Modified\r\n\r\n", 304, ""),
        ("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.invalid/\r\nContent-Length: 0\r\n\r\n", 302, ""),
        ("HTTP/1.1 404 \r\nContent-Length: 4\r\n\r\nnope", 404, "nope"),
        ("HTTP/1.1 503\r\nContent-Length: 4\r\n\r\nbusy", 503, "busy"),
        ("HTTP/1.1 200 OK\nContent-Length: 2\n\nlf", 200, "lf"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, ""),
    ]

    @Test("valid responses parse to the same status and body however they are split", arguments: valid.indices)
    func validResponses(index: Int) throws {
        let (text, status, body) = Self.valid[index]
        for split in [nil] + Array(0...text.utf8.count) {
            let response = try Self.parse(text, split: split)
            #expect(response.status == status, "split at \(String(describing: split))")
            #expect(response.text == body, "split at \(String(describing: split))")
        }
    }

    @Test("header names and values are kept in order, values without surrounding whitespace")
    func headersKept() throws {
        let response = try Self.parse("HTTP/1.1 200 OK\r\nX-One:  a b \t\r\nx-two:\r\nContent-Length: 0\r\n\r\n")
        #expect(response.headers.map(\.0) == ["X-One", "x-two", "Content-Length"])
        #expect(response.headers.map(\.1) == ["a b", "", "0"])
    }

    @Test("a HEAD answer has no body whatever its Content-Length says")
    func headHasNoBody() throws {
        let response = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", method: "HEAD", close: false)
        #expect(response.status == 200 && response.body.isEmpty)
    }

    /// Hostile or broken responses: (name, wire text, words the error must contain).
    static let hostile: [(String, String, String)] = [
        (
            "conflicting Content-Length headers",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "conflicting"
        ),
        ("conflicting Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", "conflicting"),
        ("signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", "not a number"),
        ("hexadecimal Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", "not a number"),
        ("empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello", "not a number"),
        (
            "overflowing Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            "not a number"
        ),
        (
            "both Content-Length and Transfer-Encoding (smuggling)",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "both"
        ),
        (
            "Transfer-Encoding other than chunked",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "transfer coding"
        ),
        (
            "chunked twice",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "transfer coding"
        ),
        ("Transfer-Encoding in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.0"),
        (
            "chunk size that is not hexadecimal",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "hexadecimal"
        ),
        (
            "chunk size with a sign", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
            "hexadecimal"
        ),
        (
            "chunk size overflowing 64 bits",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nx\r\n0\r\n\r\n", "overflow"
        ),
        (
            "chunk size wrapping to a small number",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", "overflow"
        ),
        (
            "chunk size with junk after it",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", "after the size"
        ),
        (
            "chunk shorter than its size",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", "CRLF"
        ),
        (
            "chunk size line over the limit",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + String(repeating: "e", count: 5000)
                + "\r\nhello\r\n0\r\n\r\n", "longer than"
        ),
        ("obs-fold", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n", "obs-fold"),
        ("space before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", "malformed header"),
        ("header line without a colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "malformed header"),
        ("NUL in a value", "HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\nContent-Length: 0\r\n\r\n", "control character"),
        (
            "bare CR in a value", "HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 9\r\nContent-Length: 0\r\n\r\n",
            "control character"
        ),
        ("not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "status line"),
        ("HTTP/2 status line", "HTTP/2 200\r\n\r\n", "status line"),
        ("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "status line"),
        ("status out of range", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", "not valid"),
        ("leading empty line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "empty line"),
        (
            "101 Switching Protocols unasked", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
            "switched protocols"
        ),
        (
            "endless interim responses",
            String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 9)
                + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "interim"
        ),
        (
            "head over 32 KiB", "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 33 * 1024) + "\r\n\r\n",
            "head is larger"
        ),
        (
            "more than 100 fields", "HTTP/1.1 200 OK\r\n" + String(repeating: "X-A: 1\r\n", count: 101) + "\r\n",
            "more than 100"
        ),
        ("Content-Length over the cap", "HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n", "larger than"),
        (
            "trailers without end",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + String(repeating: "X-T: 1\r\n", count: 3000),
            "trailer"
        ),
        ("closed before any response", "", "before any response"),
        ("closed inside the head", "HTTP/1.1 200 OK\r\nContent-Le", "head was complete"),
        (
            "closed inside a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf",
            "6 bytes before the end"
        ),
        (
            "closed inside a chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            "chunked body"
        ),
        (
            "closed before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            "chunked body"
        ),
    ]

    @Test("hostile or broken responses are errors that say what is wrong", arguments: hostile.indices)
    func hostileResponses(index: Int) {
        let (name, text, words) = Self.hostile[index]
        let error = #expect(throws: OutboundHTTPError.self, "\(name)") { try Self.parse(text) }
        #expect(error?.message.contains(words) == true, "\(name): \(error?.message ?? "no error")")
    }

    @Test("a chunked body over the cap is refused at the chunk size, before its data arrives")
    func chunkedCapCheckedAtTheSize() {
        var parser = HTTPResponseParser(method: "GET", limits: .init(maximumBodyBytes: 10))
        let head = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n".utf8)
        #expect(throws: Never.self) { try parser.consume(head[...]) }
        let error = #expect(throws: OutboundHTTPError.self) { try parser.consume(Array("3\r\n".utf8)[...]) }
        #expect(error?.message == "response larger than 10 bytes")
    }

    @Test("a close-delimited body over the cap is refused as soon as it passes it")
    func closeDelimitedCap() {
        var parser = HTTPResponseParser(method: "GET", limits: .init(maximumBodyBytes: 10))
        #expect(throws: Never.self) { try parser.consume(Array("HTTP/1.1 200 OK\r\n\r\n0123456789".utf8)[...]) }
        #expect(throws: OutboundHTTPError.self) { try parser.consume([0x41][...]) }
    }

    @Test("a close-delimited body ended without a TLS close_notify is refused as possibly truncated")
    func truncationWithoutCloseNotify() {
        let error = #expect(throws: OutboundHTTPError.self) {
            try Self.parse("HTTP/1.1 200 OK\r\n\r\npartial", cleanly: false)
        }
        #expect(error?.message.contains("close_notify") == true)
    }

    @Test("a Content-Length body that is complete does not need the close")
    func completeWithoutClose() throws {
        let response = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: false)
        #expect(response.text == "ok")
    }

    @Test("bytes after a CONNECT answer's head are reported, not taken as a body")
    func tunnelLeftover() throws {
        var parser = HTTPResponseParser(method: "CONNECT", limits: .init(maximumBodyBytes: 0), tunnel: true)
        #expect(try parser.consume(Array("HTTP/1.1 200 Connection established\r\n\r\nEXTRA".utf8)[...]))
        #expect(parser.response?.status == 200)
        #expect(parser.unconsumedByteCount == 5)
    }

    @Test("mutated responses never crash the parser, and whatever it accepts respects the body cap")
    func mutations() {
        // A fixed-seed generator (SplitMix64), so a failure reproduces.
        var state: UInt64 = 0x5EC0_7E11_0AD5_EED5
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let interesting = Array("\r\n :;0123456789abcdefABCDEF-+HTTP/1.1 chunked Content-Length Transfer-Encoding".utf8)
        var accepted = 0
        for round in 0..<3000 {
            var bytes = Array(Self.valid[round % Self.valid.count].0.utf8)
            for _ in 0..<(1 + Int(next() % 4)) {
                let position = Int(next() % UInt64(bytes.count + 1))
                switch next() % 3 {
                case 0 where position < bytes.count: bytes.remove(at: position)
                case 1: bytes.insert(interesting[Int(next() % UInt64(interesting.count))], at: position)
                default:
                    if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: next()) }
                }
            }
            var parser = HTTPResponseParser(method: "GET", limits: .init(maximumBodyBytes: 64))
            do {
                let split = Int(next() % UInt64(bytes.count + 1))
                try parser.consume(bytes[..<split])
                if !parser.isComplete { try parser.consume(bytes[split...]) }
                if !parser.isComplete { try parser.finish(cleanly: true) }
                let response = parser.response
                #expect(response != nil && response!.body.count <= 64)
                #expect((100...599).contains(response?.status ?? 0))
                accepted += 1
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        // Some mutations leave a valid response (a changed reason phrase, header value or body byte).
        #expect(accepted > 0)
    }
}
