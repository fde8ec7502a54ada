import Glibc

/// Which proxy, if any, an outbound request goes through, read from the environment the way
/// libcurl reads it (the client this replaces): `https_proxy` / `HTTPS_PROXY` for https URLs,
/// `http_proxy` (lower case only: `HTTP_PROXY` can be set by a CGI request's `Proxy` header) for
/// http URLs, `all_proxy` / `ALL_PROXY` otherwise, and `no_proxy` / `NO_PROXY` for the hosts that
/// bypass it. Only `http://` proxies are spoken: https goes through a CONNECT tunnel, http in
/// absolute-form. Credentials in the proxy URL become `Proxy-Authorization: Basic` and are never
/// logged or quoted in errors.
struct OutboundProxySettings: Sendable {
    private let httpsProxy: (name: String, value: String)?
    private let httpProxy: (name: String, value: String)?
    private let noProxy: String

    /// The settings in `environment` (the process environment at the outermost layer).
    init(environment: [String: String]) {
        func first(_ names: String...) -> (name: String, value: String)? {
            for name in names {
                if let value = environment[name]?.trimmingASCIIWhitespace(), !value.isEmpty { return (name, value) }
            }
            return nil
        }
        httpsProxy = first("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
        httpProxy = first("http_proxy", "all_proxy", "ALL_PROXY")
        noProxy = first("no_proxy", "NO_PROXY")?.value ?? ""
    }

    /// The proxy for `url`, or nil to connect directly. Throws when the setting that applies is
    /// not a usable proxy URL (naming the variable, not its value).
    func proxy(for url: OutboundURL) throws(OutboundHTTPError) -> OutboundProxy? {
        guard let setting = url.scheme == .https ? httpsProxy : httpProxy else { return nil }
        if Self.bypasses(host: url.host, noProxy: noProxy) { return nil }
        let parsed: OutboundURL
        do {
            // curl's defaults: no scheme means http://, no port means 1080.
            parsed = try OutboundURL(parsing: setting.value, defaultScheme: .http, defaultPort: 1080)
        } catch {
            throw OutboundHTTPError(message: "\(setting.name) is not a valid proxy URL: \(error.message)")
        }
        guard setting.value.lowercased().hasPrefix("http://") || !setting.value.contains("://") else {
            throw OutboundHTTPError(message: "\(setting.name): only http:// proxies are supported")
        }
        var authorization: String?
        if let userInfo = parsed.userInfo {
            let colon = userInfo.firstIndex(of: ":")
            let user = Self.percentDecoded(String(userInfo[..<(colon ?? userInfo.endIndex)]))
            let password = colon.map { Self.percentDecoded(String(userInfo[userInfo.index(after: $0)...])) } ?? []
            guard let user, let password else {
                throw OutboundHTTPError(message: "\(setting.name) has a malformed percent-escape in its credentials")
            }
            authorization = "Basic " + Self.base64(user + [UInt8(ascii: ":")] + password)
        }
        return OutboundProxy(host: parsed.host, port: parsed.port, authorization: authorization)
    }

    /// Whether `host` is excluded from proxying by a `no_proxy` list, as curl reads it: entries
    /// separated by commas or spaces; `*` alone excludes every host; a name matches itself and its
    /// subdomains (a leading dot is ignored); an IP address matches itself, or a CIDR block
    /// (`10.0.0.0/8`, `fd00::/8`); IPv6 entries may be bracketed. Case-insensitive.
    static func bypasses(host: String, noProxy: String) -> Bool {
        let host = host.lowercased().trimmingTrailingDot()
        let entries = noProxy.split { $0 == "," || $0 == " " || $0 == "\t" }.map { String($0).lowercased() }
        if entries == ["*"] { return true }
        let hostAddress = IPAddressBytes(host)
        for var entry in entries {
            if entry.hasPrefix("[") {
                entry.removeFirst()
                if let close = entry.firstIndex(of: "]") { entry.remove(at: close) }
            }
            if let hostAddress {
                if let slash = entry.firstIndex(of: "/") {
                    guard let network = IPAddressBytes(String(entry[..<slash])),
                        let bits = Int(entry[entry.index(after: slash)...])
                    else { continue }
                    if hostAddress.matches(network, prefixLength: bits) { return true }
                } else if let address = IPAddressBytes(entry), address == hostAddress {
                    return true
                }
                continue
            }
            while entry.hasPrefix(".") { entry.removeFirst() }
            entry = entry.trimmingTrailingDot()
            guard !entry.isEmpty else { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `text` with %XX escapes decoded (RFC 3986 §2.1), or nil when an escape is malformed.
    static func percentDecoded(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(Self.hexValue), let low = bytes.next().flatMap(Self.hexValue) else {
                return nil
            }
            output.append(high << 4 | low)
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Standard base64 with padding (RFC 4648 §4), as Basic credentials are written (RFC 7617).
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                output.append(
                    position <= chunk.count ? alphabet[Int((value >> (18 - 6 * position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// A proxy an outbound request goes through.
struct OutboundProxy: Equatable, Sendable {
    /// The proxy's host (an IPv6 address without brackets).
    var host: String
    /// The proxy's port.
    var port: Int
    /// `Basic …` from the proxy URL's credentials, if it had any. A secret.
    var authorization: String?
}

/// An IPv4 or IPv6 address as bytes, for `no_proxy` matching.
private struct IPAddressBytes: Equatable {
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// Whether the first `prefixLength` bits equal `network`'s (same family only).
    func matches(_ network: IPAddressBytes, prefixLength: Int) -> Bool {
        guard network.bytes.count == bytes.count, (0...(bytes.count * 8)).contains(prefixLength) else { return false }
        for bit in 0..<prefixLength {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if bytes[bit / 8] & mask != network.bytes[bit / 8] & mask { return false }
        }
        return true
    }
}

extension String {
    fileprivate func trimmingTrailingDot() -> String {
        hasSuffix(".") ? String(dropLast()) : self
    }
}
