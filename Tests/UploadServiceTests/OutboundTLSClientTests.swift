import SigV4
import TLSTestSupport
import Testing

@testable import UploadService

/// The socket client over TLS against live peers (Fixtures of CryptoPrimitivesTests): a trusted
/// certificate works end to end; an untrusted one, a wrong name, an IP literal against a DNS-name
/// certificate, or a plain-HTTP speaker fail with the reason, within the deadline.
@Suite("Outbound socket client (HTTPS)", .serialized, .timeLimit(.minutes(1)))
struct OutboundTLSClientTests {
    func send(_ url: String, trust: String?, timeout: Duration = .seconds(10)) async throws -> OutboundHTTPResponse {
        try await SocketHTTPClient(environment: [:], additionalTrustFile: trust).send(
            OutboundHTTPRequest(method: "GET", url: url, timeout: timeout))
    }

    @Test("https to a server whose chain reaches a trusted CA returns its response")
    func trusted() async throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let response = try await send("https://localhost:\(peers.port("good"))/jwks.json", trust: peers.caFile)
        #expect(response.status == 200 && response.text == "hello")
    }

    /// (mode, host, trust the test CA, words of the error).
    static let refusals: [(String, String, Bool, String)] = [
        ("good", "localhost", false, "certificate verify failed: unable to get local issuer certificate"),
        ("selfsigned", "localhost", true, "certificate verify failed: self-signed certificate"),
        ("wronghost", "localhost", true, "certificate verify failed: hostname mismatch"),
        ("expired", "localhost", true, "certificate verify failed: certificate has expired"),
        ("good", "127.0.0.1", true, "certificate verify failed: IP address mismatch"),
    ]

    @Test(
        "untrusted, misnamed or expired certificates fail the request, naming why", .tags(.security),
        arguments: refusals.indices)
    func refused(index: Int) async throws {
        let (mode, host, trusted, words) = Self.refusals[index]
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await send("https://\(host):\(peers.port(mode))/", trust: trusted ? peers.caFile : nil)
        }
        #expect(error?.message == "TLS with \(host) failed: \(words)")
    }

    @Test("a plain-HTTP speaker on an https URL is an error within the deadline")
    func plainSpeaker() async throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let started = ContinuousClock.now
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await send("https://localhost:\(peers.port("plain"))/", trust: peers.caFile, timeout: .seconds(3))
        }
        #expect(error?.message.hasPrefix("TLS") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test("a TLS server that never answers the handshake is cut off at the deadline")
    func silentTLS() async throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await send(
                "https://localhost:\(peers.port("silent"))/", trust: peers.caFile, timeout: .milliseconds(700))
        }
        #expect(error?.message.hasPrefix("no complete response within") == true, "\(error?.message ?? "")")
    }

    @Test("a TLS server trickling its body a byte at a time is cut off at the deadline")
    func tricklingTLS() async throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await send("https://localhost:\(peers.port("trickle"))/", trust: peers.caFile, timeout: .seconds(1))
        }
        #expect(error?.message.hasPrefix("no complete response within") == true, "\(error?.message ?? "")")
    }
}
