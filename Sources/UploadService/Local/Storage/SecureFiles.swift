import CryptoPrimitives
import Glibc

/// The few file-system operations local mode needs, over Glibc with EINTR retried and errno turned
/// into `LocalModeError`. Secrets are created 0600 inside 0700 folders, atomically (temporary file,
/// fsync, link), so a crash never leaves half a key behind.
enum SecureFiles {
    /// Creates `path` and its missing parents with mode 0700 (existing folders are left as they are).
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(LocalModeError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, mode) != 0 {
                let code = errno
                guard code == EEXIST, isDirectory(prefix) else {
                    throw .fileSystem("creating folder", path: prefix, errno: code)
                }
            }
            prefix += "/"
        }
    }

    /// Creates `path` with mode 0700, or tightens an existing folder to 0700: it holds secrets.
    static func makePrivateDirectory(_ path: String) throws(LocalModeError) {
        try makeDirectories(path)
        if chmod(path, 0o700) != 0 { throw .fileSystem("restricting permissions of", path: path, errno: errno) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The whole content of `path`, or nil when it does not exist.
    static func read(_ path: String) throws(LocalModeError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw .fileSystem("opening", path: path, errno: code)
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileSystem("reading", path: path, errno: errno)
            }
            if count == 0 { return content }
            content.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes every byte of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(LocalModeError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .fileSystem("writing", path: path, errno: errno)
            }
            offset += written
        }
    }

    /// Writes every byte of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(LocalModeError) {
        let outcome = bytes.withUnsafeBytes { buffer in
            Result { () throws(LocalModeError) in try writeAll(fd, buffer, path: path) }
        }
        try outcome.get()
    }

    /// Makes a folder's entries (a new link or rename) durable.
    static func syncDirectory(_ path: String) throws(LocalModeError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw .fileSystem("opening folder", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .fileSystem("syncing folder", path: path, errno: errno) }
    }

    /// Creates `path` with `contents` and mode 0600 unless it already exists. Returns false when
    /// another writer got there first (the existing file is left untouched). The file appears
    /// complete or not at all: it is written to a temporary name in the same folder, synced, then
    /// linked into place.
    @discardableResult
    static func createExclusively(_ path: String, contents: [UInt8]) throws(LocalModeError) -> Bool {
        let temporary = path + ".tmp-" + Hex.encode(SecureRandom.bytes(count: 8))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 { throw .fileSystem("creating", path: temporary, errno: errno) }
        defer { unlink(temporary) }
        do {
            defer { close(fd) }
            try writeAll(fd, contents, path: temporary)
            if fsync(fd) != 0 { throw LocalModeError.fileSystem("syncing", path: temporary, errno: errno) }
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            throw .fileSystem("linking", path: path, errno: code)
        }
        try syncDirectory(parent(of: path))
        return true
    }

    /// Replaces `path` atomically with `contents` (mode 0600): temporary file, fsync, rename.
    static func replace(_ path: String, contents: [UInt8]) throws(LocalModeError) {
        let temporary = path + ".tmp-" + Hex.encode(SecureRandom.bytes(count: 8))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 { throw .fileSystem("creating", path: temporary, errno: errno) }
        do throws(LocalModeError) {
            defer { close(fd) }
            try writeAll(fd, contents, path: temporary)
            if fsync(fd) != 0 { throw LocalModeError.fileSystem("syncing", path: temporary, errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .fileSystem("renaming to", path: path, errno: code)
        }
    }

    /// The folder part of `path` ("." for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The canonical absolute path of an existing `path` (symlinks resolved), or nil.
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
