import Glibc

/// An IPv4 or IPv6 address as a 128-bit number (IPv4 in the low 32 bits), parsed by `inet_pton`.
///
/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4
/// peer) are read as the IPv4 address they carry, so one CIDR list covers both socket kinds.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    enum Family: Sendable {
        case v4
        case v6

        var bitCount: Int { self == .v4 ? 32 : 128 }
    }

    let family: Family
    let high: UInt64
    let low: UInt64

    private init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    init(v4 value: UInt32) {
        self.init(family: .v4, high: 0, low: UInt64(value))
    }

    init(v6 high: UInt64, _ low: UInt64) {
        if high == 0 && low >> 32 == 0xFFFF {
            self.init(v4: UInt32(truncatingIfNeeded: low))
        } else {
            self.init(family: .v6, high: high, low: low)
        }
    }

    /// Parses a bare address (`10.0.0.1`, `2001:db8::1`, `fe80::1%eth0`); `nil` for anything else.
    init?(_ text: some StringProtocol) {
        var address = String(text)
        if let percent = address.firstIndex(of: "%") {
            address = String(address[..<percent])
        }
        guard !address.isEmpty, address.utf8.count <= 64 else { return nil }
        if address.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, address, &storage) == 1 else { return nil }
            let bytes = withUnsafeBytes(of: storage) { Array($0) }
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 {
                high = high << 8 | UInt64(bytes[index])
                low = low << 8 | UInt64(bytes[index + 8])
            }
            self.init(v6: high, low)
        } else {
            var storage = in_addr()
            guard inet_pton(AF_INET, address, &storage) == 1 else { return nil }
            self.init(v4: UInt32(bigEndian: storage.s_addr))
        }
    }

    /// Parses one hop as proxies write it: surrounding spaces and quotes, an optional port
    /// (`10.0.0.1:443`, `[2001:db8::1]:443`), or brackets alone (`[::1]`).
    init?(hop text: some StringProtocol) {
        var hop = Substring(text).trimmingCharacters(in: " \t\"")
        if hop.first == "[" {
            guard let close = hop.firstIndex(of: "]") else { return nil }
            let rest = hop[hop.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            hop = hop[hop.index(after: hop.startIndex)..<close]
        } else if let colon = hop.firstIndex(of: ":"), hop.lastIndex(of: ":") == colon {
            guard hop[hop.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
            hop = hop[..<colon]
        }
        self.init(hop)
    }

    /// The canonical text form (`inet_ntop`): `10.0.0.1`, `2001:db8::1`.
    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch family {
        case .v4:
            var storage = in_addr(s_addr: UInt32(truncatingIfNeeded: low).bigEndian)
            guard inet_ntop(AF_INET, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        case .v6:
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<8 {
                bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
                bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
            }
            var storage = in6_addr()
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
            guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
