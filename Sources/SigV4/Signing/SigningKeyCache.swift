import Synchronization

/// Signing keys by (secret, date, region, service): a key is valid for a whole UTC day, so the four
/// derivation HMACs run once a day per credential instead of once per URL. Bounded: when full it is
/// emptied (entries are cheap to rebuild, and a full cache means the credentials or days changed).
package final class SigningKeyCache: Sendable {
    private struct Entry: Hashable {
        let secretAccessKey: String
        let scope: CredentialScope
    }

    private struct Storage {
        var entries: [Entry: [UInt8]] = [:]
        /// The key asked for last: nearly every request asks for it again, and comparing two
        /// strings is cheaper than hashing four.
        var last: (entry: Entry, key: [UInt8])?
    }

    private let storage: Mutex<Storage>
    private let capacity: Int

    /// The process-wide cache the signers use by default.
    package static let shared = SigningKeyCache(capacity: 32)

    /// A cache holding at most `capacity` keys.
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.storage = Mutex(Storage())
    }

    /// The signing key for `scope`, derived on first use.
    package func signingKey(secretAccessKey: String, scope: CredentialScope) -> [UInt8] {
        let entry = Entry(secretAccessKey: secretAccessKey, scope: scope)
        let cached = storage.withLock { storage -> [UInt8]? in
            if let last = storage.last, last.entry == entry { return last.key }
            guard let key = storage.entries[entry] else { return nil }
            storage.last = (entry, key)
            return key
        }
        if let cached { return cached }
        let key = SigningKey.derive(secretAccessKey: secretAccessKey, scope: scope)
        storage.withLock { storage in
            if storage.entries.count >= capacity { storage.entries.removeAll(keepingCapacity: true) }
            storage.entries[entry] = key
            storage.last = (entry, key)
        }
        return key
    }

    /// How many keys are cached (for tests and metrics).
    package var count: Int { storage.withLock { $0.entries.count } }
}
