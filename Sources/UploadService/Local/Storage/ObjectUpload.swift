import CryptoPrimitives
import Glibc

/// One upload in progress: a temporary file being written and hashed. Owned by one request
/// handler; `discard()` (or deinit) removes the file if it was never committed.
final class ObjectUpload {
    private let store: LocalObjectStore
    private var fd: Int32
    let temporaryPath: String
    private var hasher: SHA256.Hasher?
    private var md5: MD5.Hasher?
    private var finished = false
    /// Bytes written so far.
    private(set) var byteCount: Int64 = 0

    init(store: LocalObjectStore, fd: Int32, temporaryPath: String) {
        self.store = store
        self.fd = fd
        self.temporaryPath = temporaryPath
        hasher = SHA256.Hasher()
        md5 = MD5.Hasher()
    }

    deinit { discard() }

    /// Writes and hashes the next piece of the body.
    func append(_ bytes: UnsafeRawBufferPointer) throws(S3Error) {
        guard fd >= 0 else { throw .internalError("write after the temporary file was closed") }
        do { try SecureFiles.writeAll(fd, bytes, path: temporaryPath) } catch {
            throw .internalError(error.description)
        }
        hasher?.update(bytes)
        md5?.update(bytes)
        byteCount += Int64(bytes.count)
    }

    /// The digests of a finished upload's bytes.
    struct Digests {
        /// SHA-256 (what `x-amz-checksum-sha256` is checked against).
        var sha256: [UInt8]
        /// MD5 (S3's single-PUT `ETag`, and what `Content-MD5` is checked against).
        var md5: [UInt8]
    }

    /// Syncs and closes the file and returns the digests of everything written.
    func finishWriting() throws(S3Error) -> Digests {
        guard fd >= 0, let hasher = hasher.take(), let md5 = md5.take() else {
            throw .internalError("upload finished twice")
        }
        let synced = fsync(fd) == 0
        let code = errno
        close(fd)
        fd = -1
        let digests = Digests(sha256: hasher.finalize(), md5: md5.finalize())
        guard synced else {
            throw .internalError(LocalModeError.fileSystem("syncing", path: temporaryPath, errno: code).description)
        }
        return digests
    }

    /// Moves the written file to `key` (see `LocalObjectStore.commit`).
    func commit(key: String, noOverwrite: Bool, metadata: LocalObjectStore.Metadata) throws(S3Error) {
        guard fd < 0, !finished else { throw .internalError("commit before the upload finished, or twice") }
        finished = true
        try store.commit(temporaryPath: temporaryPath, key: key, noOverwrite: noOverwrite, metadata: metadata)
    }

    /// Closes and removes the temporary file unless it was committed. Safe to call twice.
    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if !finished {
            finished = true
            unlink(temporaryPath)
        }
    }
}
