import CryptoPrimitives
import Foundation
import SigV4
import Testing

/// One case of the AWS SigV4 test suite (awslabs/aws-c-auth `tests/aws-signing-test-suite/v4`).
struct SuiteCase: CustomTestStringConvertible, Sendable {
    let name: String
    let method: String
    let decodedPath: [UInt8]
    let query: [(name: [UInt8], value: [UInt8])]
    let headers: [(String, String)]
    let body: [UInt8]
    let accessKeyID: String
    let secret: String
    let token: String?
    let omitSessionToken: Bool
    let normalize: Bool
    let signBody: Bool
    let region: String
    let service: String
    let date: AmzDate
    let expires: Int

    var testDescription: String { name }

    static let all: [SuiteCase] = {
        let names = try! FileManager.default.contentsOfDirectory(atPath: Fixtures.url("sigv4").path)
            .filter { $0 != "LICENSE" }.sorted()
        return names.map { try! SuiteCase(name: $0) }
    }()

    init(name: String) throws {
        self.name = name
        let context = try Fixtures.json("sigv4/\(name)/context.json")
        let credentials = context["credentials"] as! [String: Any]
        accessKeyID = credentials["access_key_id"] as! String
        secret = credentials["secret_access_key"] as! String
        token = credentials["token"] as? String
        omitSessionToken = context["omit_session_token"] as? Bool ?? false
        normalize = context["normalize"] as! Bool
        signBody = context["sign_body"] as! Bool
        region = context["region"] as! String
        service = context["service"] as! String
        expires = context["expiration_in_seconds"] as! Int
        let timestamp = (context["timestamp"] as! String).replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: ":", with: "")
        date = AmzDate(parsing: timestamp)!

        // request.txt: request line, headers (continuation lines start with whitespace), blank line, body.
        let raw = try Fixtures.text("sigv4/\(name)/request.txt")
        let parts = raw.components(separatedBy: "\n\n")
        let head = parts[0].components(separatedBy: "\n")
        body = Array(parts.dropFirst().joined(separator: "\n\n").utf8)
        let requestLine = head[0]
        let firstSpace = requestLine.firstIndex(of: " ")!
        method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)...].dropLast(" HTTP/1.1".count))
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        decodedPath = URIEncoding.decode(pathPart[0])!
        query = pathPart.count > 1 ? CanonicalQuery.parse(String(pathPart[1]))! : []
        var headers: [(String, String)] = []
        for line in head.dropFirst() where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].1 += "\n" + line
            } else {
                let colon = line.firstIndex(of: ":")!
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        self.headers = headers
    }

    var scope: CredentialScope { CredentialScope(amzDate: date, region: region, service: service) }
    var payloadHash: String { Hex.encode(SHA256.hash(body)) }
    var canonicalURI: String { CanonicalPath.canonicalURI(decodedPath: decodedPath, normalize: normalize) }

    func expected(_ file: String) throws -> String { try Fixtures.text("sigv4/\(name)/\(file)") }

    /// The header form: `X-Amz-Date` (and the token, and the body hash when the body is signed) as headers.
    var headerCanonicalRequest: CanonicalRequest {
        var signed = headers + [("X-Amz-Date", date.long)]
        if let token, !omitSessionToken { signed.append(("X-Amz-Security-Token", token)) }
        if signBody { signed.append(("X-Amz-Content-Sha256", payloadHash)) }
        return CanonicalRequest(
            method: method, canonicalURI: canonicalURI, canonicalQuery: CanonicalQuery.build(decoded: query),
            headers: CanonicalHeaders(signed), hashedPayload: payloadHash)
    }

    /// The query form: the auth parameters in the query, the request's own headers signed.
    var queryCanonicalRequest: CanonicalRequest {
        let canonicalHeaders = CanonicalHeaders(headers)
        var pairs = query
        var auth: [(String, String)] = [
            ("X-Amz-Algorithm", StringToSign.algorithm),
            ("X-Amz-Credential", accessKeyID + "/" + scope.string),
            ("X-Amz-Date", date.long),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", canonicalHeaders.signedHeaders),
        ]
        if let token, !omitSessionToken { auth.append(("X-Amz-Security-Token", token)) }
        pairs += auth.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        return CanonicalRequest(
            method: method, canonicalURI: canonicalURI, canonicalQuery: CanonicalQuery.build(decoded: pairs),
            headers: canonicalHeaders, hashedPayload: payloadHash)
    }
}

@Suite("AWS SigV4 test suite (aws-c-auth v4), every case, header and query forms")
struct AWSTestSuiteTests {
    @Test("the suite is complete: every case folder was copied", arguments: [SuiteCase.all.count])
    func suiteIsComplete(count: Int) {
        #expect(count == 38)
    }

    @Test("header form: canonical request, string to sign and signature match", arguments: SuiteCase.all)
    func headerForm(_ suite: SuiteCase) throws {
        let canonical = suite.headerCanonicalRequest
        #expect(canonical.text == (try suite.expected("header-canonical-request.txt")))
        let stringToSign = StringToSign.build(
            amzDate: suite.date.long, scope: suite.scope.string, canonicalRequestHash: canonical.hashHex)
        #expect(stringToSign == (try suite.expected("header-string-to-sign.txt")))
        let key = SigningKey.derive(secretAccessKey: suite.secret, scope: suite.scope)
        let signature = SigningKey.signature(of: stringToSign, signingKey: key)
        #expect(signature == (try suite.expected("header-signature.txt")))
        let authorization =
            "Authorization:AWS4-HMAC-SHA256 Credential=\(suite.accessKeyID)/\(suite.scope.string), "
            + "SignedHeaders=\(canonical.headers.signedHeaders), Signature=\(signature)"
        #expect((try suite.expected("header-signed-request.txt")).contains(authorization))
    }

    @Test("query form: canonical request, string to sign and signature match", arguments: SuiteCase.all)
    func queryForm(_ suite: SuiteCase) throws {
        let canonical = suite.queryCanonicalRequest
        #expect(canonical.text == (try suite.expected("query-canonical-request.txt")))
        let stringToSign = StringToSign.build(
            amzDate: suite.date.long, scope: suite.scope.string, canonicalRequestHash: canonical.hashHex)
        #expect(stringToSign == (try suite.expected("query-string-to-sign.txt")))
        let key = SigningKeyCache(capacity: 4).signingKey(secretAccessKey: suite.secret, scope: suite.scope)
        let signature = SigningKey.signature(of: stringToSign, signingKey: key)
        #expect(signature == (try suite.expected("query-signature.txt")))
        #expect((try suite.expected("query-signed-request.txt")).contains("X-Amz-Signature=\(signature) HTTP/1.1"))
    }
}

@Suite("RequestSigner on the AWS suite's header-signed cases")
struct RequestSignerSuiteTests {
    /// Cases a real client can send as is: the path needs no encoding (a path sent encoded is
    /// encoded again for non-S3 services, which the suite's raw request lines do not model), no
    /// folded header (obsolete in HTTP/1.1; the signer refuses control characters), the body not
    /// signed as a header, the session token signed.
    static let cases = SuiteCase.all.filter { suite in
        suite.normalize && !suite.signBody && !suite.omitSessionToken
            && suite.decodedPath.allSatisfy {
                URIEncoding.encode(String(decoding: [$0], as: UTF8.self), keepingSlash: true).utf8.count == 1
            }
            && !suite.headers.contains { $0.1.contains("\n") }
    }

    @Test("enough cases qualify", arguments: [cases.count])
    func enoughCases(count: Int) {
        #expect(count >= 20)
    }

    @Test("the Authorization header equals the suite's", arguments: cases)
    func authorization(_ suite: SuiteCase) throws {
        var rawQuery = ""
        if !suite.query.isEmpty {
            rawQuery =
                "?"
                + suite.query.map { pair in
                    var name: [UInt8] = []
                    var value: [UInt8] = []
                    URIEncoding.append(pair.name, keepingSlash: false, to: &name)
                    URIEncoding.append(pair.value, keepingSlash: false, to: &value)
                    return String(decoding: name, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self)
                }.joined(separator: "&")
        }
        let url = "https://example.amazonaws.com" + String(decoding: suite.decodedPath, as: UTF8.self) + rawQuery
        let credentials = AWSCredentials(
            accessKeyID: suite.accessKeyID, secretAccessKey: suite.secret, sessionToken: suite.token)
        let added = try RequestSigner(keyCache: SigningKeyCache(capacity: 2)).sign(
            method: suite.method, url: url, headers: suite.headers, bodySHA256Hex: suite.payloadHash,
            region: suite.region, service: suite.service, credentials: credentials, now: suite.date.date)
        let expected = try suite.expected("header-signed-request.txt")
        let authorization = try #require(added.first { $0.0 == "Authorization" }?.1)
        #expect(expected.contains("Authorization:" + authorization + "\n"))
        #expect(added.first { $0.0 == "X-Amz-Date" }?.1 == suite.date.long)
        #expect(added.contains { $0.0 == "X-Amz-Security-Token" } == (suite.token != nil))
    }
}
