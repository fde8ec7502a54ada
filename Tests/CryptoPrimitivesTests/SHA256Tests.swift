import CryptoPrimitives
import Testing

@Suite("SHA-256 (FIPS 180-4 known answers)")
struct SHA256Tests {
    // FIPS 180-2 Appendix B and the NIST CSRC example values.
    @Test(
        "hashes the published messages to their published digests",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func knownAnswers(message: String, digest: String) {
        #expect(Hex.encode(SHA256.hash(message)) == digest)
        #expect(Hex.encode(SHA256.hash(Array(message.utf8))) == digest)
        // The four-word form holds the same bytes, in memory order.
        var words = Array(message.utf8).withUnsafeBytes { SHA256.hashWords($0) }
        #expect(Hex.encode(withUnsafeBytes(of: &words) { Array($0) }) == digest)
    }

    @Test("hashes one million 'a' characters to the FIPS 180-2 B.3 digest")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(
            Hex.encode(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("an incremental hasher fed in uneven pieces equals the one-shot digest")
    func incrementalMatchesOneShot() {
        expectIncrementalMatchesOneShot(SHA256.self) { SHA256.hash($0) }
    }

    @Test("a one-bit change in the input changes the digest")
    func avalanche() {
        var message = Array("SecureUpload".utf8)
        let before = SHA256.hash(message)
        message[0] ^= 1
        #expect(SHA256.hash(message) != before)
    }
}
