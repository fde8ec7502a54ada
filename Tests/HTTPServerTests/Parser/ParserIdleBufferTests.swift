import Testing

@testable import HTTPServer

@Suite("Request parser: giving back the head buffer of an idle connection")
struct ParserIdleBufferTests {
    static let twoRequests =
        "GET /first HTTP/1.1\r\nHost: h\r\nX-Long: " + String(repeating: "v", count: 3000) + "\r\n\r\n"
        + "POST /second HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"

    @Test("asking to release after every byte changes nothing the parser reports, whatever the split")
    func releaseNeverLosesBytes() {
        let bytes = Array(Self.twoRequests.utf8)
        let expected = ParserDriver.transcript([bytes])
        #expect(expected.count == 6)
        var driver = ParserDriver()
        for byte in bytes {
            driver.feed([byte])
            driver.parser.releaseIdleBuffers()
        }
        #expect(driver.events == expected)
    }

    @Test("the buffer is freed only between requests, and reserved again by the next one")
    func freedOnlyWhenIdle() {
        var driver = ParserDriver()
        #expect(driver.parser.headBufferCapacity == 0, "a new connection's parser must not allocate")
        driver.feed(Array("GET / HTTP/1.1\r\nHo".utf8))
        let partial = driver.parser.headBufferCapacity
        #expect(partial > 0)
        driver.parser.releaseIdleBuffers()
        #expect(driver.parser.headBufferCapacity == partial, "a partial head was dropped")
        driver.feed(Array("st: h\r\n\r\n".utf8))
        #expect(driver.events.count == 3)
        #expect(driver.parser.isIdle)
        driver.parser.releaseIdleBuffers()
        #expect(driver.parser.headBufferCapacity == 0)
        driver.feed(Array("GET /again HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(driver.events.count == 6)
        #expect(driver.events[3].hasPrefix("head GET /again "))
    }

    @Test("a large head does not keep its large buffer after it is parsed")
    func largeHeadBufferIsNotKept() {
        var driver = ParserDriver()
        driver.feed(
            Array(("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 20_000) + "\r\n\r\n").utf8))
        #expect(driver.events.count == 3)
        #expect(driver.parser.headBufferCapacity <= 8192)
    }

    @Test("heads that arrive whole, one after another, are parsed in place without a head buffer")
    func wholeHeadsNeedNoBuffer() {
        var driver = ParserDriver()
        for index in 0..<3 {
            driver.feed(
                Array(
                    "GET /\(index) HTTP/1.1\r\nHost: h\r\nX-Token: \(String(repeating: "t", count: 900))\r\n\r\n".utf8))
            #expect(driver.parser.headBufferCapacity == 0, "request \(index) copied its head")
        }
        #expect(driver.events.count == 9)
        #expect(driver.events[6].hasPrefix("head GET /2 "))
        // Leading empty lines are skipped in place too.
        driver.feed(Array("\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(driver.parser.headBufferCapacity == 0)
        #expect(driver.events.count == 12)
        #expect(driver.events[9].hasPrefix("head GET /after "))
    }
}
