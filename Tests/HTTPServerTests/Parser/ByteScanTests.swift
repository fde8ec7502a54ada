import Testing

@testable import HTTPServer

@Suite("Byte classes and block-at-a-time scans")
struct ByteScanTests {
    /// RFC 9110 §5.6.2, written out independently of the bit masks.
    static let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789".utf8) + Array(UInt8(ascii: "a")...UInt8(ascii: "z")))
        .union(UInt8(ascii: "A")...UInt8(ascii: "Z"))

    @Test("isToken accepts exactly RFC 9110's tchar, for all 256 byte values")
    func tokenCharacters() {
        for value in 0...255 {
            let byte = UInt8(value)
            #expect(ASCII.isToken(byte) == Self.tchar.contains(byte), "byte \(value)")
        }
    }

    /// Naive references the scans must agree with.
    static func naiveLineBreak(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex { $0 == ASCII.cr || $0 == ASCII.lf } ?? bytes.count
    }

    static func naiveFieldValue(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == ASCII.tab || ($0 >= 0x20 && $0 != 0x7F) }
    }

    @Test("lineBreak finds the first CR or LF at every offset and position, and nothing else")
    func lineBreakAgreesWithByteSearch() {
        var generator = SystemRandomNumberGenerator()
        // Every special byte at every position of a 40-byte run, every start offset.
        for special in [ASCII.cr, ASCII.lf, 0x0B, 0x0C, 0x8D, 0x8A, 0x00, 0xFF] as [UInt8] {
            for position in 0..<40 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 40)
                bytes[position] = special
                for start in 0...40 {
                    #expect(ByteScan.lineBreak(in: bytes.span, from: start) == Self.naiveLineBreak(bytes, from: start))
                }
            }
        }
        // Random bytes, weighted towards the values next to CR and LF.
        let alphabet: [UInt8] = [9, 10, 11, 12, 13, 14, 0x8A, 0x8D, 0x20, 0x41, 0x7F, 0xFF]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator) ? alphabet.randomElement(using: &generator)! : UInt8(ascii: "x")
            }
            let start = Int.random(in: 0...count, using: &generator)
            #expect(ByteScan.lineBreak(in: bytes.span, from: start) == Self.naiveLineBreak(bytes, from: start))
        }
    }

    @Test("allFieldValueBytes refuses every control byte but HTAB, and DEL, at every position")
    func fieldValueAgreesWithByteRule() {
        // 40 bytes: two sixteen-byte blocks, one eight-byte word and a byte-by-byte tail.
        for value in 0...255 {
            for position in 0..<40 {
                var bytes = [UInt8](repeating: UInt8(ascii: "v"), count: 40)
                bytes[position] = UInt8(value)
                #expect(
                    ByteScan.allFieldValueBytes(bytes.span) == Self.naiveFieldValue(bytes),
                    "byte \(value) at \(position)")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<48, using: &generator)
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<10, using: &generator) == 0
                    ? UInt8.random(in: 0...255, using: &generator) : UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            #expect(ByteScan.allFieldValueBytes(bytes.span) == Self.naiveFieldValue(bytes))
        }
    }
}
