import Foundation
import Glibc

/// Finds the server's end of a test connection among this process's descriptors (the server runs
/// in the test process) and reads what the kernel says about it.
struct ServerSocketProbe {
    let fd: Int32

    /// The server-side socket whose peer is the client at `clientPort` and whose local port is
    /// `serverPort`, or nil when there is none (not yet accepted, or already closed).
    static func find(serverPort: Int, clientPort: Int) -> ServerSocketProbe? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for name in names {
            guard let fd = Int32(name) else { continue }
            if port(of: fd, peer: false) == serverPort && port(of: fd, peer: true) == clientPort {
                return ServerSocketProbe(fd: fd)
            }
        }
        return nil
    }

    private static func port(of fd: Int32, peer: Bool) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = unsafe withUnsafeMutablePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                unsafe peer ? getpeername(fd, raw, &length) : getsockname(fd, raw, &length)
            }
        }
        guard status == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// SO_SNDBUF as the kernel reports it (Linux reports twice the value that was set).
    var sendBufferSize: Int? {
        var size: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard unsafe getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &length) == 0 else { return nil }
        return Int(size)
    }

    /// Bytes in the kernel's send queue not yet acknowledged by the peer (SIOCOUTQ).
    var unsentBytes: Int? {
        var count: Int32 = 0
        // SIOCOUTQ is TIOCOUTQ (0x5411) on Linux.
        guard unsafe ioctl(fd, 0x5411, &count) == 0 else { return nil }
        return Int(count)
    }
}
