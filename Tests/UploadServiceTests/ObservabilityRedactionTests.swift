import Foundation
import Logging
import Testing

@testable import UploadService

@Suite("Log redaction")
struct ObservabilityRedactionTests {
    static let secretKeys = [
        "token", "access_token", "idToken", "refresh-token", "password", "Password", "client_secret", "secretKey",
        "Authorization", "authorization", "proxy-authorization", "signature", "X-Amz-Signature", "x-amz-security-token",
        "X-Amz-Credential", "credential", "credentials", "aws_secret_access_key", "Cookie", "set-cookie", "api_key",
        "x-api-key", "private_key",
    ]

    @Test("secret-like metadata keys are replaced by <redacted> in text lines", arguments: secretKeys)
    func redactsSecretKeysInText(key: String) {
        let capture = CapturedLines()
        capture.logger(format: .text).info("event", metadata: [key: "SUPERSECRET-value"])
        #expect(capture.lines.count == 1)
        #expect(!capture.lines[0].contains("SUPERSECRET"))
        #expect(capture.lines[0].hasSuffix(" \(key)=<redacted>"))
    }

    @Test("secret-like metadata keys are replaced by <redacted> in JSON lines, also when nested", arguments: secretKeys)
    func redactsSecretKeysInJSON(key: String) throws {
        let capture = CapturedLines()
        capture.logger(format: .json).info(
            "event",
            metadata: [
                key: "SUPERSECRET-value", "request": ["headers": [key: "SUPERSECRET-nested"]],
                "list": [["k": "v", key: "SUPERSECRET-in-array"]],
            ])
        #expect(!capture.lines.joined().contains("SUPERSECRET"))
        let object = try capture.singleJSONObject()
        #expect(object[key] as? String == "<redacted>")
        #expect(object["request.headers.\(key)"] as? String == "<redacted>")
    }

    @Test("keys that only resemble nothing secret are kept")
    func keepsOrdinaryKeys() throws {
        let capture = CapturedLines()
        capture.logger(format: .json).info("event", metadata: ["sub": "user-1", "bucket": "b", "status": "200"])
        let object = try capture.singleJSONObject()
        #expect(object["sub"] as? String == "user-1")
        #expect(object["bucket"] as? String == "b")
    }

    @Test(
        "redactURL hides signature, security token and credential values and keeps everything else",
        arguments: [
            (
                "https://bucket.s3.us-east-1.amazonaws.com/uploads/u/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261126T090000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bhost&X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=2d6a7c1e9f",
                "https://bucket.s3.us-east-1.amazonaws.com/uploads/u/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<redacted>&X-Amz-Date=20261126T090000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bhost&X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted>"
            ),
            ("http://h/p?x-amz-signature=abc", "http://h/p?x-amz-signature=<redacted>"),
            ("http://h/p?X%2DAmz%2DSignature=abc&a=1", "http://h/p?X%2DAmz%2DSignature=<redacted>&a=1"),
            ("http://h/p?a=1&&b&token=t#frag", "http://h/p?a=1&&b&token=<redacted>#frag"),
            ("https://app/callback#id_token=eyJx&state=s", "https://app/callback#id_token=<redacted>&state=s"),
            ("https://user:hunter2@host/x?q=1", "https://user:<redacted>@host/x?q=1"),
            ("via:http://proxyuser:hunter2@proxy:3128/", "via:http://proxyuser:<redacted>@proxy:3128/"),
            ("host:8080 user:pw@x", "host:8080 user:pw@x"),
            ("trailing:", "trailing:"),
            ("https://host/plain/path", "https://host/plain/path"),
            ("/upload?X-Amz-Signature=abc", "/upload?X-Amz-Signature=<redacted>"),
        ])
    func redactURL(url: String, expected: String) {
        #expect(LogRedaction.redactURL(url) == expected)
    }

    @Test("signed URLs inside messages and ordinary metadata values are redacted")
    func redactsURLsInFreeText() throws {
        let capture = CapturedLines()
        let url =
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2Fscope&X-Amz-Signature=f00d&X-Amz-Security-Token=IQoJ"
        capture.logger(format: .json).info("issued \(url) to client", metadata: ["uploadUrl": .string(url)])
        let line = capture.lines.joined()
        #expect(!line.contains("f00d"))
        #expect(!line.contains("IQoJ"))
        #expect(!line.contains("AKID"))
        let object = try capture.singleJSONObject()
        #expect(
            object["uploadUrl"] as? String
                == "https://b.s3.amazonaws.com/k?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>"
        )
    }

    @Test(
        "bearer credentials and JWT-shaped strings are removed from free text",
        arguments: [
            ("Authorization: Bearer abc.def.ghi", "Authorization: Bearer <redacted>"),
            ("header was bearer opaque-token-value here", "header was bearer <redacted> here"),
            ("Basic dXNlcjpwYXNz", "Basic <redacted>"),
            ("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl seen", "token <redacted> seen"),
            ("/cb/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln/next", "/cb/<redacted>/next"),
            ("password=hunter2", "password=<redacted>"),
            ("nothing to hide here", "nothing to hide here"),
            ("eyJnot-a-jwt", "eyJnot-a-jwt"),
        ])
    func redactText(text: String, expected: String) {
        #expect(LogRedaction.redactText(text) == expected)
    }

    @Test("isSecretKey recognises the names the access and request paths use")
    func secretKeyNames() {
        for key in ObservabilityRedactionTests.secretKeys {
            #expect(LogRedaction.isSecretKey(key), "\(key)")
        }
        for key in [
            "sub", "method", "path", "status", "client", "request-id", "bucket", "key", "duration_ms",
            "COGNITO_TOKEN_USE", "token_use",
        ] {
            #expect(!LogRedaction.isSecretKey(key), "\(key)")
        }
    }

    @Test("no public setting's name is mistaken for a secret, so the start-up summary shows its value")
    func publicSettingsAreNotRedacted() {
        // TOKEN_CACHE_SIZE once showed as <redacted> in the effective-configuration line.
        for setting in SettingDescription.all where !setting.isSecret {
            #expect(!LogRedaction.isSecretKey(setting.name), "\(setting.name)")
        }
    }

    @Test(
        "byte search matches ASCII case-insensitively and reads _ as - only when asked",
        arguments: [
            ("X-Amz-Signature", "signature", false, true), ("CLIENT_SECRET", "secret", false, true),
            ("refresh_token", "refresh-token", true, true), ("refresh_token", "refresh-token", false, false),
            ("tok", "token", false, false), ("", "a", false, false), ("abc", "", false, true),
            ("ünïcode Bearer x", "bearer ", false, true), ("aaab", "aab", false, true),
        ])
    func byteSearch(text: String, needle: String, underscoreIsDash: Bool, expected: Bool) {
        #expect(ASCIISearch.containsAny(text, [Array(needle.utf8)], underscoreIsDash: underscoreIsDash) == expected)
    }
}
