import Testing

@testable import HTTPServer

/// A valid request and what the parser must report for it, fed whole.
struct ValidRequestCase: CustomTestStringConvertible, Sendable {
    let name: String
    let raw: String
    let expected: [String]
    var testDescription: String { name }
}

@Suite("Request parser: valid requests")
struct ParserValidRequestTests {
    static let cases: [ValidRequestCase] = [
        ValidRequestCase(
            name: "simple GET",
            raw: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
            expected: [
                "head GET / path=/ query=- HTTP/1.1 [Host=example.com] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "GET with query and trimmed whitespace and obs-text",
            raw: "GET /a/b%20c?x=1&y=%2F HTTP/1.1\r\nHost: h:8080\r\nX-Pad: \t spaced \t\r\nX-Latin: caf\u{E9}\r\n\r\n",
            expected: [
                "head GET /a/b%20c?x=1&y=%2F path=/a/b%20c query=x=1&y=%2F HTTP/1.1 [Host=h:8080,X-Pad=spaced,X-Latin=caf\u{E9}] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "POST with Content-Length",
            raw: "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
            expected: [
                "head POST /upload path=/upload query=- HTTP/1.1 [Host=h,Content-Length=11] framing=length(11) keepAlive=true continue=false",
                "body hello world", "end ",
            ]),
        ValidRequestCase(
            name: "chunked with extensions and trailers",
            raw: "PUT /o HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 ; a=\"q\"\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Checksum: abc\r\nX-Two: 2\r\n\r\n",
            expected: [
                "head PUT /o path=/o query=- HTTP/1.1 [Host=h,Transfer-Encoding=chunked] framing=chunked keepAlive=true continue=false",
                "body hello world0123456789", "end X-Checksum=abc,X-Two=2",
            ]),
        ValidRequestCase(
            name: "chunked with leading zeros and no trailers",
            raw: "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n0003\r\nabc\r\n000\r\n\r\n",
            expected: [
                "head POST /c path=/c query=- HTTP/1.1 [Host=h,Transfer-Encoding=Chunked] framing=chunked keepAlive=true continue=false",
                "body abc", "end ",
            ]),
        ValidRequestCase(
            name: "pipelined pair of GETs",
            raw: "GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            expected: [
                "head GET /one path=/one query=- HTTP/1.1 [Host=h] framing=none keepAlive=true continue=false",
                "body ", "end ",
                "head GET /two path=/two query=- HTTP/1.1 [Host=h,Connection=close] framing=none keepAlive=false continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "pipelined POST then GET",
            raw: "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /g HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [
                "head POST /p path=/p query=- HTTP/1.1 [Host=h,Content-Length=3] framing=length(3) keepAlive=true continue=false",
                "body abc", "end ",
                "head GET /g path=/g query=- HTTP/1.1 [Host=h] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "HTTP/1.0 without Host, keep-alive requested",
            raw: "GET /old HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            expected: [
                "head GET /old path=/old query=- HTTP/1.0 [Connection=Keep-Alive] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "HTTP/1.0 closes by default",
            raw: "GET /old HTTP/1.0\r\n\r\n",
            expected: [
                "head GET /old path=/old query=- HTTP/1.0 [] framing=none keepAlive=false continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "empty lines before the request line are ignored",
            raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [
                "head GET / path=/ query=- HTTP/1.1 [Host=h] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "absolute-form naming the Host",
            raw: "GET http://h:80/x?q HTTP/1.1\r\nHost: h:80\r\n\r\n",
            expected: [
                "head GET http://h:80/x?q path=/x query=q HTTP/1.1 [Host=h:80] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "OPTIONS asterisk-form",
            raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [
                "head OPTIONS * path=* query=- HTTP/1.1 [Host=h] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "Expect 100-continue with a body",
            raw: "PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nok",
            expected: [
                "head PUT /big path=/big query=- HTTP/1.1 [Host=h,Expect=100-Continue,Content-Length=2] framing=length(2) keepAlive=true continue=true",
                "body ok", "end ",
            ]),
        ValidRequestCase(
            name: "HTTP/1.2 is answered as HTTP/1.1; Content-Length 0",
            raw: "DELETE /d HTTP/1.2\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            expected: [
                "head DELETE /d path=/d query=- HTTP/1.1 [Host=h,Content-Length=0] framing=length(0) keepAlive=true continue=false",
                "body ", "end ",
            ]),
        ValidRequestCase(
            name: "empty Host and every method token",
            raw: "PATCH /p HTTP/1.1\r\nHost:\r\nX-Token-Chars!#$%&'*+-.^_`|~: v\r\n\r\n",
            expected: [
                "head PATCH /p path=/p query=- HTTP/1.1 [Host=,X-Token-Chars!#$%&'*+-.^_`|~=v] framing=none keepAlive=true continue=false",
                "body ", "end ",
            ]),
    ]

    @Test("reports the expected head, body and trailers", arguments: cases)
    func wholeInput(_ testCase: ValidRequestCase) {
        #expect(ParserDriver.transcript([Array(testCase.raw.utf8)]) == testCase.expected)
    }

    @Test("gives the same result split at every byte position", arguments: cases)
    func everySplit(_ testCase: ValidRequestCase) {
        let whole = ParserDriver.transcript([Array(testCase.raw.utf8)])
        for split in 0...testCase.raw.utf8.count {
            let split = ParserDriver.transcript(testCase.raw, splitAt: split)
            #expect(split == whole)
            if split != whole { break }
        }
    }

    @Test("gives the same result fed one byte at a time", arguments: cases)
    func byteByByte(_ testCase: ValidRequestCase) {
        let bytes = Array(testCase.raw.utf8)
        #expect(ParserDriver.transcript(bytes.map { [$0] }) == testCase.expected)
    }

    @Test("gives the same result split at every pair of positions", arguments: cases.prefix(4))
    func everyDoubleSplit(_ testCase: ValidRequestCase) {
        let bytes = Array(testCase.raw.utf8)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                let pieces = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                let result = ParserDriver.transcript(pieces)
                #expect(result == testCase.expected)
                if result != testCase.expected { return }
            }
        }
    }
}
