import CryptoPrimitives
package import FoundationEssentials

/// Signs requests the service sends itself (S3 API calls, STS) in the `Authorization` header.
///
/// Adds `X-Amz-Date`, `X-Amz-Content-SHA256` (S3 only, as the SDKs do), `X-Amz-Security-Token` for
/// temporary credentials (signed), and `Authorization: AWS4-HMAC-SHA256 Credential=…,
/// SignedHeaders=…, Signature=…`. Signed: `host` and every header given except hop-by-hop ones.
/// Paths follow S3's rules for `s3` (decoded, encoded once, never normalised) and the generic rules
/// otherwise (the path as sent is normalised, then encoded again).
package struct RequestSigner: Sendable {
    private let keyCache: SigningKeyCache

    /// A signer using `keyCache` for signing keys.
    package init(keyCache: SigningKeyCache = .shared) {
        self.keyCache = keyCache
    }

    /// Headers a client or proxy may change in flight: never signed.
    static let unsignableHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "transfer-encoding", "connection", "keep-alive", "te", "upgrade",
        "proxy-authorization", "x-amzn-trace-id",
    ]

    /// The headers to add to the request (`X-Amz-Date`, maybe `X-Amz-Content-SHA256` and
    /// `X-Amz-Security-Token`, then `Authorization`).
    ///
    /// - Parameters:
    ///   - url: the absolute URL as it will be sent (path and query already percent-encoded).
    ///   - headers: the request's headers; a `Host` header here wins over the URL's authority.
    ///   - bodySHA256Hex: lowercase hex SHA-256 of the body (`CanonicalRequest.emptyPayloadHash` for none).
    package func sign(
        method: String, url: String, headers: [(String, String)], bodySHA256Hex: String, region: String,
        service: String, credentials: AWSCredentials, now: Date
    ) throws(SigV4Error) -> [(String, String)] {
        try S3Presigner.checkMethod(method)
        let parts = try Self.split(url)
        let amzDate = AmzDate(now)
        let isS3 = service == "s3"

        var added: [(String, String)] = [("X-Amz-Date", amzDate.long)]
        if isS3 { added.append(("X-Amz-Content-SHA256", bodySHA256Hex)) }
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }

        var toSign: [(String, String)] = []
        var hasHost = false
        for (name, value) in headers {
            let lowered = name.lowercased()
            if Self.unsignableHeaders.contains(lowered) { continue }
            if ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains(lowered) {
                throw .invalidHeader(name, "the signer sets it itself")
            }
            guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f || $0 == 0x09 }) else {
                throw .invalidHeader(name, "the value contains a control character")
            }
            if lowered == "host" { hasHost = true }
            toSign.append((name, value))
        }
        if !hasHost { toSign.append(("host", parts.host)) }
        toSign += added

        let canonicalURI: String
        if isS3 {
            guard let decoded = URIEncoding.decode(parts.path) else {
                throw .invalidRequest("the URL path has a malformed percent escape")
            }
            canonicalURI = CanonicalPath.canonicalURI(decodedPath: decoded, normalize: false)
        } else {
            canonicalURI = CanonicalPath.canonicalURI(decodedPath: Array(parts.path.utf8), normalize: true)
        }
        guard let query = CanonicalQuery.parse(parts.query) else {
            throw .invalidRequest("the URL query has a malformed percent escape")
        }
        let canonical = CanonicalRequest(
            method: method, canonicalURI: canonicalURI, canonicalQuery: CanonicalQuery.build(decoded: query),
            headers: CanonicalHeaders(toSign), hashedPayload: bodySHA256Hex)
        let scope = CredentialScope(amzDate: amzDate, region: region, service: service)
        let stringToSign = StringToSign.build(
            amzDate: amzDate.long, scope: scope.string, canonicalRequestHash: canonical.hashHex)
        let key = keyCache.signingKey(secretAccessKey: credentials.secretAccessKey, scope: scope)
        let signature = SigningKey.signature(of: stringToSign, signingKey: key)
        added.append(
            (
                "Authorization",
                "\(StringToSign.algorithm) Credential=\(credentials.accessKeyID)/\(scope.string), "
                    + "SignedHeaders=\(canonical.headers.signedHeaders), Signature=\(signature)"
            ))
        return added
    }

    /// Splits an absolute URL into its `Host` header value (default port dropped), its raw path and
    /// its raw query (the fragment is dropped: it is never sent).
    static func split(_ url: String) throws(SigV4Error) -> (host: String, path: String, query: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { throw .invalidRequest("the URL has no scheme") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        let host: String
        switch S3Location.parseEndpoint(scheme + "://" + authority) {
        case .success(let parsed): host = parsed.host
        case .failure(let failure): throw .invalidRequest(failure.reason)
        }
        let target = rest[authorityEnd...]
        let query: Substring
        let path: Substring
        if let questionMark = target.firstIndex(of: "?") {
            path = target[..<questionMark]
            query = target[target.index(after: questionMark)...]
        } else {
            path = target
            query = ""
        }
        return (host, path.isEmpty ? "/" : String(path), String(query))
    }
}
