import CryptoPrimitives
package import FoundationEssentials

/// Pre-signs S3 requests in the query string (SigV4 "query parameters" form): PUT, GET,
/// UploadPart, ….
///
/// The URL carries `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-SignedHeaders` (always `host`, plus every header the caller wants enforced),
/// `X-Amz-Security-Token` for temporary credentials (inside the signed query), the caller's own
/// parameters (`partNumber`, `uploadId`, `x-id`), and `X-Amz-Signature`. The payload is
/// `UNSIGNED-PAYLOAD`; nothing is added that the caller did not ask for (no checksum the client
/// would not send). Parameters appear in botocore's order: the caller's, then the auth parameters.
///
/// Built for the hot path: the signing key comes from a cache, the date is formatted by hand and
/// the strings are assembled as bytes.
package struct S3Presigner: Sendable {
    /// Where the objects live.
    package let location: S3Location
    /// How `X-Amz-Expires` is capped by the credentials.
    package let expiryPolicy: PresignExpiryPolicy
    private let keyCache: SigningKeyCache

    /// A presigner for `location`.
    package init(
        location: S3Location, expiryPolicy: PresignExpiryPolicy = PresignExpiryPolicy(),
        keyCache: SigningKeyCache = .shared
    ) {
        self.location = location
        self.expiryPolicy = expiryPolicy
        self.keyCache = keyCache
    }

    /// Query parameters SigV4 itself writes; a caller may not supply them.
    static let reservedQueryNames: Set<String> = [
        "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders",
        "x-amz-signature", "x-amz-security-token",
    ]

    /// Headers that cannot be part of a pre-signed request: SigV4's own, and hop-by-hop ones a
    /// client or proxy rewrites.
    static let reservedHeaderNames: Set<String> = [
        "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
        "connection", "transfer-encoding", "expect", "keep-alive", "te", "upgrade", "proxy-authorization",
    ]

    /// Pre-signs `method` on `key`.
    ///
    /// - Parameters:
    ///   - headers: headers the client must send, signed as given (`Content-Type`, `Content-Length`,
    ///     `x-amz-checksum-sha256`, `If-None-Match`, `x-amz-meta-*`, …).
    ///   - query: extra parameters (`partNumber`, `uploadId`, `x-id`), decoded; encoded here.
    ///   - expiresIn: the wanted lifetime, 1…604800 s; capped by the credentials' lifetime.
    ///   - now: the signing time (`X-Amz-Date`).
    package func presign(
        method: String, key: String, headers: [(String, String)], query: [(String, String)] = [], expiresIn: Int,
        credentials: AWSCredentials, now: Date
    ) throws(SigV4Error) -> PresignedRequest {
        if let problem = location.problem { throw .invalidLocation(problem) }
        try Self.checkMethod(method)
        let keyLength = key.utf8.count
        guard keyLength > 0 else { throw .invalidKey("it is empty") }
        guard keyLength <= 1024 else { throw .invalidKey("it is \(keyLength) bytes long; S3 allows 1024") }
        let expires = try expiryPolicy.effectiveExpiry(requested: expiresIn, credentials: credentials, now: now)
        let amzDate = AmzDate(now)

        // Signed headers: host plus the caller's, lowercase names, canonical values, sorted.
        var signed: [(name: String, value: String)] = [("host", location.host)]
        signed.reserveCapacity(headers.count + 1)
        var clientHeaders: [(name: String, value: String)] = []
        clientHeaders.reserveCapacity(headers.count)
        for (name, value) in headers {
            let lowered = try Self.checkedHeaderName(name)
            let canonical = try Self.checkedHeaderValue(value, name: name)
            if signed.contains(where: { $0.name == lowered }) { throw .invalidHeader(name, "it is given twice") }
            signed.append((lowered, canonical))
            clientHeaders.append((name, canonical))
        }
        signed.sort { Self.bytewisePrecedes($0.name, $1.name) }
        var signedHeaderList: [UInt8] = []
        signedHeaderList.reserveCapacity(signed.count * 16)
        for (index, header) in signed.enumerated() {
            if index > 0 { signedHeaderList.append(UInt8(ascii: ";")) }
            signedHeaderList.append(contentsOf: header.name.utf8)
        }

        // The caller's parameters, encoded once, in the caller's order (the URL keeps it).
        var callerQuery: [(name: [UInt8], value: [UInt8])] = []
        callerQuery.reserveCapacity(query.count)
        for (name, value) in query {
            guard !name.isEmpty else { throw .invalidQuery(name, "the name is empty") }
            guard !Self.reservedQueryNames.contains(name.lowercased()) else {
                throw .invalidQuery(name, "SigV4 sets it itself")
            }
            var encodedName: [UInt8] = []
            var encodedValue: [UInt8] = []
            URIEncoding.append(name, keepingSlash: false, to: &encodedName)
            URIEncoding.append(value, keepingSlash: false, to: &encodedValue)
            if callerQuery.contains(where: { $0.name == encodedName }) {
                throw .invalidQuery(name, "it is given twice")
            }
            callerQuery.append((encodedName, encodedValue))
        }

        // The auth parameters, in botocore's URL order (the canonical query sorts them anyway).
        var longDate: [UInt8] = []
        longDate.reserveCapacity(16)
        amzDate.appendLong(to: &longDate)
        let shortDate = Array(longDate[0..<8])
        var credential: [UInt8] = []
        credential.reserveCapacity(64)
        credential.append(contentsOf: credentials.encodedAccessKeyID)
        credential.appendStatic(Self.percent2F)
        credential.append(contentsOf: shortDate)
        credential.appendStatic(Self.percent2F)
        URIEncoding.append(location.region, keepingSlash: false, to: &credential)
        credential.appendStatic(Self.scopeTail)
        var encodedSignedHeaders: [UInt8] = []
        URIEncoding.append(signedHeaderList, keepingSlash: false, to: &encodedSignedHeaders)
        let auth = AuthParameters(
            credential: credential, longDate: longDate, expires: expires, signedHeaders: encodedSignedHeaders,
            securityToken: credentials.encodedSessionToken)

        // Stage 1: the canonical request.
        var path = location.pathPrefix
        path.reserveCapacity(path.count + keyLength * 3)
        URIEncoding.append(key, keepingSlash: true, to: &path)
        var canonical: [UInt8] = []
        canonical.reserveCapacity(
            512 + path.count + credential.count * 2 + (credentials.sessionToken?.utf8.count ?? 0) * 3)
        canonical.append(contentsOf: method.utf8)
        canonical.append(Self.newline)
        canonical.append(contentsOf: path)
        canonical.append(Self.newline)
        Self.appendCanonicalQuery(callerQuery, auth, to: &canonical)
        canonical.append(Self.newline)
        for header in signed {
            canonical.append(contentsOf: header.name.utf8)
            canonical.append(UInt8(ascii: ":"))
            canonical.append(contentsOf: header.value.utf8)
            canonical.append(Self.newline)
        }
        canonical.append(Self.newline)
        canonical.append(contentsOf: signedHeaderList)
        canonical.append(Self.newline)
        canonical.appendStatic(Self.unsignedPayload)

        // Stage 2: the string to sign.
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(160)
        stringToSign.appendStatic(Self.algorithmValue)
        stringToSign.append(Self.newline)
        stringToSign.append(contentsOf: longDate)
        stringToSign.append(Self.newline)
        stringToSign.append(contentsOf: shortDate)
        stringToSign.append(UInt8(ascii: "/"))
        stringToSign.append(contentsOf: location.region.utf8)
        stringToSign.appendStatic(Self.scopeTailPlain)
        stringToSign.append(Self.newline)
        Self.appendHex(SHA256.hash(canonical), to: &stringToSign)

        // Stages 3 and 4: the (cached) signing key and the signature.
        let scope = CredentialScope(
            date: String(decoding: shortDate, as: UTF8.self), region: location.region, service: "s3")
        let signingKey = keyCache.signingKey(secretAccessKey: credentials.secretAccessKey, scope: scope)
        let signature = HMACSHA256.authenticate(stringToSign, key: signingKey)

        var url: [UInt8] = []
        url.reserveCapacity(canonical.count + 128)
        url.append(contentsOf: location.scheme.utf8)
        url.appendStatic(Self.schemeSeparator)
        url.append(contentsOf: location.host.utf8)
        url.append(contentsOf: path)
        url.append(UInt8(ascii: "?"))
        for pair in callerQuery {
            Self.appendPair(pair.name, pair.value, to: &url)
            url.append(UInt8(ascii: "&"))
        }
        Self.appendURLAuthQuery(auth, to: &url)
        url.appendStatic(Self.signatureName)
        url.append(UInt8(ascii: "="))
        Self.appendHex(signature, to: &url)

        return PresignedRequest(
            url: String(decoding: url, as: UTF8.self), method: method, headers: clientHeaders,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(amzDate.epochSeconds + Int64(expires))),
            expiresIn: expires)
    }

    /// The SigV4 query parameters, already encoded.
    private struct AuthParameters {
        let credential: [UInt8]
        let longDate: [UInt8]
        let expires: Int
        let signedHeaders: [UInt8]
        let securityToken: [UInt8]?

        /// botocore's URL order.
        var urlOrder: [(name: [UInt8], value: [UInt8])] {
            var pairs: [(name: [UInt8], value: [UInt8])] = [
                (S3Presigner.bytes(S3Presigner.algorithmName), S3Presigner.bytes(S3Presigner.algorithmValue)),
                (S3Presigner.bytes(S3Presigner.credentialName), credential),
                (S3Presigner.bytes(S3Presigner.dateName), longDate),
                (S3Presigner.bytes(S3Presigner.expiresName), Array(String(expires).utf8)),
                (S3Presigner.bytes(S3Presigner.signedHeadersName), signedHeaders),
            ]
            if let securityToken { pairs.append((S3Presigner.bytes(S3Presigner.securityTokenName), securityToken)) }
            return pairs
        }
    }

    /// The canonical query (names sorted bytewise). Without caller parameters the order of SigV4's
    /// own names is fixed, so they are written straight out instead of collected and sorted (this
    /// runs for every pre-signed URL).
    private static func appendCanonicalQuery(
        _ callerQuery: [(name: [UInt8], value: [UInt8])], _ auth: AuthParameters, to output: inout [UInt8]
    ) {
        guard callerQuery.isEmpty else {
            CanonicalQuery.append(encoded: callerQuery + auth.urlOrder, to: &output)
            return
        }
        // X-Amz-Algorithm < -Credential < -Date < -Expires < -Security-Token < -SignedHeaders.
        appendLeadingAuthPairs(auth, to: &output)
        if let token = auth.securityToken {
            output.append(UInt8(ascii: "&"))
            appendPair(securityTokenName, token, to: &output)
        }
        output.append(UInt8(ascii: "&"))
        appendPair(signedHeadersName, auth.signedHeaders, to: &output)
    }

    /// `X-Amz-Algorithm`, `-Credential`, `-Date` and `-Expires`, joined by `&`: the first four
    /// parameters both in the canonical (sorted) order and in botocore's URL order.
    private static func appendLeadingAuthPairs(_ auth: AuthParameters, to output: inout [UInt8]) {
        output.appendStatic(algorithmName)
        output.append(UInt8(ascii: "="))
        output.appendStatic(algorithmValue)
        output.append(UInt8(ascii: "&"))
        appendPair(credentialName, auth.credential, to: &output)
        output.append(UInt8(ascii: "&"))
        appendPair(dateName, auth.longDate, to: &output)
        output.append(UInt8(ascii: "&"))
        output.appendStatic(expiresName)
        output.append(UInt8(ascii: "="))
        output.append(contentsOf: String(auth.expires).utf8)
    }

    /// SigV4's parameters in botocore's URL order, each followed by `&`.
    private static func appendURLAuthQuery(_ auth: AuthParameters, to output: inout [UInt8]) {
        appendLeadingAuthPairs(auth, to: &output)
        output.append(UInt8(ascii: "&"))
        appendPair(signedHeadersName, auth.signedHeaders, to: &output)
        output.append(UInt8(ascii: "&"))
        if let token = auth.securityToken {
            appendPair(securityTokenName, token, to: &output)
            output.append(UInt8(ascii: "&"))
        }
    }

    private static func appendPair(_ name: StaticString, _ value: [UInt8], to output: inout [UInt8]) {
        output.appendStatic(name)
        output.append(UInt8(ascii: "="))
        output.append(contentsOf: value)
    }

    private static func appendPair(_ name: [UInt8], _ value: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: name)
        output.append(UInt8(ascii: "="))
        output.append(contentsOf: value)
    }

    private static let newline = UInt8(ascii: "\n")

    private static func appendHex(_ bytes: [UInt8], to output: inout [UInt8]) {
        for byte in bytes {
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0x0f))
        }
    }

    /// A lowercase hex digit by arithmetic, not from a shared table.
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    // The fixed pieces of every URL, as static strings: both event loops sign at once, and a
    // shared byte array's reference count bounced between their cores on every append.
    private static let percent2F: StaticString = "%2F"
    private static let scopeTail: StaticString = "%2Fs3%2Faws4_request"
    private static let scopeTailPlain: StaticString = "/s3/aws4_request"
    private static let schemeSeparator: StaticString = "://"
    /// `CanonicalRequest.unsignedPayload` (a test checks they agree).
    static let unsignedPayload: StaticString = "UNSIGNED-PAYLOAD"
    /// `StringToSign.algorithm` (a test checks they agree).
    static let algorithmValue: StaticString = "AWS4-HMAC-SHA256"
    private static let algorithmName: StaticString = "X-Amz-Algorithm"
    private static let credentialName: StaticString = "X-Amz-Credential"
    private static let dateName: StaticString = "X-Amz-Date"
    private static let expiresName: StaticString = "X-Amz-Expires"
    private static let signedHeadersName: StaticString = "X-Amz-SignedHeaders"
    private static let securityTokenName: StaticString = "X-Amz-Security-Token"
    private static let signatureName: StaticString = "X-Amz-Signature"

    private static func bytes(_ text: StaticString) -> [UInt8] {
        text.withUTF8Buffer { Array($0) }
    }

    static func checkMethod(_ method: String) throws(SigV4Error) {
        guard !method.isEmpty, method.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else { throw .invalidRequest("method '\(method.prefix(16))' must be uppercase letters, such as PUT") }
    }

    /// The lowercase name, if `name` is an RFC 9110 token that SigV4 lets a caller sign.
    static func checkedHeaderName(_ name: String) throws(SigV4Error) -> String {
        // One pass checks the characters and notes capitals; most names arrive lowercase (x-amz-*)
        // or as Content-Type, and this runs for every signed header of every URL.
        // Over the bytes in place: the UTF-8 view's iterator cost about 40 instructions a byte.
        let (valid, hasCapital) =
            name.utf8.withContiguousStorageIfAvailable { scanHeaderName($0) } ?? scanHeaderName(name.utf8)
        guard valid, !name.isEmpty else { throw .invalidHeader(name, "the name is not an HTTP token") }
        let lowered = hasCapital ? asciiLowercased(name) : name
        guard !isReservedHeaderName(lowered) else {
            throw .invalidHeader(name, "SigV4 or the HTTP client sets it itself")
        }
        return lowered
    }

    /// `name` with A-Z lowered (a token is ASCII, so nothing else changes).
    private static func asciiLowercased(_ name: String) -> String {
        String(unsafeUninitializedCapacity: name.utf8.count) { buffer in
            name.utf8.withContiguousStorageIfAvailable { lowercase($0, into: buffer) }
                ?? lowercase(name.utf8, into: buffer)
        }
    }

    /// Whether every byte is a token character, and whether one is a capital.
    private static func scanHeaderName(_ bytes: some Sequence<UInt8>) -> (valid: Bool, hasCapital: Bool) {
        var hasCapital = false
        for byte in bytes {
            guard isTokenCharacter(byte) else { return (false, false) }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { hasCapital = true }
        }
        return (true, hasCapital)
    }

    /// Writes `bytes` with A-Z lowered into `buffer`; returns the count.
    private static func lowercase(_ bytes: some Sequence<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int
    {
        var count = 0
        for byte in bytes {
            buffer[count] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            count += 1
        }
        return count
    }

    /// Whether `a` sorts before `b` byte by byte (SigV4 sorts signed header names by their bytes),
    /// compared in place rather than through two UTF-8 iterators.
    static func bytewisePrecedes(_ a: String, _ b: String) -> Bool {
        let compared = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in left.lexicographicallyPrecedes(right) }
        }
        if let compared, let result = compared { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether `lowered` is one of ``reservedHeaderNames``: by length first, then against the few
    /// names of that length, instead of hashing the name or comparing it with all twelve (this runs
    /// for every signed header of every URL, and the usual ones, `content-type`, `content-length`,
    /// have a length no reserved name has).
    static func isReservedHeaderName(_ lowered: String) -> Bool {
        switch lowered.utf8.count {
        case 2: return lowered == "te"
        case 4: return lowered == "host"
        case 6: return lowered == "expect"
        case 7: return lowered == "upgrade"
        case 10: return lowered == "x-amz-date" || lowered == "connection" || lowered == "keep-alive"
        case 13: return lowered == "authorization"
        case 17: return lowered == "transfer-encoding"
        case 19: return lowered == "proxy-authorization"
        case 20: return lowered == "x-amz-content-sha256" || lowered == "x-amz-security-token"
        default: return false
        }
    }

    /// The canonical value, if `value` has no control characters (no header injection).
    static func checkedHeaderValue(_ value: String, name: String) throws(SigV4Error) -> String {
        guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f || $0 == 0x09 }) else {
            throw .invalidHeader(name, "the value contains a control character")
        }
        return CanonicalHeaders.canonicalValue(value)
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension [UInt8] {
    /// Appends the UTF-8 bytes of a string literal, with no reference counting.
    fileprivate mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
