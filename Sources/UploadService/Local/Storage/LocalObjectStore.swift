import CryptoPrimitives
import FoundationEssentials
import Glibc

/// The bucket folder of local mode. An object becomes visible only complete: its bytes go to a
/// temporary file under `.secure-upload/tmp/` (same file system), which is synced and then linked
/// (no-overwrite, atomic `EEXIST`) or renamed into `<root>/<bucket>/<key>`; the folder is synced
/// after. Metadata (content type, checksum, ETag) lives in a sidecar under `.secure-upload/meta/`,
/// never among the objects.
struct LocalObjectStore: Sendable {
    let layout: LocalDataLayout
    let bucket: String
    /// Where the bucket folder really is (symlinks resolved), to prove objects stay inside it.
    let resolvedBucketDirectory: String
    /// The data folder's lock, held as long as this store (and so the receiver using it) lives.
    let directoryLock: DataDirectoryLock?

    /// Creates the state and bucket folders if needed, and removes temporary files left by an
    /// earlier run that died mid-upload: all of them when given the data folder's `lock` (then
    /// nothing else can be writing them), otherwise those not written to for `staleAfter` seconds.
    /// The store keeps the lock for its lifetime.
    init(
        layout: LocalDataLayout, bucket: String, lock: DataDirectoryLock? = nil, staleAfter: TimeInterval = 3600,
        now: Date = Date()
    ) throws(LocalModeError) {
        self.layout = layout
        self.bucket = bucket
        directoryLock = lock
        try layout.prepareStateDirectories()
        let bucketDirectory = layout.bucketDirectory(bucket)
        try SecureFiles.makeDirectories(bucketDirectory)
        guard let resolved = SecureFiles.resolved(bucketDirectory) else {
            throw .fileSystem("resolving", path: bucketDirectory, errno: errno)
        }
        resolvedBucketDirectory = resolved
        Self.removeStaleUploads(
            in: layout.temporaryDirectory, olderThan: lock != nil ? .infinity : now.timeIntervalSince1970 - staleAfter)
    }

    /// The file an object with `key` (already validated by `S3ObjectAddress`) lives in.
    func objectPath(_ key: String) -> String { layout.bucketDirectory(bucket) + "/" + key }

    /// `key`'s path with symlinks resolved, or nil when it does not exist or resolves outside the
    /// bucket folder.
    func resolvedObjectPath(_ key: String) -> String? {
        guard let resolved = SecureFiles.resolved(objectPath(key)),
            resolved.hasPrefix(resolvedBucketDirectory + "/")
        else { return nil }
        return resolved
    }

    /// Whether an object (or anything else) already sits at `key`'s path.
    func exists(_ key: String) -> Bool { SecureFiles.exists(objectPath(key)) }

    /// The sidecar that describes `key`.
    func metadataPath(_ key: String) -> String {
        layout.metadataDirectory + "/" + Hex.encode(SHA256.hash(bucket + "/" + key)) + ".json"
    }

    /// Opens a new temporary file for an upload.
    func beginUpload() throws(S3Error) -> ObjectUpload {
        let path = layout.temporaryDirectory + "/" + Hex.encode(SecureRandom.bytes(count: 16)) + ".upload"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw .internalError(LocalModeError.fileSystem("creating", path: path, errno: errno).description)
        }
        return ObjectUpload(store: self, fd: fd, temporaryPath: path)
    }

    /// What the sidecar records about an object.
    struct Metadata: Codable, Sendable, Equatable {
        var bucket: String
        var key: String
        var size: Int64
        var contentType: String?
        var checksumSHA256: String?
        var eTag: String
    }

    /// The metadata of `key`, or nil when there is none.
    func metadata(of key: String) -> Metadata? {
        guard let bytes = try? SecureFiles.read(metadataPath(key)) else { return nil }
        return try? JSONDecoder().decode(Metadata.self, from: Data(bytes))
    }

    /// Moves a finished temporary file to `key`. With `noOverwrite`, an existing object makes this
    /// fail with `PreconditionFailed`, decided atomically by link(2). The temporary file is gone
    /// afterwards whatever happens.
    func commit(temporaryPath: String, key: String, noOverwrite: Bool, metadata: Metadata) throws(S3Error) {
        defer { unlink(temporaryPath) }
        let finalPath = objectPath(key)
        let parent = SecureFiles.parent(of: finalPath)
        try makeKeyFolders(key)
        guard let resolvedParent = SecureFiles.resolved(parent),
            resolvedParent == resolvedBucketDirectory || resolvedParent.hasPrefix(resolvedBucketDirectory + "/")
        else { throw .invalidArgument("The key resolves outside the bucket folder.") }
        if SecureFiles.isDirectory(finalPath) {
            throw .invalidArgument("The key conflicts with an existing folder of keys in local storage.")
        }
        if noOverwrite {
            if link(temporaryPath, finalPath) != 0 {
                if errno == EEXIST { throw .preconditionFailed }
                throw .internalError(LocalModeError.fileSystem("linking", path: finalPath, errno: errno).description)
            }
        } else if rename(temporaryPath, finalPath) != 0 {
            throw .internalError(LocalModeError.fileSystem("renaming to", path: finalPath, errno: errno).description)
        }
        do {
            try SecureFiles.syncDirectory(parent)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try SecureFiles.replace(metadataPath(key), contents: Array(try encoder.encode(metadata)))
        } catch {
            // The object is in place and durable enough; a missing sidecar only loses its content type.
        }
    }

    /// Creates the folders of `key` below the bucket folder, one by one, refusing to pass through
    /// a symbolic link (which could lead outside the bucket) or a file (an object of a shorter key).
    private func makeKeyFolders(_ key: String) throws(S3Error) {
        var current = layout.bucketDirectory(bucket)
        for segment in key.split(separator: "/").dropLast() {
            current += "/" + segment
            var info = stat()
            if lstat(current, &info) != 0 {
                if mkdir(current, 0o700) == 0 { continue }
                // Another upload may have created it in between; look again.
                guard errno == EEXIST, lstat(current, &info) == 0 else {
                    throw .internalError(
                        LocalModeError.fileSystem("creating folder", path: current, errno: errno).description)
                }
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: throw .invalidArgument("The key passes through a symbolic link in local storage.")
            default:
                throw .invalidArgument(
                    "The key conflicts with an existing object in local storage (a path part is a file).")
            }
        }
    }

    private static func removeStaleUploads(in directory: String, olderThan cutoff: TimeInterval) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasSuffix(".upload") else { continue }
            let path = directory + "/" + name
            var info = stat()
            if lstat(path, &info) == 0, Double(info.st_mtim.tv_sec) < cutoff { unlink(path) }
        }
    }
}
