import Testing

@testable import HTTPServer

@Suite("Request parser: random input")
struct ParserFuzzTests {
    /// SplitMix64, so every run sees the same inputs.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [String] = [
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /o HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
    ]

    @Test("never crashes or stalls on mutated and random bytes, and every event is consistent")
    func randomBytes() {
        var random = Generator(state: 0x5EED)
        let alphabet =
            Array("\r\n :;0123456789abcdefABCDEF/?#%GETPOSTHTTP/1.1chunkedContent-LengthHost\t".utf8) + [0, 0x80]
        let limits = HTTPParserLimits(
            maxRequestLineBytes: 200, maxHeaderBytes: 400, maxHeaderCount: 10, defaultBodyLimit: 100)
        var outcomes = Set<String>()
        for iteration in 0..<6000 {
            var bytes: [UInt8]
            if iteration % 2 == 0 {
                bytes = Array(Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &random)].utf8)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[position] = alphabet.randomElement(using: &random)!
                    case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                    default: bytes.remove(at: position)
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
            } else {
                bytes = (0..<Int.random(in: 1...300, using: &random)).map { _ in
                    Int.random(in: 0..<4, using: &random) == 0
                        ? UInt8.random(in: 0...255, using: &random) : alphabet.randomElement(using: &random)!
                }
            }
            var pieces: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
                pieces.append(Array(bytes[start..<end]))
                start = end
            }
            let events = ParserDriver.transcript(pieces, limits: limits)
            #expect(events.filter { $0.hasPrefix("error") }.count <= 1)
            if let last = events.last { outcomes.insert(String(last.prefix(9))) }
        }
        // The generator must reach both outcomes, or it tested nothing.
        #expect(outcomes.contains("error 400"))
        #expect(outcomes.contains("end "))
    }
}
