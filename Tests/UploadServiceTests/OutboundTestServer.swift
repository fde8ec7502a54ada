import Dispatch
import Glibc
import Synchronization
import Testing

/// A loopback TCP server on 127.0.0.1:0 for the outbound client's tests: each accepted connection
/// has its request head (and Content-Length body) read and recorded, then plays `script`. Each
/// connection has its own serial queue (a thread of its own: handlers block); `stop()` closes the listener and ends every held connection.
final class OutboundTestServer: Sendable {
    /// What the server does on a connection after reading the request.
    enum Step: Sendable {
        /// Sends these bytes.
        case send(String)
        /// Sends raw bytes.
        case sendBytes([UInt8])
        /// Waits this many milliseconds.
        case pause(milliseconds: Int)
        /// Sends one byte of `text` every `milliseconds` until stopped or the client leaves.
        case trickle(String, milliseconds: Int)
        /// Keeps the connection open, silent, until stopped.
        case hold
        /// Connects to 127.0.0.1:`port` and copies bytes both ways until either side closes (a
        /// proxy's tunnel after CONNECT).
        case relay(port: Int)
    }

    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let received = Mutex<[String]>([])
    private let trickled = Atomic<Int>(0)

    /// The raw requests received so far (head and body), one per connection.
    var requests: [String] { received.withLock { $0 } }
    /// Bytes sent by `.trickle` steps.
    var trickledBytes: Int { trickled.load(ordering: .relaxed) }

    /// Starts listening and serving every connection with `script` (`readRequest: false` skips
    /// reading a request first: a server that speaks first, or a proxy test that reads itself).
    init(readRequest: Bool = true, script: [Step]) throws {
        (listener, port) = try Self.listen()
        DispatchQueue(label: "outbound-test-server").async { [self] in
            while !stopped.load(ordering: .relaxed) {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                DispatchQueue(label: "outbound-test-server").async { [self] in
                    defer { close(connection) }
                    if readRequest { received.withLock { $0.append(Self.readRequest(connection)) } }
                    play(script, on: connection)
                }
            }
        }
    }

    /// Stops accepting and ends held or trickling connections.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func play(_ script: [Step], on connection: Int32) {
        for step in script {
            switch step {
            case .send(let text):
                guard Self.send(Array(text.utf8), on: connection) else { return }
            case .sendBytes(let bytes):
                guard Self.send(bytes, on: connection) else { return }
            case .pause(let milliseconds):
                usleep(UInt32(milliseconds) * 1000)
            case .trickle(let text, let milliseconds):
                for byte in text.utf8 {
                    guard !stopped.load(ordering: .relaxed), Self.send([byte], on: connection) else { return }
                    trickled.add(1, ordering: .relaxed)
                    usleep(UInt32(milliseconds) * 1000)
                }
            case .hold:
                while !stopped.load(ordering: .relaxed) { usleep(20_000) }
            case .relay(let port):
                relay(connection, to: port)
            }
        }
    }

    private func relay(_ client: Int32, to port: Int) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(upstream) }
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var entries = [
            pollfd(fd: client, events: Int16(POLLIN), revents: 0),
            pollfd(fd: upstream, events: Int16(POLLIN), revents: 0),
        ]
        while !stopped.load(ordering: .relaxed) {
            guard poll(&entries, 2, 100) >= 0 else { return }
            for (index, entry) in entries.enumerated() where entry.revents != 0 {
                let other = index == 0 ? upstream : client
                let count = buffer.withUnsafeMutableBytes { recv(entry.fd, $0.baseAddress, $0.count, 0) }
                guard count > 0, Self.send(Array(buffer[..<count]), on: other) else { return }
            }
        }
    }

    static func send(_ bytes: [UInt8], on connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Reads a request head and, when it declares one, its Content-Length body.
    static func readRequest(_ connection: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        func headEnd() -> Int? {
            guard data.count >= 4 else { return nil }
            return (0...(data.count - 4)).first { data[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
        }
        while headEnd() == nil {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return String(decoding: data, as: UTF8.self) }
            data += buffer[..<count]
        }
        let end = headEnd()! + 4
        let lines = String(decoding: data[..<end], as: UTF8.self).lowercased().split(separator: "\r\n")
        if let line = lines.first(where: { $0.hasPrefix("content-length: ") }) {
            let length = Int(line.dropFirst("content-length: ".count)) ?? 0
            while data.count < end + length {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                data += buffer[..<count]
            }
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func listen() throws -> (Int32, Int) {
        let (fd, port) = try bound()
        guard Glibc.listen(fd, 16) == 0 else {
            close(fd)
            throw OutboundTestFailure("cannot listen on 127.0.0.1 (errno \(errno))")
        }
        return (fd, port)
    }

    /// A loopback port that refuses connections for as long as `socket` stays open: bound, never
    /// listening. (A port bound and closed again could meanwhile go to another test's server, and
    /// did, under AddressSanitizer's timing.) Close `socket` when done.
    static func refusingPort() throws -> (socket: Int32, port: Int) {
        try bound()
    }

    /// A loopback port that answers no connection attempt, as a route that drops packets does:
    /// a listener whose accept queue is full (Linux drops further SYNs). Close every socket when
    /// done.
    static func blackhole() throws -> (sockets: [Int32], port: Int) {
        let (listener, port) = try bound()
        guard Glibc.listen(listener, 0) == 0 else {
            close(listener)
            throw OutboundTestFailure("cannot listen on 127.0.0.1 (errno \(errno))")
        }
        var sockets = [listener]
        var address = loopback(port: port)
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            _ = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            sockets.append(fd)
        }
        return (sockets, port)
    }

    /// 127.0.0.1:`port`.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    private static func bound() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            close(fd)
            throw OutboundTestFailure("cannot bind on 127.0.0.1 (errno \(errno))")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A test set-up failure.
struct OutboundTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Tag {
    /// Security regressions: attacks that must stay refused.
    @Tag static var security: Self
}
