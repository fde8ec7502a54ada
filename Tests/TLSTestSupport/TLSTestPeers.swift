import Glibc

/// The TLS peers of tls_server.py (one loopback port per behaviour, certificates made at
/// start-up), run as a child process and stopped by PID. Shared by the TLS layer's tests
/// (CryptoPrimitivesTests) and the outbound client's (UploadServiceTests).
package final class TLSTestPeers {
    /// The PEM file of the CA that signed the "good" certificates.
    package let caFile: String
    private let ports: [String: Int]
    private let pid: pid_t
    private let input: Int32

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package init() throws {
        let script = String(#filePath.dropLast("TLSTestPeers.swift".count)) + "tls_server.py"
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw Failure(description: "pipe failed") }
        // Other tests spawn fixtures at the same time: none may inherit this one's pipe ends.
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        // Test threads (Dispatch workers) block signals, and a child inherits the mask: without
        // this the fixture would never see the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = ["python3", script]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, "python3", &actions, &attributes, &argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard status == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "cannot start python3 (\(status))")
        }
        pid = child
        input = toChild[1]
        defer { close(fromChild[0]) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.last != 10 {
            var entry = pollfd(fd: fromChild[0], events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 60_000) == 1, read(fromChild[0], &byte, 1) == 1 else { break }
            line.append(byte)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.first == "ready" else {
            Self.end(child)
            close(input)
            throw Failure(description: "the TLS fixture did not start: \(String(decoding: line, as: UTF8.self))")
        }
        var ports: [String: Int] = [:]
        var caFile = ""
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "ca" { caFile = parts[1] } else { ports[parts[0]] = Int(parts[1]) }
        }
        self.caFile = caFile
        self.ports = ports
    }

    /// The port of `mode` (good, ipsan, wronghost, expired, selfsigned, untrusted, tls11, nonotify,
    /// plain, silent).
    package func port(_ mode: String) -> Int { ports[mode] ?? 0 }

    /// Stops the fixture by PID.
    package func stop() {
        Self.end(pid)
        close(input)
    }

    /// SIGTERM, then SIGKILL if the child has not gone within five seconds; reaps it either way.
    private static func end(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    /// A blocking TCP connection to 127.0.0.1:`port`, then switched to non-blocking for TLS.
    package static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard fd >= 0, connected else {
            close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port) (errno \(errno))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }
}
