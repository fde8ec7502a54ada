import Foundation
import Testing

@testable import JWTAuth

@Suite("Strict base64url and JSON")
struct ParsingTests {
    @Test("base64url round-trips every length and byte value")
    func base64RoundTrip() {
        var bytes: [UInt8] = []
        for length in 0..<70 {
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
            bytes.append(UInt8(truncatingIfNeeded: length &* 37 &+ 200))
        }
        #expect(Base64URL.encode(Array(0...255)).count == 342)
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test("base64url refuses padding, the standard alphabet, whitespace, impossible lengths and set unused bits")
    func base64Strictness() {
        for bad in ["QQ==", "QQ=", "+/8", "-_8=", "QU JD", "QUJD\n", "Q", "QUJDR", "QR", "QUJ", "QUE\u{0}"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("") == [])
    }

    @Test("base64url decoding agrees with Foundation's decoder on random valid and invalid strings")
    func base64AgainstFoundation() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
        let intruders = Array("=+/ .\n\u{0}\u{80}é".unicodeScalars)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            var text = String.UnicodeScalarView()
            for _ in 0..<length {
                let intrude = Int.random(in: 0..<60, using: &generator) == 0
                text.append((intrude ? intruders : alphabet).randomElement(using: &generator)!)
            }
            let input = String(text)
            // Reference: the standard alphabet with padding through Foundation, then canonical
            // only if Foundation's own encoding of the result gives the input back.
            var standard = input.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            let reference: [UInt8]? = {
                guard !input.contains("+"), !input.contains("/"), !input.contains("="), input.utf8.count % 4 != 1
                else { return nil }
                standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
                guard let data = Data(base64Encoded: standard) else { return nil }
                let back = data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                return back == input ? Array(data) : nil
            }()
            #expect(Base64URL.decode(input) == reference, "\(input.debugDescription)")
        }
    }

    @Test("the JSON parser reads nested values, escapes and surrogate pairs")
    func jsonValues() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null,{"b":"\u00e9\ud83d\ude00\n\"\\\/"}],"c":{}, "d" : "x" }"#
        let object = try StrictJSONParser.parseObject(Array(text.utf8))
        #expect(object["c"] == JSONValue.object([:]))
        #expect(object["d"] == JSONValue.string("x"))
        #expect(
            object["a"]
                == JSONValue.array([
                    .number(1), .number(-2500), .bool(true), .bool(false), .null,
                    .object(["b": .string("é😀\n\"\\/")]),
                ]))
    }

    @Test("the JSON parser reads integers exactly and falls back to full parsing for other numbers")
    func jsonNumbers() throws {
        let text =
            #"{"a":1800000000,"b":-42,"c":0,"d":123456789012345,"e":1234567890123456789,"f":12.25,"g":-1e3,"h":5E-1}"#
        let object = try StrictJSONParser.parseObject(Array(text.utf8))
        let expected: [String: Double] = [
            "a": 1_800_000_000, "b": -42, "c": 0, "d": 123_456_789_012_345, "e": 1_234_567_890_123_456_768,
            "f": 12.25, "g": -1000, "h": 0.5,
        ]
        for (key, value) in expected { #expect(object[key] == JSONValue.number(value), "\(key)") }
    }

    @Test(
        "the JSON parser refuses what RFC 8259 does not allow or what could be read two ways",
        arguments: [
            #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"o":{"a":1,"a":1}}"#, #"{"a":1,}"#, #"{"a":[1,]}"#,
            #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":1e999}"#, #"{"a":NaN}"#,
            #"{"a":"\ud800"}"#, #"{"a":"\udc00\ud800"}"#, #"{"a":"\x"}"#, "{\"a\":\"\t\"}", #"{a:1}"#, #"{'a':1}"#,
            #"{"a":1} x"#, #"{"a":1}{}"#, #"{"a":tru}"#, #"["a"]"#, "", " ", #"{"a""#, #"{"a":"#, #"{"a":"b"#,
            String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40),
        ])
    func jsonStrictness(text: String) {
        #expect(throws: JSONParseError.self) { try StrictJSONParser.parseObject(Array(text.utf8)) }
    }

    @Test("the JSON parser refuses invalid UTF-8 in strings")
    func jsonUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try StrictJSONParser.parseObject(bytes) }
        let overlong: [UInt8] = Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try StrictJSONParser.parseObject(overlong) }
    }

    @Test(
        "strings without escapes parse to the same text whether ASCII or not, in keys and values",
        arguments: ["", "plain", "tab-less\u{7F}del", "r\u{E9}sum\u{E9}", "\u{1F600} emoji", "a~b"])
    func jsonStringsRoundTrip(text: String) throws {
        let object = try StrictJSONParser.parseObject(Array("{\"k\(text)\":\"\(text)\"}".utf8))
        #expect(object == ["k" + text: .string(text)])
    }

    @Test("a JWK and JWKS document encode as Cognito serves them and parse back to the same key")
    func jwkEncoding() throws {
        let jwk = TestKeys.primary.jwk
        #expect(jwk.json.hasPrefix(#"{"alg":"RS256","e":"AQAB","kid":"key-1","kty":"RSA","n":""#))
        #expect(jwk.json.hasSuffix(#"","use":"sig"}"#))
        let document = JWKSDocument(keys: [jwk, TestKeys.secondary.jwk])
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(document.jsonBytes)) as? [String: [[String: String]]])
        #expect(parsed["keys"]?.map { $0["kid"] } == ["key-1", "key-2"])
        var serial: UInt64 = 0
        let keys = try KeySet.parse(document.jsonBytes, previous: nil, generation: 1, nextSerial: &serial)
        #expect(keys.usableCount == 2)
        #expect(JWK(keyID: "a\"b\\c\n", modulus: [1], exponent: [1]).json.contains(#""kid":"a\"b\\c\n""#))
    }
}
