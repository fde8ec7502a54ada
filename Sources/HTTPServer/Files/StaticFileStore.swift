import FoundationEssentials
import Synchronization

/// File versions shared by every loop, so each version is read and gzipped once. Loops reach it
/// only on a miss in their own `StaticFileCache`, so its lock is off the hot path.
final class StaticFileStore: Sendable {
    private let files = Mutex<[String: StaticFile]>([:])
    let maxCachedFileBytes: Int

    init(maxCachedFileBytes: Int) {
        self.maxCachedFileBytes = maxCachedFileBytes
    }

    /// The file at `realPath` as of `identity`, loading (and compressing) it when new or changed.
    func file(realPath: String, identity: FileIdentity, cacheControl: String) -> StaticFile? {
        if identity.size > Int64(maxCachedFileBytes) {
            guard let data = FileManager.default.contents(atPath: realPath) else { return nil }
            return StaticFile(
                realPath: realPath, identity: identity, body: [UInt8](data), cacheControl: cacheControl,
                compress: false)
        }
        return files.withLock { files in
            if let cached = files[realPath], cached.identity == identity { return cached }
            guard let data = FileManager.default.contents(atPath: realPath) else { return nil }
            let file = StaticFile(
                realPath: realPath, identity: identity, body: [UInt8](data), cacheControl: cacheControl,
                compress: true)
            files[realPath] = file
            return file
        }
    }
}

/// A loop's own map from request path to file version: the hot path takes no lock.
final class StaticFileCache {
    struct Entry {
        let file: StaticFile
        let store: ObjectIdentifier
        var checkedAt: Int64
    }

    private var entries: [String: Entry] = [:]
    private static let maxEntries = 4096

    func lookup(_ path: String, store: StaticFileStore) -> Entry? {
        guard let entry = entries[path], entry.store == ObjectIdentifier(store) else { return nil }
        return entry
    }

    func insert(_ path: String, file: StaticFile, store: StaticFileStore, now: Int64) {
        // Request paths are attacker-chosen; keep the map bounded.
        if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        entries[path] = Entry(file: file, store: ObjectIdentifier(store), checkedAt: now)
    }

    func remove(_ path: String) {
        entries[path] = nil
    }
}
