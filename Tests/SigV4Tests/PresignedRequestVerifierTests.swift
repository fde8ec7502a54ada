import Foundation
import SigV4
import Testing

@Suite("PresignedRequestVerifier checks pre-signed requests as S3 does", .tags(.security))
struct PresignedRequestVerifierTests {
    static let secrets = [
        "AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE+=", "ASIATEMPORARY": "temporarySecret",
    ]
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let location = S3Location(bucket: "uploads", region: "us-east-1", endpoint: "http://127.0.0.1:9000")
    static let body = [("Content-Type", "application/pdf"), ("Content-Length", "48213")]

    struct Request {
        var method: String
        var path: String
        var query: String
        var headers: [(String, String)]
    }

    static func signed(
        key: String = "uploads/user-1/report 2026.pdf", headers: [(String, String)] = body, expiresIn: Int = 300,
        accessKeyID: String = "AKIAIOSFODNN7EXAMPLE", token: String? = nil, at: Date = now
    ) throws -> Request {
        let credentials = AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secrets[accessKeyID] ?? "unknown", sessionToken: token)
        let presigned = try S3Presigner(location: location).presign(
            method: "PUT", key: key, headers: headers, expiresIn: expiresIn, credentials: credentials, now: at)
        let (path, query) = splitURL(presigned.url)
        return Request(
            method: "PUT", path: path, query: query,
            headers: [("Host", "127.0.0.1:9000")] + presigned.headers.map { ($0.name, $0.value) } + [
                ("User-Agent", "curl/8"), ("Accept", "*/*"),
            ])
    }

    static func verify(_ request: Request, now: Date = now) -> Result<VerifiedPresign, S3AuthError> {
        PresignedRequestVerifier(region: "us-east-1").verify(
            method: request.method, rawPath: request.path, rawQuery: request.query, headers: request.headers, now: now,
            secretFor: { secrets[$0] })
    }

    static func code(_ result: Result<VerifiedPresign, S3AuthError>) -> String? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test("a request made from a pre-signed URL verifies and reports what was signed")
    func roundTrip() throws {
        let request = try Self.signed(token: nil)
        let verified = try Self.verify(request).get()
        #expect(verified.accessKeyID == "AKIAIOSFODNN7EXAMPLE")
        #expect(verified.signedHeaders == ["content-length", "content-type", "host"])
        #expect(verified.decodedPath == "/uploads/uploads/user-1/report 2026.pdf")
        #expect(verified.expiresAt == Self.now.addingTimeInterval(300))
        #expect(verified.securityToken == nil)
    }

    @Test("every generated key round-trips through the verifier")
    func corpusRoundTrips() throws {
        for key in PresignCorpus.keys(count: 300) {
            let request = try Self.signed(key: key)
            #expect((try? Self.verify(request).get())?.decodedPath == "/uploads/" + key, "key \(key.debugDescription)")
        }
    }

    @Test("another spelling of the same path verifies (S3 decodes, then encodes once)")
    func equivalentPathSpelling() throws {
        var request = try Self.signed(key: "a~b(c)")
        #expect(request.path == "/uploads/a~b%28c%29")
        request.path = "/uploads/a%7Eb(c)"
        #expect(Self.code(Self.verify(request)) == nil)
    }

    @Test(
        "tampering is refused with S3's error code",
        arguments: [
            ("signature changed", "SignatureDoesNotMatch"), ("key changed", "SignatureDoesNotMatch"),
            ("method changed", "SignatureDoesNotMatch"), ("content type changed", "SignatureDoesNotMatch"),
            ("content length changed", "SignatureDoesNotMatch"), ("signed header missing", "SignatureDoesNotMatch"),
            ("host changed", "SignatureDoesNotMatch"), ("expires raised", "SignatureDoesNotMatch"),
            ("unsigned x-amz header added", "AccessDenied"), ("unknown access key", "InvalidAccessKeyId"),
            ("query parameter added", "SignatureDoesNotMatch"), ("signature uppercased", "SignatureDoesNotMatch"),
        ])
    func tampering(change: String, code: String) throws {
        var request = try Self.signed()
        switch change {
        case "signature changed":
            let last = request.query.removeLast()
            request.query.append(last == "0" ? "1" : "0")
        case "key changed": request.path = request.path.replacingOccurrences(of: "user-1", with: "user-2")
        case "method changed": request.method = "POST"
        case "content type changed": request.headers[1].1 = "text/html"
        case "content length changed": request.headers[2].1 = "48214"
        case "signed header missing": request.headers.remove(at: 1)
        case "host changed": request.headers[0].1 = "localhost:9000"
        case "expires raised":
            request.query = request.query.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=3000")
        case "unsigned x-amz header added": request.headers.append(("x-amz-meta-extra", "1"))
        case "unknown access key":
            request.query = request.query.replacingOccurrences(of: "AKIAIOSFODNN7EXAMPLE", with: "AKIAUNKNOWN")
        case "query parameter added": request.query = "acl=&" + request.query
        case "signature uppercased":
            let range = request.query.range(of: "X-Amz-Signature=")!
            request.query = String(request.query[..<range.upperBound]) + request.query[range.upperBound...].uppercased()
        default: Issue.record("unknown change \(change)")
        }
        let result = Self.verify(request)
        #expect(Self.code(result) == code)
        if case .failure(let error) = result { #expect(error.httpStatus == 403) }
    }

    @Test("an expired URL is AccessDenied \"Request has expired\"; the last valid second still verifies")
    func expiry() throws {
        let request = try Self.signed(expiresIn: 60)
        #expect(Self.code(Self.verify(request, now: Self.now.addingTimeInterval(60))) == nil)
        let late = Self.verify(request, now: Self.now.addingTimeInterval(60.5))
        #expect(late == .failure(S3AuthError(code: "AccessDenied", message: "Request has expired", httpStatus: 403)))
    }

    @Test("X-Amz-Date more than 15 minutes ahead is refused; within the skew it is accepted")
    func clockSkew() throws {
        let ahead = try Self.signed(at: Self.now.addingTimeInterval(901))
        #expect(
            Self.verify(ahead)
                == .failure(S3AuthError(code: "AccessDenied", message: "Request is not valid yet", httpStatus: 403)))
        let slightlyAhead = try Self.signed(at: Self.now.addingTimeInterval(900))
        #expect(Self.code(Self.verify(slightlyAhead)) == nil)
    }

    @Test(
        "malformed or missing auth parameters are AuthorizationQueryParametersError (400)",
        arguments: [
            ("X-Amz-Expires=300", "X-Amz-Expires=604801"), ("X-Amz-Expires=300", "X-Amz-Expires=-1"),
            ("X-Amz-Expires=300", "X-Amz-Expires=abc"),
            ("X-Amz-Date=20261118T110640Z", "X-Amz-Date=2026-11-18T11:06:40Z"),
            ("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1"),
            ("X-Amz-Algorithm=AWS4-HMAC-SHA256&", ""), ("%2Fus-east-1%2F", "%2Feu-west-1%2F"),
            ("%2Fs3%2F", "%2Fsts%2F"), ("aws4_request", "aws5_request"),
            ("AKIAIOSFODNN7EXAMPLE%2F20261118", "AKIAIOSFODNN7EXAMPLE%2F20261117"),
            (
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost",
                "X-Amz-SignedHeaders=content-length%3Bcontent-type"
            ),
            (
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost",
                "X-Amz-SignedHeaders=content-type%3Bcontent-length%3Bhost"
            ),
            (
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost",
                "X-Amz-SignedHeaders=Content-Length%3Bcontent-type%3Bhost"
            ),
            ("X-Amz-Expires=300", "X-Amz-Expires=300&X-Amz-Expires=300"), ("X-Amz-Expires=300", "X-Amz-Expires=%ZZ"),
            ("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F", "X-Amz-Credential=%2F"),
        ])
    func malformed(original: String, replacement: String) throws {
        var request = try Self.signed()
        #expect(request.query.contains(original))
        request.query = request.query.replacingOccurrences(of: original, with: replacement)
        let result = Self.verify(request)
        #expect(Self.code(result) == "AuthorizationQueryParametersError")
        if case .failure(let error) = result { #expect(error.httpStatus == 400) }
    }

    @Test("temporary credentials: the security token is part of the signature")
    func securityToken() throws {
        let request = try Self.signed(accessKeyID: "ASIATEMPORARY", token: "token/+=value")
        #expect((try Self.verify(request).get()).securityToken == "token/+=value")
        var swapped = request
        swapped.query = swapped.query.replacingOccurrences(of: "token%2F%2B%3Dvalue", with: "other")
        #expect(Self.code(Self.verify(swapped)) == "SignatureDoesNotMatch")
    }

    @Test("requests without query authentication are refused")
    func unauthenticated() {
        let anonymous = Self.verify(Request(method: "PUT", path: "/uploads/a", query: "", headers: [("Host", "h")]))
        #expect(Self.code(anonymous) == "AccessDenied")
        let headerAuth = Self.verify(
            Request(
                method: "PUT", path: "/uploads/a", query: "",
                headers: [("Host", "h"), ("Authorization", "AWS4-HMAC-SHA256 x")]))
        #expect(Self.code(headerAuth) == "AccessDenied")
    }

    @Test("a malformed path is InvalidURI")
    func invalidPath() throws {
        var request = try Self.signed()
        request.path += "%G1"
        #expect(Self.code(Self.verify(request)) == "InvalidURI")
    }
}
