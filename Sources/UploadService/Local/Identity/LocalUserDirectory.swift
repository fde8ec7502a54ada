import CryptoPrimitives
import FoundationEssentials

/// The local pool's users. Keeps only SHA-256 digests of the passwords and compares them in
/// constant time; an unknown name costs the same comparison as a known one, so timing does not tell
/// which names exist. Each user's `sub` is a UUID derived from the name with a per-data-folder
/// secret: stable across restarts, different between data folders, not guessable from the name.
struct LocalUserDirectory: Sendable {
    private struct Entry: Sendable {
        let passwordDigest: [UInt8]
        let subject: String
    }

    private let entries: [String: Entry]
    /// Compared against when the name is unknown, so both paths do the same work.
    private let decoyDigest: [UInt8]

    /// `users` must already be validated (non-empty, unique names).
    init(users: [(name: String, password: String)], subjectSecret: [UInt8]) {
        var entries: [String: Entry] = [:]
        for user in users {
            entries[user.name] = Entry(
                passwordDigest: SHA256.hash(user.password),
                subject: Self.subject(for: user.name, secret: subjectSecret))
        }
        self.entries = entries
        decoyDigest = SHA256.hash(SecureRandom.bytes(count: 32))
    }

    /// The `sub` of `username` if the password matches; nil for a wrong password or an unknown name
    /// (the caller answers both the same way).
    func authenticate(username: String, password: String) -> String? {
        let offered = SHA256.hash(password)
        guard let entry = entries[username] else {
            _ = constantTimeEquals(offered, decoyDigest)
            return nil
        }
        return constantTimeEquals(offered, entry.passwordDigest) ? entry.subject : nil
    }

    /// The `sub` of an existing user (refresh flow), or nil.
    func subject(of username: String) -> String? { entries[username]?.subject }

    /// The e-mail address the local pool gives `username` (`.invalid` is reserved, RFC 2606).
    static func email(for username: String) -> String { username.lowercased() + "@local.invalid" }

    /// HMAC-SHA256(secret, "sub:" + name), first 16 bytes, stamped as a version 4 / variant 1 UUID so
    /// that it looks like the `sub` Cognito issues.
    static func subject(for username: String, secret: [UInt8]) -> String {
        var bytes = Array(HMACSHA256.authenticate("sub:" + username, key: secret).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return LocalTokenMinter.formatUUID(bytes)
    }

    /// The per-data-folder secret behind `sub` values, created (32 random bytes, hex, 0600) on first use.
    static func loadOrCreateSubjectSecret(layout: LocalDataLayout) throws(LocalModeError) -> [UInt8] {
        let path = layout.identitySecretFile
        if let existing = try SecureFiles.read(path) { return try decode(existing, path: path) }
        let secret = SecureRandom.bytes(count: 32)
        if try SecureFiles.createExclusively(path, contents: Array(Hex.encode(secret).utf8)) { return secret }
        guard let existing = try SecureFiles.read(path) else {
            throw LocalModeError("\(path) vanished while it was being created")
        }
        return try decode(existing, path: path)
    }

    private static func decode(_ bytes: [UInt8], path: String) throws(LocalModeError) -> [UInt8] {
        let text = String(String(decoding: bytes, as: UTF8.self).trimmingWhitespace())
        guard let secret = Hex.decode(text), secret.count >= 16 else {
            throw LocalModeError("\(path) is not a hex secret of at least 16 bytes; remove it to generate a new one")
        }
        return secret
    }
}
