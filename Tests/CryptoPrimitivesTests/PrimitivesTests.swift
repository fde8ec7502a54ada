import CryptoPrimitives
import Testing

@Suite("Constant-time compare, hex, secure random")
struct PrimitivesTests {
    @Test("constant-time compare agrees with == on equal, different and different-length inputs")
    func constantTime() {
        #expect(constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!constantTimeEquals([0x80] as [UInt8], [0x00] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(constantTimeEquals("pässword", "pässword"))
        #expect(!constantTimeEquals("password", "Password"))
    }

    @Test("hex encodes lowercase and decodes either case; non-hex and odd lengths are refused")
    func hex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }

    @Test("secure random gives the requested length and does not repeat")
    func random() {
        let a = SecureRandom.bytes(count: 32)
        let b = SecureRandom.bytes(count: 32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        // 4096 random bytes use (nearly) every byte value: a stuck or zeroed generator would not.
        #expect(Set(SecureRandom.bytes(count: 4096)).count > 240)
    }

    @Test("the word pool never repeats across batch refills and every bit is balanced")
    func wordPool() {
        let pool = RandomWordPool()
        // 2,000 words span four 4 KiB batches (512 words each).
        let words = (0..<2_000).map { _ in pool.next() }
        #expect(Set(words).count == words.count)
        // Each bit position is set about half the time: ~1,000 of 2,000, with σ ≈ 22; a stuck bit,
        // a zeroed batch or a byte-order slip moves some position far outside 850...1150.
        for bit in 0..<64 {
            let set = words.count { $0 >> UInt64(bit) & 1 == 1 }
            #expect((850...1150).contains(set), "bit \(bit) set in \(set) of 2000 words")
        }
    }

    @Test("the word pool hands distinct words to concurrent callers")
    func wordPoolConcurrent() async {
        let pool = RandomWordPool()
        let words = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 { group.addTask { (0..<700).map { _ in pool.next() } } }
            var all: [UInt64] = []
            for await part in group { all += part }
            return all
        }
        #expect(words.count == 5_600)
        #expect(Set(words).count == 5_600)
    }
}
