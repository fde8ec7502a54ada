import Synchronization

/// Signing keys by (secret, date, region, service): a key is valid for a whole UTC day, so the four
/// derivation HMACs run once a day per credential instead of once per URL. Bounded: when full it is
/// emptied (entries are cheap to rebuild, and a full cache means the credentials or days changed).
package final class SigningKeyCache: Sendable {
    private struct Entry: Hashable {
        let secretAccessKey: String
        let scope: CredentialScope
    }

    private let entries: Mutex<[Entry: [UInt8]]>
    private let capacity: Int

    /// The process-wide cache the signers use by default.
    package static let shared = SigningKeyCache(capacity: 32)

    /// A cache holding at most `capacity` keys.
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.entries = Mutex([:])
    }

    /// The signing key for `scope`, derived on first use.
    package func signingKey(secretAccessKey: String, scope: CredentialScope) -> [UInt8] {
        let entry = Entry(secretAccessKey: secretAccessKey, scope: scope)
        if let key = entries.withLock({ $0[entry] }) { return key }
        let key = SigningKey.derive(secretAccessKey: secretAccessKey, scope: scope)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[entry] = key
        }
        return key
    }

    /// How many keys are cached (for tests and metrics).
    package var count: Int { entries.withLock { $0.count } }
}
