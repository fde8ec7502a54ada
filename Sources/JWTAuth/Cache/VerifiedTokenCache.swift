import Synchronization

/// Tokens that already passed every check, so a client reusing its token costs a hash and a
/// lookup instead of an RSA verification. Bounded (CLOCK eviction, an LRU approximation that
/// needs no list splicing on hits). An entry is served only within `[validFrom, validUntil)`,
/// where `validUntil` is the token's `exp` without leeway, and only while the key that verified
/// it is still in the JWKS with the same material: when the key store installs a new snapshot,
/// entries whose key left are dropped.
final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let digest: TokenDigest
        let token: VerifiedToken
        let keyID: String
        let keySerial: UInt64
        let validFrom: Double
        let validUntil: Double
        var referenced: Bool
    }

    private struct Storage: ~Copyable {
        var index: [TokenDigest: Int] = [:]
        var slots: [Entry?] = []
        var free: [Int] = []
        var hand = 0
        var keyGeneration: UInt64 = 0

        mutating func remove(at slot: Int) {
            guard let entry = slots[slot] else { return }
            index[entry.digest] = nil
            slots[slot] = nil
            free.append(slot)
        }
    }

    let capacity: Int
    /// Whether anything is ever cached (capacity above zero).
    var isEnabled: Bool { capacity > 0 }
    private let storage = Mutex(Storage())

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Number of entries held.
    var count: Int { storage.withLock { $0.index.count } }

    /// The cached verification of the token with this digest, if it may be served at `now`
    /// under `keys`. Drops entries whose key left `keys`.
    func lookup(_ digest: TokenDigest, now: Double, keys: KeySet) -> VerifiedToken? {
        guard capacity > 0 else { return nil }
        return storage.withLock { storage in
            if storage.keyGeneration != keys.generation {
                Self.dropEntries(of: &storage, missingFrom: keys)
            }
            guard let slot = storage.index[digest], let entry = storage.slots[slot] else { return nil }
            guard now < entry.validUntil, now >= entry.validFrom, keys.serial(for: entry.keyID) == entry.keySerial
            else {
                if now >= entry.validUntil || keys.serial(for: entry.keyID) != entry.keySerial {
                    storage.remove(at: slot)
                }
                return nil
            }
            storage.slots[slot]?.referenced = true
            return entry.token
        }
    }

    /// Remembers a verification.
    func insert(
        _ digest: TokenDigest, token: VerifiedToken, keyID: String, keySerial: UInt64, validFrom: Double,
        validUntil: Double
    ) {
        guard capacity > 0 else { return }
        let entry = Entry(
            digest: digest, token: token, keyID: keyID, keySerial: keySerial, validFrom: validFrom,
            validUntil: validUntil, referenced: false)
        storage.withLock { storage in
            if let slot = storage.index[digest] {
                storage.slots[slot] = entry
                return
            }
            let slot: Int
            if let reusable = storage.free.popLast() {
                slot = reusable
            } else if storage.slots.count < capacity {
                storage.slots.append(nil)
                slot = storage.slots.count - 1
            } else {
                slot = Self.evictOne(from: &storage)
            }
            storage.slots[slot] = entry
            storage.index[digest] = slot
        }
    }

    /// CLOCK: sweep the hand, giving referenced entries a second chance, and evict the first
    /// unreferenced one. Terminates within two turns.
    private static func evictOne(from storage: inout Storage) -> Int {
        while true {
            let slot = storage.hand
            storage.hand = (storage.hand + 1) % storage.slots.count
            guard let entry = storage.slots[slot] else { return slot }
            if entry.referenced {
                storage.slots[slot]?.referenced = false
            } else {
                storage.index[entry.digest] = nil
                storage.slots[slot] = nil
                return slot
            }
        }
    }

    private static func dropEntries(of storage: inout Storage, missingFrom keys: KeySet) {
        for slot in storage.slots.indices {
            if let entry = storage.slots[slot], keys.serial(for: entry.keyID) != entry.keySerial {
                storage.remove(at: slot)
            }
        }
        storage.keyGeneration = keys.generation
    }
}
