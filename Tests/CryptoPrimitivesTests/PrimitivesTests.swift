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
}
