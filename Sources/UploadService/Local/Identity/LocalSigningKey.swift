import CryptoPrimitives
import FoundationEssentials
import JWTAuth

/// The RSA key that signs local-mode tokens: 2048 bits, generated once into the data folder (0600)
/// and reused on every start, so tokens survive a restart. Its `kid` is the RFC 7638 JWK
/// thumbprint of the public key, stable for as long as the key is.
struct LocalSigningKey: Sendable {
    let privateKey: RSAPrivateKey
    /// Base64url of the big-endian modulus, as the JWK's `n`.
    let modulus: String
    /// Base64url of the public exponent, as the JWK's `e`.
    let exponent: String
    /// The JWK thumbprint (RFC 7638 §3, SHA-256, base64url).
    let keyID: String

    init(privateKey: RSAPrivateKey) throws(LocalModeError) {
        self.privateKey = privateKey
        let components: (modulus: [UInt8], exponent: [UInt8])
        do { components = try privateKey.publicKey().components() } catch {
            throw LocalModeError("reading the local identity key's public half failed: \(error)")
        }
        modulus = Base64URL.encode(components.modulus)
        exponent = Base64URL.encode(components.exponent)
        // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
        let thumbprintInput = #"{"e":"\#(exponent)","kty":"RSA","n":"\#(modulus)"}"#
        keyID = Base64URL.encode(SHA256.hash(thumbprintInput))
    }

    /// Reads the key at `layout.identityKeyFile`, creating it first when it does not exist. Two
    /// processes starting at once end up with the same key (the file is created exclusively).
    static func loadOrCreate(layout: LocalDataLayout) throws(LocalModeError) -> LocalSigningKey {
        let path = layout.identityKeyFile
        if let existing = try SecureFiles.read(path) { return try load(existing, path: path) }
        let generated: RSAPrivateKey
        let pem: String
        do {
            generated = try RSAPrivateKey.generate(bits: 2048)
            pem = try generated.pemRepresentation()
        } catch { throw LocalModeError("generating the local identity key failed: \(error)") }
        if try SecureFiles.createExclusively(path, contents: Array(pem.utf8)) {
            return try LocalSigningKey(privateKey: generated)
        }
        guard let existing = try SecureFiles.read(path) else {
            throw LocalModeError("\(path) vanished while it was being created")
        }
        return try load(existing, path: path)
    }

    private static func load(_ bytes: [UInt8], path: String) throws(LocalModeError) -> LocalSigningKey {
        let key: RSAPrivateKey
        do { key = try RSAPrivateKey(pem: String(decoding: bytes, as: UTF8.self)) } catch {
            throw LocalModeError("\(path) is not a PEM RSA private key; remove it to generate a new one")
        }
        guard key.bitCount >= 2048 else {
            throw LocalModeError("\(path) holds a \(key.bitCount)-bit key; local mode needs at least 2048 bits")
        }
        return try LocalSigningKey(privateKey: key)
    }

    /// The JWKS document Cognito serves at `<issuer>/.well-known/jwks.json`.
    func jwksDocument() -> [UInt8] {
        Array(
            #"{"keys":[{"alg":"RS256","e":"\#(exponent)","kid":"\#(keyID)","kty":"RSA","n":"\#(modulus)","use":"sig"}]}"#
                .utf8)
    }
}
