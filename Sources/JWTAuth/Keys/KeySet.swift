import CryptoPrimitives

/// One immutable snapshot of a JWKS, indexed by `kid`. The key store swaps whole snapshots, so a
/// verification sees one consistent set of keys without holding a lock during RSA.
final class KeySet: Sendable {
    /// A key that may verify RS256 signatures.
    struct VerificationKey: Sendable {
        let publicKey: RSAPublicKey
        let modulus: [UInt8]
        let exponent: [UInt8]
        /// Distinguishes key material: stays the same across refreshes while `kid`, `n` and `e`
        /// do, changes otherwise. Cached verifications remember it.
        let serial: UInt64
    }

    /// What a `kid` maps to.
    enum Entry: Sendable {
        case usable(VerificationKey)
        /// Listed, but not allowed to verify; the string says why.
        case unusable(String)
    }

    /// The largest JWKS document accepted (Cognito's is about 1 KB).
    static let maximumDocumentBytes = 1 << 20
    /// The smallest modulus accepted (NIST SP 800-131A; Cognito uses 2048).
    static let minimumModulusBits = 2048
    /// The largest modulus accepted, so a hostile JWKS cannot make each verification slow.
    static let maximumModulusBits = 8192

    let entries: [String: Entry]
    /// Increases with every snapshot the store installs.
    let generation: UInt64

    init(entries: [String: Entry], generation: UInt64) {
        self.entries = entries
        self.generation = generation
    }

    /// How many keys may verify.
    var usableCount: Int {
        entries.values.reduce(0) { count, entry in
            if case .usable = entry { return count + 1 }
            return count
        }
    }

    /// The serial of the usable key with this `kid`, if there is one.
    func serial(for keyID: String) -> UInt64? {
        if case .usable(let key) = entries[keyID] { return key.serial }
        return nil
    }

    /// Parses a JWKS document. Keys without a `kid` are ignored (tokens choose keys only by
    /// `kid`; there is no default key). Keys that may not verify RS256 are kept as `unusable`
    /// so that their tokens are refused with the reason. A key whose `kid`, `n` and `e` match
    /// one in `previous` keeps its serial; new keys take serials from `nextSerial`.
    static func parse(
        _ document: [UInt8], previous: KeySet?, generation: UInt64, nextSerial: inout UInt64
    ) throws(JWKSError) -> KeySet {
        guard document.count <= maximumDocumentBytes else {
            throw JWKSError("the document is larger than \(maximumDocumentBytes) bytes")
        }
        let object: [String: JSONValue]
        do {
            object = try StrictJSONParser.parseObject(document)
        } catch {
            throw JWKSError("the document \(error.message)")
        }
        guard case .array(let keys) = object["keys"] else {
            throw JWKSError("the document has no \"keys\" array")
        }
        var entries: [String: Entry] = [:]
        var duplicates: Set<String> = []
        for key in keys {
            guard case .object(let members) = key, case .string(let keyID) = members["kid"], !keyID.isEmpty else {
                continue
            }
            if entries[keyID] != nil { duplicates.insert(keyID) }
            entries[keyID] = entry(for: members, keyID: keyID, previous: previous, nextSerial: &nextSerial)
        }
        for keyID in duplicates {
            entries[keyID] = .unusable("the JWKS lists this kid more than once")
        }
        return KeySet(entries: entries, generation: generation)
    }

    /// Checks one JWK (RFC 7517 §4, RFC 7518 §6.3) for RS256 verification.
    private static func entry(
        for members: [String: JSONValue], keyID: String, previous: KeySet?, nextSerial: inout UInt64
    ) -> Entry {
        guard members["kty"] == .string("RSA") else { return .unusable("the key's kty is not RSA") }
        if let use = members["use"], use != .string("sig") {
            return .unusable("the key's use is not sig")
        }
        if let operations = members["key_ops"] {
            guard case .array(let list) = operations, list.contains(.string("verify")) else {
                return .unusable("the key's key_ops do not include verify")
            }
        }
        if let algorithm = members["alg"], algorithm != .string("RS256") {
            return .unusable("the key's alg is not RS256")
        }
        guard let n = members["n"]?.stringValue, let e = members["e"]?.stringValue,
            let modulusBytes = Base64URL.decode(n), let exponentBytes = Base64URL.decode(e)
        else { return .unusable("the key's n or e is missing or not base64url") }
        let modulus = Array(modulusBytes.drop { $0 == 0 })
        let exponent = Array(exponentBytes.drop { $0 == 0 })
        if case .usable(let old) = previous?.entries[keyID], old.modulus == modulus, old.exponent == exponent {
            return .usable(old)
        }
        guard modulus.count * 8 <= maximumModulusBits + 8 else {
            return .unusable("the key's modulus is longer than \(maximumModulusBits) bits")
        }
        let publicKey: RSAPublicKey
        do {
            publicKey = try RSAPublicKey(modulus: modulus, exponent: exponent)
        } catch {
            return .unusable("the key is not a valid RSA public key")
        }
        guard publicKey.bitCount >= minimumModulusBits else {
            return .unusable(
                "the key's modulus has \(publicKey.bitCount) bits; at least \(minimumModulusBits) are required")
        }
        guard publicKey.bitCount <= maximumModulusBits else {
            return .unusable("the key's modulus is longer than \(maximumModulusBits) bits")
        }
        nextSerial += 1
        return .usable(VerificationKey(publicKey: publicKey, modulus: modulus, exponent: exponent, serial: nextSerial))
    }
}
