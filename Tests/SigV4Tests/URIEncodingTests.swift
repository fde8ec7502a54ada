import SigV4
import Testing

@Suite("URI encoding and query parsing")
struct URIEncodingTests {
    @Test("every byte value encodes as RFC 3986 says and decodes back")
    func everyByte() {
        for value in UInt8.min...UInt8.max {
            var encoded: [UInt8] = []
            URIEncoding.append([value], keepingSlash: false, to: &encoded)
            let text = String(decoding: encoded, as: UTF8.self)
            let unreserved =
                (0x41...0x5a).contains(value) || (0x61...0x7a).contains(value)
                || (0x30...0x39).contains(value) || "-._~".utf8.contains(value)
            #expect(text == (unreserved ? String(UnicodeScalar(value)) : "%" + hex(value)))
            #expect(URIEncoding.decode(text) == [value])
        }
        #expect(URIEncoding.encode("a/b", keepingSlash: true) == "a/b")
        #expect(URIEncoding.encode("a/b") == "a%2Fb")
    }

    @Test("random byte strings survive encode then decode")
    func roundTrip() {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            var encoded: [UInt8] = []
            URIEncoding.append(bytes, keepingSlash: Bool.random(using: &generator), to: &encoded)
            #expect(encoded.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: " ") })
            #expect(URIEncoding.decode(String(decoding: encoded, as: UTF8.self)) == bytes)
        }
    }

    @Test("malformed escapes are refused", arguments: ["%", "%4", "%G0", "a%2", "%%", "%zz"])
    func malformed(text: String) {
        #expect(URIEncoding.decode(text) == nil)
        #expect(CanonicalQuery.parse("a=" + text) == nil)
    }

    @Test("query parsing keeps '+' literal, empty values, and sorts by encoded name then value")
    func queryParsing() throws {
        let pairs = try #require(CanonicalQuery.parse("b=2&a&a=1&c=x+y&&%41=%2F"))
        #expect(CanonicalQuery.build(decoded: pairs) == "A=%2F&a=&a=1&b=2&c=x%2By")
    }

    private func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 0x0f)]])
    }
}
