import CryptoPrimitives
import Glibc
import TLSTestSupport
import Testing

/// Outbound TLS against live peers with throwaway certificates: a trusted chain with the right
/// name succeeds; everything an attacker in the path could present instead is refused, with the
/// reason named. Each refusal was checked to fail with verification switched off. Serialized: the
/// tests block while the fixture starts, and the cooperative pool has only a thread per core.
@Suite("TLS client session", .serialized, .timeLimit(.minutes(1)))
struct TLSSessionTests {
    /// Handshakes with the peer on `port` as `host`, sends a request and reads until the close.
    static func exchange(
        port: Int, host: String, trust: String?, timeout: Duration = .seconds(10)
    ) throws -> String {
        let fd = try TLSTestPeers.connect(port: port)
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        let context = try TLSClientContext(additionalTrustFile: trust)
        let session = try TLSSession(context: context, socket: fd, host: host, deadline: deadline)
        try session.write(Array("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8), deadline: deadline)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = try session.read(into: &buffer, deadline: deadline)
            if count == 0 { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    static func refusal(
        port: Int, host: String, trust: String?, timeout: Duration = .seconds(10)
    ) -> TLSError? {
        do {
            _ = try exchange(port: port, host: host, trust: trust, timeout: timeout)
            return nil
        } catch let error as TLSError {
            return error
        } catch {
            return TLSError?.none
        }
    }

    @Test("a chain to a trusted CA with the right host name succeeds and ends with a close_notify")
    func trustedSucceeds() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let answer = try Self.exchange(port: peers.port("good"), host: "localhost", trust: peers.caFile)
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("\r\n\r\nhello"))
    }

    @Test("an IP-literal host is verified against the certificate's IP address SAN")
    func ipSANSucceeds() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let answer = try Self.exchange(port: peers.port("ipsan"), host: "127.0.0.1", trust: peers.caFile)
        #expect(answer.hasSuffix("hello"))
    }

    /// (mode, host, trust the test CA, words of the reason).
    static let refusals: [(String, String, Bool, String)] = [
        ("good", "localhost", false, "certificate verify failed: unable to get local issuer certificate"),
        ("untrusted", "localhost", true, "certificate verify failed: unable to get local issuer certificate"),
        ("selfsigned", "localhost", true, "certificate verify failed: self-signed certificate"),
        ("wronghost", "localhost", true, "certificate verify failed: hostname mismatch"),
        ("expired", "localhost", true, "certificate verify failed: certificate has expired"),
        ("good", "127.0.0.1", true, "certificate verify failed: IP address mismatch"),
        ("ipsan", "localhost", true, "certificate verify failed: hostname mismatch"),
    ]

    @Test(
        "certificates an attacker could present are refused, naming why",
        .tags(.security), arguments: refusals.indices)
    func refused(index: Int) throws {
        let (mode, host, trusted, words) = Self.refusals[index]
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = Self.refusal(port: peers.port(mode), host: host, trust: trusted ? peers.caFile : nil)
        #expect(error?.reason == .certificateRejected, "\(mode) as \(host): \(String(describing: error))")
        #expect(error?.message == words, "\(mode) as \(host)")
    }

    @Test("a server offering only TLS 1.0/1.1 is refused", .tags(.security))
    func oldProtocolRefused() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = Self.refusal(port: peers.port("tls11"), host: "localhost", trust: peers.caFile)
        #expect(error?.reason == .handshakeFailed)
        #expect(error?.message.contains("the TLS handshake failed") == true, "\(String(describing: error))")
    }

    @Test("a plain-HTTP speaker is a handshake failure, not a hang")
    func plainHTTPRefused() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let started = ContinuousClock.now
        let error = Self.refusal(
            port: peers.port("plain"), host: "localhost", trust: peers.caFile, timeout: .seconds(3))
        #expect(
            error?.reason == .handshakeFailed || error?.reason == .closedWithoutNotify, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("a silent peer ends the handshake at the deadline")
    func silentPeerTimesOut() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = Self.refusal(
            port: peers.port("silent"), host: "localhost", trust: peers.caFile, timeout: .milliseconds(500))
        #expect(error?.reason == .timedOut)
        #expect(error?.message == "timed out during the TLS handshake")
    }

    @Test("a close without a close_notify is reported: the data before it may be truncated", .tags(.security))
    func missingCloseNotify() throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = Self.refusal(port: peers.port("nonotify"), host: "localhost", trust: peers.caFile)
        #expect(error?.reason == .closedWithoutNotify, "\(String(describing: error))")
    }

    @Test("an unreadable extra CA file is a configuration error naming the file")
    func missingTrustFile() {
        let error = #expect(throws: TLSError.self) {
            try TLSClientContext(additionalTrustFile: "/nonexistent/ca.pem")
        }
        #expect(error?.reason == .configuration)
        #expect(error?.message.contains("/nonexistent/ca.pem") == true)
    }

    @Test("an empty host name is refused before any handshake")
    func emptyHost() throws {
        let context = try TLSClientContext()
        #expect(throws: TLSError.self) {
            try TLSSession(context: context, socket: -1, host: "", deadline: .now + .seconds(1))
        }
    }
}

extension Tag {
    /// Security regressions: attacks that must stay refused.
    @Tag static var security: Self
}
