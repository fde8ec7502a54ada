import CSystem
import Glibc

/// Small, safe wrappers over the system calls the server uses.
@safe
enum System {
    /// The CPUs the process may run on: its affinity mask when it can be read (a container
    /// pinned to 2 of 64 cores gets 2 loops, not 64), else the online count.
    static var processorCount: Int {
        let usable = Int(su_usable_processor_count())
        return usable > 0 ? usable : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = unsafe strerror(code) else { return "errno \(code)" }
        return unsafe String(cString: text) + " (errno \(code))"
    }

    static var errno: Int32 { Glibc.errno }

    static func monotonicNanoseconds() -> Int64 {
        su_monotonic_nanoseconds()
    }

    static func realtimeSeconds() -> Int64 {
        su_realtime_seconds()
    }

    /// The IMF-fixdate bytes for `seconds` since 1970.
    static func httpDate(_ seconds: Int64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 29)
        unsafe bytes.withUnsafeMutableBufferPointer { buffer in
            unsafe buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 29) { pointer in
                unsafe su_format_http_date(seconds, pointer)
            }
        }
        return bytes
    }

    /// Seconds since 1970 for an IMF-fixdate, or nil.
    static func parseHTTPDate(_ text: String) -> Int64? {
        var seconds: Int64 = 0
        var copy = text
        let status = copy.withUTF8 { utf8 in
            unsafe utf8.withMemoryRebound(to: CChar.self) { chars in
                unsafe su_parse_http_date(chars.baseAddress, chars.count, &seconds)
            }
        }
        return status == 0 ? seconds : nil
    }

    static func randomSeed() -> UInt64 {
        var seed: UInt64 = 0
        if unsafe su_random_bytes(&seed, 8) != 0 {
            // getrandom cannot fail for 8 bytes once the pool is initialised; this is only a fallback.
            seed = UInt64(bitPattern: su_monotonic_nanoseconds()) ^ 0x9E37_79B9_7F4A_7C15
        }
        return seed
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Closes with a reset (SO_LINGER 0): unsent data is discarded instead of trickling out to a
    /// peer that stopped reading, and the kernel frees the socket at once.
    static func resetAndClose(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        _ = Glibc.close(fd)
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    static func shutdownBoth(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    static func ignoreSIGPIPE() {
        su_ignore_sigpipe()
    }

    /// Identity of a file, following symlinks, or nil when it does not exist.
    static func stat(_ path: String) -> FileIdentity? {
        var identity = FileIdentity()
        var regular: Int32 = 0
        let status = unsafe su_stat(
            path, &identity.size, &identity.modifiedSeconds, &identity.modifiedNanoseconds, &identity.inode,
            &identity.device, &regular)
        guard status == 0 else { return nil }
        identity.isRegularFile = regular == 1
        return identity
    }

    /// The canonical absolute path with every symlink resolved, or nil.
    static func realPath(_ path: String) -> String? {
        guard let resolved = unsafe Glibc.realpath(path, nil) else { return nil }
        defer { unsafe free(resolved) }
        return unsafe String(cString: resolved)
    }
}

/// What `stat` says about a file; two equal identities mean the same file version.
struct FileIdentity: Hashable, Sendable {
    var size: Int64 = 0
    var modifiedSeconds: Int64 = 0
    var modifiedNanoseconds: Int64 = 0
    var inode: UInt64 = 0
    var device: UInt64 = 0
    var isRegularFile = false
}
