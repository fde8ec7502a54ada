import Glibc
import SigV4
import TLSTestSupport
import Testing

@testable import UploadService

/// Proxies as libcurl read them (users in egress-restricted VPCs rely on it): which variable
/// applies to which URL, `no_proxy` matching, credentials, and what goes on the wire to the proxy.
@Suite("Outbound proxies", .timeLimit(.minutes(1)))
struct OutboundProxyTests {
    /// (host, no_proxy, bypassed).
    static let noProxyTable: [(String, String, Bool)] = [
        ("sts.amazonaws.com", "", false),
        ("sts.amazonaws.com", "*", true),
        ("sts.amazonaws.com", "amazonaws.com", true),
        ("sts.amazonaws.com", ".amazonaws.com", true),
        ("amazonaws.com", ".amazonaws.com", true),
        ("sts.amazonaws.com", "AMAZONAWS.COM", true),
        ("STS.amazonaws.com.", "amazonaws.com", true),
        ("sts.amazonaws.com", "example.com, amazonaws.com", true),
        ("sts.amazonaws.com", "example.com amazonaws.com", true),
        ("notamazonaws.com", "amazonaws.com", false),
        ("amazonaws.com.evil.example", "amazonaws.com", false),
        ("sts.amazonaws.com", "sts.amazonaws", false),
        ("sts.amazonaws.com", "*.amazonaws.com", false),
        ("sts.amazonaws.com", "*,example.com", false),
        ("169.254.169.254", "169.254.169.254", true),
        ("169.254.169.254", "169.254.0.0/16", true),
        ("169.254.170.2", "169.254.169.254/32", false),
        ("10.1.2.3", "10.0.0.0/8", true),
        ("11.1.2.3", "10.0.0.0/8", false),
        ("169.254.169.254", "254.169.254", false),
        ("fd00:ec2::254", "fd00:ec2::254", true),
        ("fd00:ec2::254", "[fd00:ec2::254]", true),
        ("fd00:ec2::254", "fd00::/8", true),
        ("::1", "127.0.0.1", false),
        ("localhost", "localhost,127.0.0.1", true),
        ("sts.amazonaws.com", ",,", false),
    ]

    @Test(
        "no_proxy matches as curl does: suffixes on dot boundaries, '*', IP literals, CIDR",
        arguments: noProxyTable.indices)
    func noProxyMatching(index: Int) {
        let (host, list, bypassed) = Self.noProxyTable[index]
        #expect(OutboundProxySettings.bypasses(host: host, noProxy: list) == bypassed, "\(host) vs \(list)")
    }

    /// (environment, URL, expected proxy host:port or nil).
    static let selection: [([String: String], String, String?)] = [
        (["https_proxy": "http://proxy.corp:3128"], "https://sts.amazonaws.com/", "proxy.corp:3128"),
        (["HTTPS_PROXY": "proxy.corp:8080"], "https://sts.amazonaws.com/", "proxy.corp:8080"),
        (["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"], "https://sts.amazonaws.com/", "lower:1"),
        (["https_proxy": "http://proxy.corp:3128"], "http://169.254.169.254/", nil),
        (["http_proxy": "http://proxy.corp"], "http://169.254.169.254/", "proxy.corp:1080"),
        (["HTTP_PROXY": "http://proxy.corp:3128"], "http://169.254.169.254/", nil),
        (["ALL_PROXY": "http://all.corp:3128"], "http://169.254.169.254/", "all.corp:3128"),
        (["all_proxy": "http://all.corp:3128"], "https://sts.amazonaws.com/", "all.corp:3128"),
        (["https_proxy": "http://p:1", "no_proxy": ".amazonaws.com"], "https://sts.amazonaws.com/", nil),
        (["https_proxy": "http://p:1", "NO_PROXY": "sts.amazonaws.com"], "https://sts.amazonaws.com/", nil),
        (["http_proxy": "http://p:1", "no_proxy": "169.254.169.254,169.254.170.2"], "http://169.254.170.2/v2/", nil),
        (["https_proxy": "  "], "https://sts.amazonaws.com/", nil),
        (["http_proxy": "http://[fd00::1]:3128"], "http://169.254.169.254/", "fd00::1:3128"),
    ]

    @Test("the proxy variable that applies depends on the URL's scheme, as in libcurl", arguments: selection.indices)
    func proxySelection(index: Int) throws {
        let (environment, url, expected) = Self.selection[index]
        let proxy = try OutboundProxySettings(environment: environment).proxy(for: OutboundURL(parsing: url))
        #expect(proxy.map { "\($0.host):\($0.port)" } == expected, "\(environment) for \(url)")
    }

    @Test("proxy credentials are percent-decoded into Basic authorization")
    func credentials() throws {
        let settings = OutboundProxySettings(environment: [
            "https_proxy": "http://svc%40corp:p%3Ass%20w@proxy.corp:3128"
        ])
        let proxy = try settings.proxy(for: OutboundURL(parsing: "https://sts.amazonaws.com/"))
        // base64("svc@corp:p:ss w")
        #expect(proxy?.authorization == "Basic c3ZjQGNvcnA6cDpzcyB3")
        // RFC 7617 §2's example.
        let aladdin = OutboundProxySettings(environment: ["https_proxy": "http://Aladdin:open%20sesame@proxy.corp"])
        #expect(
            try aladdin.proxy(for: OutboundURL(parsing: "https://sts.amazonaws.com/"))?.authorization
                == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    }

    @Test(
        "unusable proxy settings are errors naming the variable, never its password", .tags(.security),
        arguments: [
            "https://user:hunter2@proxy.corp:3128", "socks5://user:hunter2@proxy.corp:1080",
            "http://user:hunter2%zz@proxy.corp:3128", "http://user:hunter2@proxy corp",
        ])
    func badProxySettings(value: String) {
        let settings = OutboundProxySettings(environment: ["https_proxy": value])
        let error = #expect(throws: OutboundHTTPError.self) {
            try settings.proxy(for: OutboundURL(parsing: "https://sts.amazonaws.com/"))
        }
        #expect(error?.message.hasPrefix("https_proxy") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test("http through a proxy: the absolute-form request line, the Host header and Proxy-Authorization")
    func httpThroughProxy() async throws {
        let proxy = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\ncreds")])
        defer { proxy.stop() }
        let client = SocketHTTPClient(environment: ["http_proxy": "http://svc:s3cret@127.0.0.1:\(proxy.port)"])
        // The target's name is never resolved: only the proxy is connected to.
        let response = try await client.send(
            OutboundHTTPRequest(
                method: "GET", url: "http://metadata.invalid/latest/meta-data/iam?x=1",
                headers: [("X-aws-ec2-metadata-token", "tok")], timeout: .seconds(5)))
        #expect(response.text == "creds")
        let request = try #require(proxy.requests.first)
        #expect(
            request.hasPrefix(
                "GET http://metadata.invalid/latest/meta-data/iam?x=1 HTTP/1.1\r\nHost: metadata.invalid\r\n"))
        #expect(request.contains("\r\nProxy-Authorization: Basic c3ZjOnMzY3JldA==\r\n"))
    }

    @Test("https through a proxy: CONNECT host:port with credentials, then TLS to the server inside the tunnel")
    func httpsThroughProxy() async throws {
        let peers = try TLSTestPeers()
        defer { peers.stop() }
        let target = peers.port("good")
        let proxy = try OutboundTestServer(script: [
            .send("HTTP/1.1 200 Connection established\r\n\r\n"), .relay(port: target),
        ])
        defer { proxy.stop() }
        let client = SocketHTTPClient(
            environment: ["HTTPS_PROXY": "svc:pw@127.0.0.1:\(proxy.port)"],
            additionalTrustFile: peers.caFile)
        let response = try await client.send(
            OutboundHTTPRequest(method: "GET", url: "https://localhost:\(target)/jwks.json", timeout: .seconds(10)))
        #expect(response.status == 200 && response.text == "hello")
        #expect(
            proxy.requests == [
                "CONNECT localhost:\(target) HTTP/1.1\r\nHost: localhost:\(target)\r\nUser-Agent: secure-upload\r\n"
                    + "Proxy-Authorization: Basic c3ZjOnB3\r\n\r\n"
            ])
    }

    @Test("a proxy refusing CONNECT (407) is an error naming the status, not the credentials")
    func proxyRefusesTunnel() async throws {
        let proxy = try OutboundTestServer(script: [
            .send(
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n")
        ])
        defer { proxy.stop() }
        let client = SocketHTTPClient(environment: ["https_proxy": "http://svc:hunter2@127.0.0.1:\(proxy.port)"])
        let error = await #expect(throws: OutboundHTTPError.self) {
            try await client.send(
                OutboundHTTPRequest(method: "GET", url: "https://sts.amazonaws.com/", timeout: .seconds(5)))
        }
        #expect(error?.message == "the proxy 127.0.0.1:\(proxy.port) refused the tunnel with HTTP 407")
    }

    @Test("a host in no_proxy is reached directly even when the proxy is down")
    func noProxyBypassesLive() async throws {
        let server = try OutboundTestServer(script: [.send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect")])
        defer { server.stop() }
        let (socket, closed) = try OutboundTestServer.refusingPort()
        defer { close(socket) }
        let client = SocketHTTPClient(environment: [
            "http_proxy": "http://127.0.0.1:\(closed)", "no_proxy": "127.0.0.1",
        ])
        let response = try await client.send(
            OutboundHTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5)))
        #expect(response.text == "direct")
        #expect(server.requests.first?.hasPrefix("GET / HTTP/1.1\r\n") == true)
    }
}
