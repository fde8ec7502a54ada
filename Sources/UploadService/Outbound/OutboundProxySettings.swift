import FoundationEssentials
import HTTPServer

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
            let user = PercentDecoding.decodeBytes(userInfo[..<(colon ?? userInfo.endIndex)].utf8, plusAsSpace: false)
            let password =
                colon.map {
                    PercentDecoding.decodeBytes(userInfo[userInfo.index(after: $0)...].utf8, plusAsSpace: false)
                }
                ?? []
            guard let user, let password else {
                throw OutboundHTTPError(message: "\(setting.name) has a malformed percent-escape in its credentials")
            }
            // RFC 7617: Basic credentials are `user:password` in standard base64.
            authorization = "Basic " + Data(user + [UInt8(ascii: ":")] + password).base64EncodedString()
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
        let hostAddress = IPAddress(host)
        for var entry in entries {
            if entry.hasPrefix("[") {
                entry.removeFirst()
                if let close = entry.firstIndex(of: "]") { entry.remove(at: close) }
            }
            if let hostAddress {
                // An address, or a block of them, as TRUSTED_PROXIES reads it.
                if let block = try? CIDRBlock(parsing: entry), block.contains(hostAddress) { return true }
                continue
            }
            while entry.hasPrefix(".") { entry.removeFirst() }
            entry = entry.trimmingTrailingDot()
            guard !entry.isEmpty else { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
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

extension String {
    fileprivate func trimmingTrailingDot() -> String {
        hasSuffix(".") ? String(dropLast()) : self
    }
}
