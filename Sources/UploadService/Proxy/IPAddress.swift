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
        // The common case, a dotted quad, without a String copy or a C call (it runs per request).
        if let value = IPAddress.parseIPv4(text.utf8) {
            self.init(v4: value)
            return
        }
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

    /// A dotted quad exactly as glibc's `inet_pton(AF_INET)` accepts it: four decimal parts of
    /// 0-255, no leading zeros, nothing else.
    static func parseIPv4(_ bytes: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if digits > 0 && part == 0 { return nil }
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard part <= 255 else { return nil }
                digits += 1
            } else if byte == UInt8(ascii: ".") && digits > 0 && parts < 3 {
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard parts == 3, digits > 0 else { return nil }
        return value << 8 | part
    }

    /// Whether `text` holds only ASCII digits and dots: such a peer address is either a canonical
    /// dotted quad (what `inet_ntop` writes, and what ``description`` gives back) or no address.
    static func isDigitsAndDots(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
    }

    /// Parses one hop as proxies write it: surrounding spaces and quotes, an optional port
    /// (`10.0.0.1:443`, `[2001:db8::1]:443`), or brackets alone (`[::1]`).
    init?(hop text: some StringProtocol) {
        var hop = Substring(text).trimmingSpacesAndQuotes()
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
        if family == .v4 {
            let value = UInt32(truncatingIfNeeded: low)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingSpacesAndQuotes() -> Substring {
        func isTrimmed(_ character: Character) -> Bool { character == " " || character == "\t" || character == "\"" }
        var result = self
        while let first = result.first, isTrimmed(first) { result = result.dropFirst() }
        while let last = result.last, isTrimmed(last) { result = result.dropLast() }
        return result
    }
}
