/// Where objects live: a bucket in a region, on AWS or on an S3-compatible endpoint.
///
/// Addressing: virtual-hosted on the regional endpoint (`https://<bucket>.s3.<region>.amazonaws.com/<key>`)
/// by default, since the regionless endpoint answers 307 for new buckets and breaks CORS preflight;
/// path-style (`https://s3.<region>.amazonaws.com/<bucket>/<key>`) when forced or when the bucket name
/// has a dot (the `*.s3…` certificate matches one label only); path-style on a custom endpoint
/// unless `virtualHostedOnEndpoint` asks for `<bucket>.<endpoint host>` (accelerate, dual-stack, or
/// the legacy global `s3.amazonaws.com`).
package struct S3Location: Sendable, Equatable {
    /// The bucket name.
    package let bucket: String
    /// The region, such as `eu-west-1` (part of the credential scope).
    package let region: String
    /// A custom endpoint such as `http://127.0.0.1:9000`, or nil for AWS.
    package let endpoint: String?
    /// Whether path-style addressing was asked for.
    package let forcePathStyle: Bool

    /// `http` or `https`.
    package let scheme: String
    /// The `Host` header value: lowercase host, with `:port` when the port is not the scheme's default.
    package let host: String
    /// Whether the bucket is the first path segment rather than part of the host.
    package let usesPathStyle: Bool
    /// What is wrong with this location, or nil when it is usable. See `validate()`.
    package let problem: String?
    /// The encoded path before the key: the endpoint's own path (if any), then `/` (virtual-hosted) or
    /// `/<bucket>/` (path-style).
    let pathPrefix: [UInt8]

    /// A location; call `validate()` at start-up to reject a bad one with a clear message.
    package init(
        bucket: String, region: String, endpoint: String? = nil, forcePathStyle: Bool = false,
        virtualHostedOnEndpoint: Bool = false
    ) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.forcePathStyle = forcePathStyle
        var problem: String? = nil
        if region.isEmpty || !region.utf8.allSatisfy({ Self.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }) {
            problem = "region '\(region.prefix(64))' must be lowercase letters, digits and '-', such as eu-west-1"
        }
        let pathStyle: Bool
        let scheme: String
        let host: String
        var endpointPath: [UInt8] = []
        if let endpoint {
            pathStyle = forcePathStyle || !virtualHostedOnEndpoint || bucket.contains(".")
            switch Self.parseEndpoint(endpoint) {
            case .success(let parsed):
                (scheme, host) = (parsed.scheme, pathStyle ? parsed.host : "\(bucket).\(parsed.host)")
                endpointPath = Array(parsed.path.utf8)
            case .failure(let failure):
                (scheme, host) = ("https", "invalid.invalid")
                problem = problem ?? failure.reason
            }
        } else {
            pathStyle = forcePathStyle || bucket.contains(".")
            scheme = "https"
            let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            host = pathStyle ? "s3.\(region).\(domain)" : "\(bucket).s3.\(region).\(domain)"
        }
        if problem == nil { problem = Self.bucketProblem(bucket, pathStyle: pathStyle) }
        self.scheme = scheme
        self.host = host
        self.usesPathStyle = pathStyle
        self.problem = problem
        var prefix: [UInt8] = endpointPath + [UInt8(ascii: "/")]
        if pathStyle {
            URIEncoding.append(bucket.utf8, keepingSlash: false, to: &prefix)
            prefix.append(UInt8(ascii: "/"))
        }
        self.pathPrefix = prefix
    }

    /// Throws when the bucket, region or endpoint cannot work, naming what is wrong.
    package func validate() throws(SigV4Error) {
        if let problem { throw .invalidLocation(problem) }
    }

    /// `scheme://host/` followed by the encoded path prefix: what a pre-signed URL starts with.
    package var urlPrefix: String {
        scheme + "://" + host + String(decoding: pathPrefix, as: UTF8.self)
    }

    /// The URL of `key` (encoded once, `/` kept).
    package func url(forKey key: String) -> String {
        var path = pathPrefix
        URIEncoding.append(key.utf8, keepingSlash: true, to: &path)
        return scheme + "://" + host + String(decoding: path, as: UTF8.self)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    private static func bucketProblem(_ bucket: String, pathStyle: Bool) -> String? {
        let bytes = Array(bucket.utf8)
        if pathStyle {
            // S3-compatible stores are laxer than AWS; the name only has to be one path segment.
            if bytes.isEmpty || bytes.count > 255 || bytes.contains(UInt8(ascii: "/")) {
                return "bucket '\(bucket.prefix(64))' must be 1 to 255 bytes with no '/'"
            }
            return nil
        }
        guard (3...63).contains(bytes.count),
            bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
            isLowerAlphanumeric(bytes.first!), isLowerAlphanumeric(bytes.last!)
        else {
            return "bucket '\(bucket.prefix(64))' must be 3 to 63 lowercase letters, digits, '-' or '.', "
                + "starting and ending with a letter or digit"
        }
        return nil
    }

    /// Splits `scheme://host[:port][/path]`; the host header drops the scheme's default port. A path
    /// (an S3-compatible store mounted below the root, like local mode's `/local/s3`) is kept, without
    /// its trailing slash, as the start of every request path; it must already be URI-encoded.
    static func parseEndpoint(
        _ endpoint: String
    ) -> Result<(scheme: String, host: String, path: String), EndpointProblem> {
        var text = Substring(endpoint)
        let scheme: String
        if text.lowercased().hasPrefix("https://") {
            scheme = "https"
            text = text.dropFirst(8)
        } else if text.lowercased().hasPrefix("http://") {
            scheme = "http"
            text = text.dropFirst(7)
        } else {
            return .failure(EndpointProblem("endpoint '\(endpoint.prefix(128))' must start with http:// or https://"))
        }
        while text.hasSuffix("/") { text = text.dropLast() }
        var path = ""
        if let slash = text.firstIndex(of: "/") {
            path = String(text[slash...])
            text = text[..<slash]
        }
        let pathIsClean = path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } && !path.contains("//")
        guard !text.isEmpty, !text.contains("@"), !text.contains("?"), !text.contains("#"), !text.contains(" "),
            !path.contains("?"), !path.contains("#"), pathIsClean
        else {
            return .failure(
                EndpointProblem(
                    "endpoint '\(endpoint.prefix(128))' must be scheme://host[:port][/path] with no query or credentials"
                ))
        }
        var host = text.lowercased()
        var port: String? = nil
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            port = String(host[host.index(after: colon)...])
            host = String(host[..<colon])
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else {
                return .failure(EndpointProblem("endpoint '\(endpoint.prefix(128))' has an invalid port"))
            }
            let isDefault = (scheme == "http" && number == 80) || (scheme == "https" && number == 443)
            if !isDefault { host += ":" + String(number) }
        }
        guard !host.isEmpty, !host.hasPrefix(":") else {
            return .failure(EndpointProblem("endpoint '\(endpoint.prefix(128))' has no host"))
        }
        return .success((scheme, host, path))
    }
}

/// Why an endpoint string is unusable.
struct EndpointProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
