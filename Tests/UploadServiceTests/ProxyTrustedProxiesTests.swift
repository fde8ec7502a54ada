import Glibc
import Testing

@testable import UploadService

@Suite("Trusted proxies")
struct ProxyTrustedProxiesTests {
    static let albAndLoopback = try! TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.1 ::1/128,fd00::/8")

    @Test(
        "resolves the client address from the peer and X-Forwarded-For",
        arguments: [
            // An untrusted peer's header is ignored: anyone can write X-Forwarded-For.
            ("203.0.113.5", "1.2.3.4", "203.0.113.5"),
            ("203.0.113.5", "10.0.0.1, 1.2.3.4", "203.0.113.5"),
            ("203.0.113.5:51234", nil, "203.0.113.5"),
            // A trusted peer without a header is the client itself.
            ("10.1.2.3", nil, "10.1.2.3"),
            // A trusted chain: the first untrusted address from the right.
            ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
            ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
            ("10.0.0.2", "  198.51.100.7:4431 ,10.9.9.9 ", "198.51.100.7"),
            ("192.168.1.1", "198.51.100.7", "198.51.100.7"),
            // Every hop trusted: the leftmost is the best guess.
            ("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"),
            // Garbage stops the walk at the last believed address.
            ("10.0.0.2", "unknown", "10.0.0.2"),
            ("10.0.0.2", "198.51.100.7, garbage, 10.0.0.5", "10.0.0.5"),
            ("10.0.0.2", "", "10.0.0.2"),
            ("10.0.0.2", "1.2.3", "10.0.0.2"),
            // 192.168.1.2 is not 192.168.1.1: a single host entry is /32.
            ("192.168.1.2", "198.51.100.7", "192.168.1.2"),
            // IPv6 and IPv4-mapped peers.
            ("::1", "2001:db8::42", "2001:db8::42"),
            ("[::1]:8080", "[2001:db8::42]:443", "2001:db8::42"),
            ("fd12:3456::1", "2001:db8::42, fd00::9", "2001:db8::42"),
            ("::ffff:10.0.0.2", "198.51.100.7", "198.51.100.7"),
            ("::ffff:203.0.113.5", "198.51.100.7", "203.0.113.5"),
            ("2001:db8::1", "198.51.100.7", "2001:db8::1"),
            ("2001:DB8:0:0::1", nil, "2001:db8::1"),
        ])
    func clientAddress(peer: String, forwardedFor: String?, expected: String) {
        #expect(Self.albAndLoopback.clientAddress(peer: peer, forwardedFor: forwardedFor) == expected)
    }

    @Test("an empty list trusts nobody")
    func emptyList() throws {
        let proxies = try TrustedProxies(parsing: " ")
        #expect(proxies.isEmpty)
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "1.2.3.4") == "127.0.0.1")
        #expect(TrustedProxies.none.clientAddress(peer: "10.0.0.1", forwardedFor: "1.2.3.4") == "10.0.0.1")
    }

    @Test(
        "believes X-Forwarded-Proto only from a trusted peer",
        arguments: [
            ("203.0.113.5", "https", "http"),
            ("10.0.0.2", "https", "https"),
            ("10.0.0.2", "HTTPS", "https"),
            ("10.0.0.2", "http, https", "https"),
            ("10.0.0.2", "gopher", "http"),
            ("10.0.0.2", nil, "http"),
            ("::1", " https ", "https"),
        ])
    func scheme(peer: String, forwardedProto: String?, expected: String) {
        #expect(Self.albAndLoopback.scheme(peer: peer, forwardedProto: forwardedProto) == expected)
    }

    @Test(
        "parses CIDR blocks of both families and normalises host bits",
        arguments: [
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("192.168.1.1", "192.168.1.1/32"),
            ("2001:db8:ffff::/32", "2001:db8::/32"),
            ("::/0", "::/0"),
            ("::1", "::1/128"),
            ("fe80::1%eth0/64", "fe80::/64"),
            ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ])
    func parsesBlocks(entry: String, canonical: String) throws {
        #expect(try TrustedProxies(parsing: entry).description == canonical)
    }

    @Test("a /0 block trusts every address of its family only")
    func wholeFamily() throws {
        let proxies = try TrustedProxies(parsing: "0.0.0.0/0")
        #expect(proxies.isTrusted("8.8.8.8"))
        #expect(!proxies.isTrusted("2001:db8::1"))
        #expect(try TrustedProxies(parsing: "::/0").isTrusted("2001:db8::1"))
    }

    @Test(
        "rejects a bad entry with an error naming it",
        arguments: [
            "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0/8", "300.1.1.1", "example.com", "::1/129",
            "10.0.0.0/8/8", "2001:db8::/x", "::ffff:10.0.0.0/95",
        ])
    func rejectsBadEntries(entry: String) {
        #expect {
            try TrustedProxies(parsing: "127.0.0.1, \(entry)")
        } throws: { error in
            guard let error = error as? TrustedProxiesError else { return false }
            return error.entry == entry && error.description.contains("\"\(entry)\"")
                && error.description.hasPrefix("TRUSTED_PROXIES")
        }
    }

    static let oddAddresses: [String] = [
        "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.02.3.4", "0.0.0.00",
        "1..2.3", ".1.2.3", "1.2.3.", "", "1.2.3.4 ", "1.2.3.-4", "1.2.3.4%eth0", "1234.1.1.1", "0.1.2.3",
        "10.0.0.1:80", "127.0.0.1", "::ffff:1.2.3.4", "::1", "2001:DB8::1", "[::1]", "x.y.z.w", "\u{661}.1.1.1",
    ]

    @Test("the dotted-quad parser accepts exactly what inet_pton accepts, with the same value", arguments: oddAddresses)
    func dottedQuadMatchesInetPton(text: String) {
        var storage = in_addr()
        let expected = inet_pton(AF_INET, text, &storage) == 1 ? UInt32(bigEndian: storage.s_addr) : nil
        #expect(IPAddress.parseIPv4(text.utf8) == expected)
    }

    @Test("the dotted-quad parser agrees with inet_pton on every short string of digits and dots")
    func dottedQuadExhaustive() {
        let alphabet: [Character] = ["0", "1", "2", "5", "9", "."]
        var texts: [String] = [""]
        var checked = 0
        for _ in 0..<7 {
            texts = texts.flatMap { text in alphabet.map { text + String($0) } }
            for text in texts {
                var storage = in_addr()
                let expected = inet_pton(AF_INET, text, &storage) == 1 ? UInt32(bigEndian: storage.s_addr) : nil
                #expect(IPAddress.parseIPv4(text.utf8) == expected, "\(text)")
                checked += 1
            }
        }
        #expect(checked > 300_000)
    }

    @Test(
        "with nobody trusted, the client is the peer in canonical form, as when the list is walked",
        arguments: oddAddresses)
    func emptyListCanonicalPeer(peer: String) {
        let general = IPAddress(hop: peer)?.description ?? peer
        #expect(TrustedProxies.none.clientAddress(peer: peer, forwardedFor: "198.51.100.7") == general)
        #expect(Self.albAndLoopback.clientAddress(peer: peer, forwardedFor: nil) == general)
    }

    @Test("IPv4 addresses print as inet_ntop prints them", arguments: ["0.0.0.0", "10.0.0.1", "255.255.255.255"])
    func ipv4Description(text: String) throws {
        #expect(try #require(IPAddress(text)).description == text)
    }
}
