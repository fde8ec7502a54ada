import CryptoPrimitives
import JWTAuth

/// Refresh tokens of the local pool: opaque random strings (32 bytes, base64url), kept in memory
/// only, keyed by their SHA-256 so the table never holds a usable token. They die with the process,
/// like sessions of a restarted identity provider; a stale one is answered with Cognito's
/// `NotAuthorizedException`.
struct RefreshTokenStore: Sendable {
    private struct Entry: Sendable {
        let session: LocalSession
        let expires: Double
    }

    /// Lifetime of a refresh token (Cognito's default: 30 days).
    let lifetime: Double
    /// Beyond this many live tokens the ones closest to expiry are dropped.
    let capacity: Int
    private var entries: [String: Entry] = [:]

    init(lifetime: Double = 30 * 24 * 3600, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    enum Lookup: Equatable {
        case valid(LocalSession)
        case expired
        case unknown
    }

    /// A new refresh token for `session`.
    mutating func issue(for session: LocalSession, now: Double) -> String {
        if entries.count >= capacity {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= capacity {
                let victims = entries.sorted { $0.value.expires < $1.value.expires }.prefix(
                    entries.count - capacity + 1)
                for victim in victims { entries[victim.key] = nil }
            }
        }
        let token = Base64URL.encode(SecureRandom.bytes(count: 32))
        entries[Self.tableKey(token)] = Entry(session: session, expires: now + lifetime)
        return token
    }

    func lookup(_ token: String, now: Double) -> Lookup {
        guard let entry = entries[Self.tableKey(token)] else { return .unknown }
        return entry.expires > now ? .valid(entry.session) : .expired
    }

    var count: Int { entries.count }

    private static func tableKey(_ token: String) -> String { Hex.encode(SHA256.hash(token)) }
}
