/// An address block such as `10.0.0.0/8` or `2001:db8::/32`; a bare address is a single-host block.
struct CIDRBlock: Hashable, Sendable, CustomStringConvertible {
    let network: IPAddress
    let prefixLength: Int

    /// Parses `address[/prefix]`. Host bits beyond the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
    ///
    /// - Throws: ``TrustedProxiesError`` naming the entry and what is wrong with it.
    init(parsing entry: String) throws(TrustedProxiesError) {
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw TrustedProxiesError(entry: entry, problem: "has more than one \"/\"") }
        guard let address = IPAddress(parts[0]) else {
            throw TrustedProxiesError(entry: entry, problem: "\"\(parts[0])\" is not an IPv4 or IPv6 address")
        }
        // An IPv4-mapped block (`::ffff:10.0.0.0/104`) is written in IPv6 bits but matches IPv4 peers.
        let writtenAsIPv6 = parts[0].contains(":")
        let mappedOffset = writtenAsIPv6 && address.family == .v4 ? 96 : 0
        let maximum = writtenAsIPv6 ? 128 : 32
        var length = address.family.bitCount
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (mappedOffset...maximum).contains(parsed)
            else {
                throw TrustedProxiesError(
                    entry: entry, problem: "the prefix length must be a number from \(mappedOffset) to \(maximum)")
            }
            length = parsed - mappedOffset
        }
        prefixLength = length
        network = CIDRBlock.masked(address, prefixLength: length)
    }

    func contains(_ address: IPAddress) -> Bool {
        address.family == network.family && CIDRBlock.masked(address, prefixLength: prefixLength) == network
    }

    var description: String { "\(network)/\(prefixLength)" }

    private static func masked(_ address: IPAddress, prefixLength: Int) -> IPAddress {
        switch address.family {
        case .v4:
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << (32 - prefixLength)
            return IPAddress(v4: UInt32(truncatingIfNeeded: address.low) & mask)
        case .v6:
            let highMask: UInt64 = prefixLength >= 64 ? ~0 : (prefixLength == 0 ? 0 : ~0 << (64 - prefixLength))
            let lowMask: UInt64 = prefixLength <= 64 ? 0 : (prefixLength == 128 ? ~0 : ~0 << (128 - prefixLength))
            return IPAddress(v6: address.high & highMask, address.low & lowMask)
        }
    }
}
