import CryptoPrimitives
package import FoundationEssentials

/// Checks a pre-signed (query-string) SigV4 request the way S3 does, for the local S3 receiver.
///
/// Order: the auth parameters are present, single and well formed (algorithm, credential scope
/// date/region/service/terminator, `X-Amz-Date`, `X-Amz-Expires` 0…604800, signed headers sorted,
/// lowercase, with `host`) → the access key is known → the request is inside its validity window
/// (`X-Amz-Date` at most 15 minutes in the future, `now` not past `X-Amz-Date + X-Amz-Expires`) →
/// every signed header is present and no `x-amz-*` header is unsigned → the recomputed signature
/// equals the given one (constant-time). The path is decoded and re-encoded with S3's rules, so
/// `~`/`%7E` or `(`/`%28` spellings verify alike, and nothing is normalised.
package struct PresignedRequestVerifier: Sendable {
    /// The region this receiver answers for (must match the credential scope).
    package let region: String
    /// The service in the credential scope, `s3`.
    package let service: String
    /// How far in the future `X-Amz-Date` may be (S3: 15 minutes).
    package let maximumClockSkew: Int
    private let keyCache: SigningKeyCache

    /// A verifier for `region`.
    package init(
        region: String, service: String = "s3", maximumClockSkew: Int = 900,
        keyCache: SigningKeyCache = SigningKeyCache(capacity: 16)
    ) {
        self.region = region
        self.service = service
        self.maximumClockSkew = maximumClockSkew
        self.keyCache = keyCache
    }

    private static let authNames = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Signature", "X-Amz-Security-Token",
    ]

    private static let missingParameters =
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        + "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."

    /// Verifies one request.
    ///
    /// - Parameters:
    ///   - rawPath: the request target's path exactly as received (percent-encoded).
    ///   - rawQuery: the query exactly as received, without `?`.
    ///   - headers: every request header as received (repeats allowed).
    ///   - secretFor: the secret access key for an access key id, nil when unknown.
    package func verify(
        method: String, rawPath: String, rawQuery: String, headers: [(String, String)], now: Date,
        secretFor: (String) -> String?
    ) -> Result<VerifiedPresign, S3AuthError> {
        guard let pairs = CanonicalQuery.parse(rawQuery) else {
            return .failure(.queryParameters("The query string has a malformed percent escape."))
        }
        var auth: [String: String] = [:]
        var others: [(name: String, value: String)] = []
        for pair in pairs {
            let name = String(decoding: pair.name, as: UTF8.self)
            let value = String(decoding: pair.value, as: UTF8.self)
            if Self.authNames.contains(name) {
                guard auth[name] == nil else { return .failure(.queryParameters("\(name) is given more than once.")) }
                auth[name] = value
            } else {
                others.append((name, value))
            }
        }
        if auth.isEmpty {
            if headers.contains(where: { $0.0.lowercased() == "authorization" }) {
                return .failure(.accessDenied("This receiver accepts only pre-signed (query-string) requests."))
            }
            return .failure(.accessDenied("Anonymous access is forbidden for this operation."))
        }
        guard let algorithm = auth["X-Amz-Algorithm"], let credential = auth["X-Amz-Credential"],
            let signature = auth["X-Amz-Signature"], let dateText = auth["X-Amz-Date"],
            let signedHeaderText = auth["X-Amz-SignedHeaders"], let expiresText = auth["X-Amz-Expires"]
        else { return .failure(.queryParameters(Self.missingParameters)) }
        guard algorithm == StringToSign.algorithm else {
            return .failure(.queryParameters("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""))
        }

        // Credential: <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, !parts[0].isEmpty else {
            return .failure(
                .queryParameters(
                    "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
                        + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."))
        }
        let accessKeyID = parts.dropLast(4).joined(separator: "/")
        let scopeDate = String(parts[parts.count - 4])
        let scopeRegion = String(parts[parts.count - 3])
        let scopeService = String(parts[parts.count - 2])
        let terminator = String(parts[parts.count - 1])
        guard let amzDate = AmzDate(parsing: dateText) else {
            return .failure(.queryParameters("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""))
        }
        guard scopeDate == amzDate.short else {
            return .failure(
                .queryParameters(
                    "Invalid credential date \"\(scopeDate.prefix(16))\". This date is not the same as X-Amz-Date: "
                        + "\"\(amzDate.short)\"."))
        }
        guard scopeRegion == region else {
            return .failure(
                .queryParameters(
                    "Error parsing the X-Amz-Credential parameter; the region '\(scopeRegion.prefix(32))' is wrong; "
                        + "expecting '\(region)'"))
        }
        guard scopeService == service else {
            return .failure(
                .queryParameters(
                    "Error parsing the X-Amz-Credential parameter; incorrect service \"\(scopeService.prefix(32))\". "
                        + "This endpoint belongs to \"\(service)\"."))
        }
        guard terminator == CredentialScope.terminator else {
            return .failure(
                .queryParameters(
                    "Error parsing the X-Amz-Credential parameter; incorrect terminal \"\(terminator.prefix(32))\". "
                        + "This endpoint uses \"aws4_request\"."))
        }
        guard !expiresText.isEmpty, expiresText.utf8.count <= 10,
            expiresText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let expires = Int(expiresText)
        else {
            if expiresText.hasPrefix("-") {
                return .failure(.queryParameters("X-Amz-Expires must be non-negative"))
            }
            return .failure(.queryParameters("X-Amz-Expires should be a number"))
        }
        guard expires <= PresignExpiryPolicy.maximumExpiry else {
            return .failure(.queryParameters("X-Amz-Expires must be less than a week (in seconds) that is 604800"))
        }
        let signedHeaders = signedHeaderText.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard signedHeaders.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() }),
            zip(signedHeaders, signedHeaders.dropFirst()).allSatisfy({ $0.utf8.lexicographicallyPrecedes($1.utf8) })
        else {
            return .failure(
                .queryParameters("X-Amz-SignedHeaders must be lowercase header names, sorted, separated by ';'."))
        }
        guard signedHeaders.contains("host") else {
            return .failure(.queryParameters("X-Amz-SignedHeaders must include the host header."))
        }

        guard let secret = secretFor(accessKeyID) else { return .failure(.invalidAccessKeyID) }

        let nowSeconds = now.timeIntervalSince1970
        if TimeInterval(amzDate.epochSeconds) > nowSeconds + TimeInterval(maximumClockSkew) {
            return .failure(.notYetValid)
        }
        if nowSeconds > TimeInterval(amzDate.epochSeconds + Int64(expires)) { return .failure(.expired) }

        // Headers: every signed one present; no x-amz-* one unsigned.
        var present: [(String, String)] = []
        for (name, value) in headers {
            let lowered = name.lowercased()
            if signedHeaders.contains(lowered) {
                present.append((lowered, value))
            } else if lowered.hasPrefix("x-amz-") {
                return .failure(.unsignedHeaders)
            }
        }
        let canonicalHeaders = CanonicalHeaders(present)
        for name in signedHeaders where !canonicalHeaders.entries.contains(where: { $0.name == name }) {
            return .failure(.signatureDoesNotMatch("Signed header '\(name.prefix(64))' is missing from the request."))
        }

        guard let decodedPath = URIEncoding.decode(rawPath), rawPath.hasPrefix("/") else {
            return .failure(.invalidURI)
        }
        let canonicalPairs = pairs.filter { String(decoding: $0.name, as: UTF8.self) != "X-Amz-Signature" }
        let canonical = CanonicalRequest(
            method: method, canonicalURI: CanonicalPath.canonicalURI(decodedPath: decodedPath, normalize: false),
            canonicalQuery: CanonicalQuery.build(decoded: canonicalPairs), headers: canonicalHeaders,
            hashedPayload: CanonicalRequest.unsignedPayload)
        let scope = CredentialScope(date: scopeDate, region: scopeRegion, service: scopeService)
        let stringToSign = StringToSign.build(
            amzDate: dateText, scope: scope.string, canonicalRequestHash: canonical.hashHex)
        let key = keyCache.signingKey(secretAccessKey: secret, scope: scope)
        let expected = SigningKey.signature(of: stringToSign, signingKey: key)
        guard constantTimeEquals(expected, signature) else { return .failure(.signatureDoesNotMatch()) }

        guard let path = String(validating: decodedPath, as: UTF8.self) else { return .failure(.invalidURI) }
        return .success(
            VerifiedPresign(
                accessKeyID: accessKeyID, signedHeaders: signedHeaders, signedAt: amzDate.date,
                expiresAt: amzDate.date.addingTimeInterval(TimeInterval(expires)),
                securityToken: auth["X-Amz-Security-Token"], decodedPath: path, parameters: others))
    }
}
