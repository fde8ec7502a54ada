import CryptoPrimitives
import Glibc

/// One TCP connection of an outbound exchange, optionally wrapped in TLS: resolution, a
/// non-blocking connect to each resolved address in turn, and reads and writes that wait with
/// poll(2) and give up at the exchange's deadline. Owns its socket, closed in `deinit`.
final class OutboundConnection {
    /// What a read returned.
    enum ReadResult {
        /// This many bytes were read.
        case bytes(Int)
        /// The peer closed the connection; `cleanly` is false for TLS without a close_notify.
        case closed(cleanly: Bool)
    }

    private let socket: Int32
    private var tls: TLSSession?
    /// Says what timed out, as the exchange reports it.
    private let timedOut: @Sendable (String) -> OutboundHTTPError

    private init(socket: Int32, timedOut: @escaping @Sendable (String) -> OutboundHTTPError) {
        self.socket = socket
        self.timedOut = timedOut
    }

    deinit {
        tls = nil
        close(socket)
    }

    /// A resolved socket address, valid while the resolver's list (or the caller's storage) lives.
    struct Address {
        var family: Int32
        var pointer: UnsafePointer<sockaddr>
        var length: socklen_t
    }

    /// Resolves `host` and connects to the first of its addresses that accepts, in the order the
    /// resolver gives them. getaddrinfo cannot be interrupted: the caller bounds the whole
    /// exchange from outside as well.
    static func open(
        host: String, port: Int, deadline: ContinuousClock.Instant,
        timedOut: @escaping @Sendable (String) -> OutboundHTTPError
    ) throws(OutboundHTTPError) -> OutboundConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw OutboundHTTPError(message: "cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry, let address = current.pointee.ai_addr {
            addresses.append(
                Address(family: current.pointee.ai_family, pointer: address, length: current.pointee.ai_addrlen))
            entry = current.pointee.ai_next
        }
        return try connect(to: addresses, naming: "\(host):\(port)", deadline: deadline, timedOut: timedOut)
    }

    /// Connects to the first of `addresses` that accepts, one at a time, in order. Each address but
    /// the last may use only its share of the time left (a second of five when five remain): an
    /// address whose route drops packets (a broken IPv6 path, listed first) answers nothing, and
    /// must not spend the whole deadline before the next one is tried (RFC 8305 §5 moves on after
    /// 250 ms; one connection at a time, sharing the time is the bounded equivalent).
    static func connect(
        to addresses: [Address], naming target: String, deadline: ContinuousClock.Instant,
        timedOut: @escaping @Sendable (String) -> OutboundHTTPError
    ) throws(OutboundHTTPError) -> OutboundConnection {
        var lastError = "no address"
        for (index, address) in addresses.enumerated() {
            let now = ContinuousClock.now
            guard now < deadline else { throw timedOut("connecting to \(target)") }
            let left = addresses.count - index
            let attemptDeadline = left == 1 ? deadline : now + (deadline - now) / left
            let fd = Glibc.socket(
                address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            let connection = OutboundConnection(socket: fd, timedOut: timedOut)
            if Glibc.connect(fd, address.pointer, address.length) == 0 { return connection }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                continue
            }
            guard SocketReadiness.wait(fd, for: Int16(POLLOUT), until: attemptDeadline) else {
                if left == 1 { throw timedOut("connecting to \(target)") }
                lastError = "no answer from one address within its share of the deadline"
                continue
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            if socketError == 0 { return connection }
            lastError = String(cString: strerror(socketError))
        }
        throw OutboundHTTPError(message: "cannot connect to \(target): \(lastError)")
    }

    /// Starts TLS to `host` over this connection (after a proxy's CONNECT, if any).
    func startTLS(context: TLSClientContext, host: String, deadline: ContinuousClock.Instant) throws(OutboundHTTPError)
    {
        do {
            tls = try TLSSession(context: context, socket: socket, host: host, deadline: deadline)
        } catch {
            throw mapped(error, host: host)
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(OutboundHTTPError) {
        if let tls {
            do { try tls.write(bytes, deadline: deadline) } catch { throw mapped(error, host: nil) }
            return
        }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                guard SocketReadiness.wait(socket, for: Int16(POLLOUT), until: deadline) else {
                    throw timedOut("sending the request")
                }
            } else {
                throw OutboundHTTPError(message: "cannot send the request: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads what is available into `buffer`, waiting for at least one byte or the close.
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(OutboundHTTPError) -> ReadResult {
        if let tls {
            do {
                let count = try tls.read(into: &buffer, deadline: deadline)
                return count == 0 ? .closed(cleanly: true) : .bytes(count)
            } catch  where error.reason == .closedWithoutNotify {
                return .closed(cleanly: false)
            } catch {
                throw mapped(error, host: nil)
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed(cleanly: true) }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw OutboundHTTPError(message: "cannot read the response: \(String(cString: strerror(errno)))")
            }
            guard SocketReadiness.wait(socket, for: Int16(POLLIN), until: deadline) else {
                throw timedOut("reading the response")
            }
        }
    }

    /// Sends a TLS close_notify if it goes out at once (politeness; never waited for).
    func shutdownTLS() {
        tls?.shutdown()
    }

    private func mapped(_ error: TLSError, host: String?) -> OutboundHTTPError {
        switch error.reason {
        case .timedOut: return timedOut(error.message)
        case .certificateRejected, .handshakeFailed:
            return OutboundHTTPError(message: "TLS with \(host ?? "the server") failed: \(error.message)")
        case .configuration, .closedWithoutNotify, .transport:
            return OutboundHTTPError(message: "TLS: \(error.message)")
        }
    }
}
