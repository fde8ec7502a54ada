/// Which peers may speak for the client through `X-Forwarded-For` and `X-Forwarded-Proto`
/// (the `TRUSTED_PROXIES` setting: a list of IPv4/IPv6 addresses and CIDR blocks).
///
/// A forwarded header is only as trustworthy as the hop that added it. Walking `X-Forwarded-For`
/// from the right, each address was appended by the hop to its right; while that hop is a trusted
/// proxy the address is believed, and the first address not in the list is the client. A header
/// from an untrusted peer is ignored entirely: anyone can send `X-Forwarded-For: 1.2.3.4`.
package struct TrustedProxies: Sendable, CustomStringConvertible {
    private let blocks: [CIDRBlock]

    /// Parses a list such as `"10.0.0.0/8, 192.168.1.1, ::1/128"` (commas and/or whitespace between
    /// entries; an empty list trusts nobody).
    ///
    /// - Throws: ``TrustedProxiesError`` naming the first bad entry.
    package init(parsing list: String) throws(TrustedProxiesError) {
        var blocks: [CIDRBlock] = []
        for entry in list.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            blocks.append(try CIDRBlock(parsing: String(entry)))
        }
        self.blocks = blocks
    }

    /// Trusts nobody: forwarded headers are always ignored.
    package static let none = TrustedProxies(blocks: [])

    private init(blocks: [CIDRBlock]) {
        self.blocks = blocks
    }

    /// Whether no proxy is trusted.
    package var isEmpty: Bool { blocks.isEmpty }

    /// The list in canonical form (`10.0.0.0/8, ::1/128`), for the start-up configuration line.
    package var description: String {
        blocks.map(\.description).joined(separator: ", ")
    }

    /// Whether `address` (a bare address, or one with a port) is in the list.
    package func isTrusted(_ address: String) -> Bool {
        guard let parsed = IPAddress(hop: address) else { return false }
        return isTrusted(parsed)
    }

    /// The address of the client on whose behalf the request was made.
    ///
    /// - Parameters:
    ///   - peer: the socket peer address (a port or IPv4-mapped form is accepted).
    ///   - forwardedFor: the `X-Forwarded-For` value (several headers joined with `,`), if any.
    /// - Returns: `peer` when the peer is not trusted or sent no header; otherwise the rightmost
    ///   untrusted address in the chain. A malformed hop ends the walk at the last believed address,
    ///   and a chain of trusted addresses only yields its leftmost one.
    package func clientAddress(peer: String, forwardedFor: String?) -> String {
        // Runs per request. A dotted-quad peer (what the server's accept reports for IPv4) is its
        // own canonical form; with nobody trusted, the header is never read.
        let peerIsDottedQuad = IPAddress.isDigitsAndDots(peer)
        if blocks.isEmpty && peerIsDottedQuad { return peer }
        guard let peerAddress = IPAddress(hop: peer) else { return peer }
        guard isTrusted(peerAddress), let forwardedFor else {
            return peerIsDottedQuad ? peer : peerAddress.description
        }
        var current = peerAddress
        for hop in forwardedFor.split(separator: ",").reversed() {
            guard let address = IPAddress(hop: hop) else { break }
            current = address
            if !isTrusted(address) { break }
        }
        return current.description
    }

    /// The scheme the client used: the rightmost `X-Forwarded-Proto` entry when the peer is trusted
    /// and the entry is `http` or `https`; otherwise `http`, the scheme this server itself speaks.
    package func scheme(peer: String, forwardedProto: String?) -> String {
        guard let peerAddress = IPAddress(hop: peer), isTrusted(peerAddress), let forwardedProto,
            let last = forwardedProto.split(separator: ",").last
        else { return "http" }
        let value = last.filter { !$0.isWhitespace }.lowercased()
        return value == "https" || value == "http" ? value : "http"
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        blocks.contains { $0.contains(address) }
    }
}
