import Foundation
import SigV4
import Testing

@testable import UploadService

@Suite("Upload issuer")
struct UploadIssuerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let subject = "0f6c1b8e-4a2d-4d43-9f0e-2a7b5c9d1e33"
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    func issuer(credentials: AWSCredentials? = UploadIssuerTests.credentials, expiry: Int = 300) -> UploadIssuer {
        struct Source: SigningCredentialsSource {
            let credentials: AWSCredentials?
            func current() -> AWSCredentials? { credentials }
        }
        return UploadIssuer(
            presigner: S3Presigner(location: S3Location(bucket: "my-uploads", region: "eu-west-1")),
            credentials: Source(credentials: credentials),
            keyBuilder: ObjectKeyBuilder(randomHex: { "00112233aabbccdd" }),
            expiry: expiry)
    }

    @Test("signs a PUT under the caller's prefix enforcing type, length, checksum and no overwrite")
    func signsEverything() throws {
        let checksum = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="
        let upload = try issuer().issue(
            subject: Self.subject,
            request: UploadRequest(
                filename: "../a b.png", contentType: "image/png", size: 42, checksumSHA256: checksum),
            now: Self.now)
        #expect(upload.method == "PUT")
        #expect(upload.key.hasPrefix("uploads/\(Self.subject)/2026/11/18/"))
        #expect(upload.key.hasSuffix("-00112233aabbccdd-_a b.png"))
        #expect(upload.filename == "../a b.png")
        #expect(
            upload.headers == [
                "Content-Type": "image/png", "Content-Length": "42", "x-amz-checksum-sha256": checksum,
                "If-None-Match": "*",
            ])
        #expect(upload.uploadUrl.hasPrefix("https://my-uploads.s3.eu-west-1.amazonaws.com/uploads/\(Self.subject)/"))
        #expect(upload.uploadUrl.contains("_a%20b.png?"))
        #expect(
            upload.uploadUrl.contains(
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bif-none-match%3Bx-amz-checksum-sha256"))
        #expect(upload.uploadUrl.contains("X-Amz-Expires=300"))
        #expect(!upload.uploadUrl.contains("x-amz-checksum-crc32"))
        #expect(upload.expiresIn == 300)
        #expect(upload.expiresAt == "2026-11-18T11:11:40Z")
    }

    @Test("without a checksum no checksum header is signed or asked for")
    func noChecksum() throws {
        let upload = try issuer().issue(
            subject: Self.subject, request: UploadRequest(filename: "a.txt", contentType: "text/plain", size: 0),
            now: Self.now)
        #expect(upload.headers["x-amz-checksum-sha256"] == nil)
        #expect(upload.uploadUrl.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bif-none-match&"))
    }

    @Test("credentials that expire too soon give a 503, not a URL that dies in seconds")
    func expiring() {
        let soon = AWSCredentials(
            accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token",
            expiration: Self.now.addingTimeInterval(90))
        #expect(throws: UploadError.credentialsExpiring) {
            try issuer(credentials: soon).issue(
                subject: Self.subject, request: UploadRequest(filename: "a", contentType: "a/b", size: 1), now: Self.now
            )
        }
    }

    @Test("the URL lifetime is cut to what the credentials have left")
    func capped() throws {
        let later = AWSCredentials(
            accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token",
            expiration: Self.now.addingTimeInterval(200))
        let upload = try issuer(credentials: later).issue(
            subject: Self.subject, request: UploadRequest(filename: "a", contentType: "a/b", size: 1), now: Self.now)
        #expect(upload.expiresIn == 140)
        #expect(upload.uploadUrl.contains("X-Amz-Security-Token=token"))
    }

    @Test("no credentials yet means not ready")
    func noCredentials() {
        #expect {
            try issuer(credentials: nil).issue(
                subject: Self.subject, request: UploadRequest(filename: "a", contentType: "a/b", size: 1), now: Self.now
            )
        } throws: { ($0 as? UploadError)?.status == 503 }
    }

    @Test("a token subject that could change the path is refused with 403", arguments: ["../x", "a/b", "", ".."])
    func badSubject(subject: String) {
        #expect {
            try issuer().issue(
                subject: subject, request: UploadRequest(filename: "a", contentType: "a/b", size: 1), now: Self.now)
        } throws: { ($0 as? UploadError)?.status == 403 }
    }
}

@Suite("Bearer token extraction")
struct BearerTokenTests {
    @Test(
        "accepts Bearer in any case and a bare token",
        arguments: [
            ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc.def.ghi", "abc.def.ghi"), ("BEARER   a.b.c ", "a.b.c"),
            ("abc.def.ghi", "abc.def.ghi"), ("\tBeArEr \t x.y.z\t ", "x.y.z"), (" a-b_c.d ", "a-b_c.d"),
        ])
    func accepts(header: String, token: String) {
        #expect(BearerToken.extract(from: header) == token)
    }

    @Test(
        "refuses other schemes and junk",
        arguments: [
            "", "   ", "Basic dXNlcjpwdw==", "Bearer", "Bearer a b", "Bearer a\u{0}b", "Token abc", "Bearer a,b",
            "bEaReR", "Bearer\tabc", "Bearer \t ", "Bearér abc", "Bearer abc\u{e9}", "Bearer a\nb", "Bearerx abc",
            "\u{0}Bearer abc", "Bearer ab=",
        ])
    func refuses(header: String) {
        #expect(BearerToken.extract(from: header) == nil)
    }

    @Test("inside a token, exactly the base64url characters and the dot are accepted, for every scalar up to U+00FF")
    func everyCharacter() {
        for value in UInt8(0)...0xFF {
            let header = "Bearer a" + String(Unicode.Scalar(value)) + "b"
            let expected = value < 0x80 && BearerToken.isTokenByte(value)
            #expect((BearerToken.extract(from: header) != nil) == expected, "byte \(value)")
        }
    }
}

@Suite("Content security policy")
struct ContentSecurityPolicyTests {
    @Test("connect-src lists the page's own origin, the Cognito and the S3 origins once each")
    func policy() {
        let origins = [
            ContentSecurityPolicy.origin(of: "https://cognito-idp.eu-west-1.amazonaws.com/")!,
            ContentSecurityPolicy.origin(of: "https://my-uploads.s3.eu-west-1.amazonaws.com")!,
            ContentSecurityPolicy.origin(of: "https://cognito-idp.eu-west-1.amazonaws.com/x")!,
        ]
        #expect(
            ContentSecurityPolicy.policy(connectOrigins: origins)
                == "default-src 'self'; connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com "
                + "https://my-uploads.s3.eu-west-1.amazonaws.com; img-src 'self' data:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'")
        #expect(ContentSecurityPolicy.origin(of: "http://127.0.0.1:8080/local/s3") == "http://127.0.0.1:8080")
        #expect(ContentSecurityPolicy.origin(of: "not a url") == nil)
    }
}
