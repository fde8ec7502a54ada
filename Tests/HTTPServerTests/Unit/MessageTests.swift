import Testing

@testable import HTTPServer

@Suite("Message values")
struct MessageTests {
    @Test("header lookups ignore case, keep order and repeated fields")
    func headers() {
        var headers = HTTPHeaders([("Set-Cookie", "a=1"), ("content-type", "text/plain"), ("SET-COOKIE", "b=2")])
        #expect(headers["Content-Type"] == "text/plain")
        #expect(headers["set-cookie"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["missing"] == nil)
        headers.replaceOrAdd("set-cookie", "c=3")
        #expect(headers.values("Set-Cookie") == ["c=3"])
        #expect(headers.count == 2)
        headers.add("X-A", "1")
        headers.remove("x-a")
        #expect(!headers.contains("X-A"))
        #expect(headers.map(\.name) == ["Set-Cookie", "content-type"])
    }

    @Test("query items are percent-decoded, + is a space, malformed pairs are skipped")
    func queryItems() {
        let request = HTTPRequest(method: .get, target: "/s?q=a+b%20c&empty=&flag&bad=%zz&%C3%A9=%E2%9C%93")
        #expect(request.path == "/s")
        #expect(request.query == "q=a+b%20c&empty=&flag&bad=%zz&%C3%A9=%E2%9C%93")
        let items = request.queryItems.map { "\($0.name)=\($0.value)" }
        #expect(items == ["q=a b c", "empty=", "flag=", "\u{E9}=\u{2713}"])
        #expect(HTTPRequest(method: .get, target: "/plain").queryItems.isEmpty)
    }

    @Test("JSON error bodies escape quotes, backslashes and control characters")
    func jsonError() {
        let response = HTTPResponse.jsonError(.badRequest, code: "bad", message: "say \"hi\"\\\n\u{1}")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"say \"hi\"\\\n\u0001","code":"bad"}"#)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test(
        "client request ids are kept only when 1-128 characters of [A-Za-z0-9._-]",
        .tags(.security),
        arguments: [
            ("abc-123_X.y", true), ("", false), (String(repeating: "a", count: 128), true),
            (String(repeating: "a", count: 129), false), ("a b", false), ("a\r\nb", false), ("caf\u{E9}", false),
            ("<x>", false), ("a/b", false),
        ])
    func requestIDs(candidate: String, kept: Bool) {
        #expect((RequestIdentifiers.sanitized(candidate) != nil) == kept)
    }

    @Test("generated request ids are 32 lowercase hex characters and do not repeat")
    func generatedIDs() {
        var generator = RequestIdentifiers(seed: 42)
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = generator.next()
            #expect(id.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        var other = RequestIdentifiers(seed: 43)
        var same = RequestIdentifiers(seed: 42)
        #expect(other.next() != same.next())
    }

    @Test("decimal lengths are written without formatting")
    func decimals() {
        for value in [0, 7, 10, 99, 100, 4096, 1_234_567_890, Int.max] {
            var out: [UInt8] = []
            ResponseEncoder.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
    }

    @Test("HTTP dates are IMF-fixdate and parse back")
    func dates() {
        #expect(String(decoding: System.httpDate(784_111_777), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(System.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(System.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(System.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 PST") == nil)
    }
}
