import FoundationEssentials

/// The `Content-Security-Policy` of the page: only its own origin, plus the Cognito endpoint
/// and the S3 endpoint it must `fetch`/PUT to; no frames, no foreign forms, no `<base>`.
package enum ContentSecurityPolicy {
    /// The policy for a page that talks to `connectOrigins` besides itself.
    package static func policy(connectOrigins: [String]) -> String {
        var sources = ["'self'"]
        for origin in connectOrigins where !sources.contains(origin) { sources.append(origin) }
        return "default-src 'self'; connect-src \(sources.joined(separator: " ")); img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    }

    /// `scheme://host[:port]` of `url`, or nil when it has none.
    package static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed.lowercased())\(port)"
    }
}
