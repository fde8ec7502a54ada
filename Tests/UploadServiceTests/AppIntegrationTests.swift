import CryptoPrimitives
import Foundation
import JWTAuth
import Testing

@testable import UploadService

/// Runs `body` against a fresh local-mode Application on a free port, stopping it afterwards.
func withApp(
    _ settings: [String: String] = [:], clock: TestClock = TestClock(), _ body: (AppHarness) async throws -> Void
) async throws {
    let harness = try AppHarness(settings: settings, clock: clock)
    do {
        try await harness.waitUntilReady()
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

@Suite("Application over real sockets (local mode)", .serialized)
struct AppIntegrationTests {
    static let payload = Array("hello, secure upload\n".utf8) + (0..<200).map { UInt8($0) }
    static var checksum: String { Data(SHA256.hash(payload)).base64EncodedString() }

    @Test("local mode is ready when it starts listening: the very first requests get 200 and 401, never 503")
    func readyAtOnce() async throws {
        let harness = try AppHarness()
        let ready = try await harness.get("/readyz")
        let upload = try await RawHTTPClient.send(
            port: harness.port, method: "POST", target: "/upload", headers: [("Content-Type", "application/json")],
            body: Array(#"{"filename":"a.txt","contentType":"text/plain","size":3}"#.utf8))
        await harness.stop()
        #expect(ready.status == 200)
        #expect(upload.status == 401)
    }

    @Test(
        "TOKEN_CACHE_SIZE=0 checks the token's signature on every request; the default checks a reused token once",
        arguments: [("0", 3), ("10000", 1)])
    func tokenCacheSetting(size: String, expectedSignatureChecks: Int) async throws {
        try await withApp(["TOKEN_CACHE_SIZE": size]) { app in
            let token = try await app.signIn("alice")
            let before = app.application.verifier.metrics
            for _ in 0..<3 {
                let answer = try await app.requestUpload(
                    token: token, body: #"{"filename":"a.txt","contentType":"text/plain","size":3}"#)
                #expect(answer.status == 200, "\(answer.text)")
            }
            let after = app.application.verifier.metrics
            #expect(after.signatureChecks - before.signatureChecks == expectedSignatureChecks)
            #expect(after.cacheHits - before.cacheHits == 3 - expectedSignatureChecks)
            #expect(app.application.verifier.cachedTokenCount == (size == "0" ? 0 : 1))
        }
    }

    @Test("HTTP_HEADER_TIMEOUT reaches the server: an unfinished head gets 408 long before the 10 s default")
    func headerTimeoutSetting() async throws {
        try await withApp(["HTTP_HEADER_TIMEOUT": "0.5"]) { app in
            // The read gives up after 5 s without a byte: an answer within it proves the setting.
            let answer = try await RawHTTPClient.sendBytes(
                port: app.port, Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8), readTimeout: 5)
            #expect(answer.status == 408)
        }
    }

    @Test("a running local-mode service holds its data folder's lock for as long as it runs")
    func holdsTheDataFolderLock() async throws {
        let harness = try AppHarness()
        let layout = LocalDataLayout(root: harness.dataDirectory)
        #expect(DataDirectoryLock(layout: layout) == nil, "nobody else may take it while the service runs")
        await harness.application.shutdown(gracePeriod: .seconds(1))
        await harness.stop()
    }

    @Test("a signed-in user gets a URL whose PUT stores the exact bytes under uploads/<their sub>/")
    func happyPath() async throws {
        try await withApp { app in
            let token = try await app.signIn("alice")
            let body = """
                {"filename":"report 2026.bin","contentType":"application/octet-stream","size":\(Self.payload.count),\
                "checksumSHA256":"\(Self.checksum)"}
                """
            let answer = try await app.requestUpload(token: token, body: body)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.header("Cache-Control") == "no-store")
            let json = answer.json
            let key = try #require(json["key"] as? String)
            let url = try #require(json["uploadUrl"] as? String)
            let headers = try #require(json["headers"] as? [String: String])
            #expect(key.hasPrefix("uploads/\(AppHarness.subject(of: token))/"))
            #expect(key.hasSuffix("-report 2026.bin"))
            #expect(json["method"] as? String == "PUT")
            #expect(json["filename"] as? String == "report 2026.bin")
            #expect(json["expiresIn"] as? Int == 300)
            #expect((json["expiresAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
            #expect(url.hasPrefix("http://127.0.0.1:\(app.port)/local/s3/uploads/"))
            #expect(
                headers == [
                    "Content-Type": "application/octet-stream", "Content-Length": String(Self.payload.count),
                    "x-amz-checksum-sha256": Self.checksum, "If-None-Match": "*",
                ])

            let put = try await RawHTTPClient.send(
                url: url, method: "PUT", headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                body: Self.payload)
            #expect(put.status == 200, "\(put.text)")
            let stored = FileManager.default.contents(atPath: "\(app.dataDirectory)/uploads/\(key)")
            #expect(stored.map(Array.init) == Self.payload)

            let again = try await RawHTTPClient.send(
                url: url, method: "PUT", headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                body: Self.payload)
            #expect(again.status == 412)
        }
    }

    @Test("a bare token (no Bearer) is accepted, as the classic page sends it")
    func bareToken() async throws {
        try await withApp { app in
            let token = try await app.signIn("bob")
            let response = try await RawHTTPClient.send(
                port: app.port, method: "POST", target: "/upload",
                headers: [("Content-Type", "application/json; charset=utf-8"), ("Authorization", token)],
                body: Array(#"{"filename":"a.txt","contentType":"text/plain","size":1}"#.utf8))
            #expect(response.status == 200)
            #expect((response.json["key"] as? String)?.hasPrefix("uploads/\(AppHarness.subject(of: token))/") == true)
        }
    }

    static let invalidRequests: [(body: String, contentType: String, status: Int, code: String, field: String?)] = [
        ("{", "application/json", 400, "invalid_json", nil),
        ("[]", "application/json", 400, "invalid_json", nil),
        (#"{"contentType":"text/plain","size":1}"#, "application/json", 400, "missing_field", "filename"),
        (#"{"filename":"","contentType":"text/plain","size":1}"#, "application/json", 400, "invalid_field", "filename"),
        (
            "{\"filename\":\"\(String(repeating: "x", count: 256))\",\"contentType\":\"text/plain\",\"size\":1}",
            "application/json", 400, "invalid_field", "filename"
        ),
        (
            #"{"filename":"a\u0007","contentType":"text/plain","size":1}"#, "application/json", 400, "invalid_field",
            "filename"
        ),
        (#"{"filename":"a","size":1}"#, "application/json", 400, "missing_field", "contentType"),
        (
            #"{"filename":"a","contentType":"application/pdf","size":1}"#, "application/json", 415,
            "content_type_not_allowed", "contentType"
        ),
        (#"{"filename":"a","contentType":"text/plain"}"#, "application/json", 400, "missing_field", "size"),
        (#"{"filename":"a","contentType":"text/plain","size":-3}"#, "application/json", 400, "invalid_field", "size"),
        (#"{"filename":"a","contentType":"text/plain","size":2.5}"#, "application/json", 400, "invalid_field", "size"),
        (
            #"{"filename":"a","contentType":"text/plain","size":1048577}"#, "application/json", 413, "file_too_large",
            "size"
        ),
        (
            #"{"filename":"a","contentType":"text/plain","size":1,"checksumSHA256":"xyz"}"#, "application/json", 400,
            "invalid_field", "checksumSHA256"
        ),
        (
            #"{"filename":"a","contentType":"text/plain","size":1,"bucket":"other"}"#, "application/json", 400,
            "unknown_field", "bucket"
        ),
        (#"{"filename":"a","contentType":"text/plain","size":1}"#, "text/plain", 415, "unsupported_media_type", nil),
        (
            #"{"filename":"a","contentType":"text/plain","size":1}"#, "application/x-www-form-urlencoded", 415,
            "unsupported_media_type", nil
        ),
    ]

    /// What each refusal's `error` sentence says, in the order of `invalidRequests`.
    static let messageFragments = [
        "not valid JSON", "must be a JSON object", "The field \"filename\" is required.", "must not be empty",
        "the limit is 255 bytes", "must not contain control characters", "The field \"contentType\" is required.",
        "Files of type \"application/pdf\" may not be uploaded here.", "The field \"size\" is required.",
        "non-negative integer", "non-negative integer", "is over the limit of 1048576 bytes",
        "32-byte SHA-256 digest", "\"bucket\" is not part of an upload request", "Content-Type: application/json",
        "Content-Type: application/json",
    ]

    @Test("every invalid upload request is answered over HTTP with its status, code, message and field")
    func invalidRequestsOverHTTP() async throws {
        try await withApp { app in
            let token = try await app.signIn()
            #expect(Self.messageFragments.count == Self.invalidRequests.count)
            for (item, fragment) in zip(Self.invalidRequests, Self.messageFragments) {
                let response = try await app.requestUpload(token: token, body: item.body, contentType: item.contentType)
                #expect(response.status == item.status, "\(item.body): \(response.text)")
                #expect(response.json["code"] as? String == item.code, "\(item.body)")
                #expect(response.json["field"] as? String == item.field, "\(item.body)")
                #expect((response.json["error"] as? String)?.contains(fragment) == true, "\(response.text)")
                #expect(response.header("Content-Type") == "application/json")
            }
        }
    }

    @Test("a request body over the route's limit is refused with 413")
    func bodyTooLarge() async throws {
        try await withApp { app in
            let token = try await app.signIn()
            let huge =
                #"{"filename":""# + String(repeating: "a", count: 20_000) + #"","contentType":"text/plain","size":1}"#
            let response = try await app.requestUpload(token: token, body: huge)
            #expect(response.status == 413)
        }
    }

    @Test("missing, malformed, tampered, forged and expired tokens all get the same bare 401")
    func unauthorized() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app in
            let token = try await app.signIn("alice")
            let bobToken = try await app.signIn("bob")
            let parts = token.split(separator: ".").map(String.init)
            var signature = Array(parts[2].utf8)
            signature[10] = signature[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let tampered = parts[0] + "." + parts[1] + "." + String(decoding: signature, as: UTF8.self)
            // Bob's claims under Alice's signature: the classic "change the sub" attack.
            let swapped = parts[0] + "." + bobToken.split(separator: ".")[1] + "." + parts[2]
            let algNone = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
            // {"alg":"RS256","kid":"rotated-away","typ":"JWT"}: verified off the loop after a refetch.
            let unknownKey =
                "eyJhbGciOiJSUzI1NiIsImtpZCI6InJvdGF0ZWQtYXdheSIsInR5cCI6IkpXVCJ9." + parts[1] + "." + parts[2]
            let body = #"{"filename":"a.txt","contentType":"text/plain","size":1}"#
            var responses: [RawResponse] = []
            for candidate in [nil, "", "not-a-jwt", tampered, swapped, algNone, unknownKey, parts[0] + "." + parts[1]] {
                responses.append(try await app.requestUpload(token: candidate, body: body))
            }
            responses.append(
                try await RawHTTPClient.send(
                    port: app.port, method: "POST", target: "/upload",
                    headers: [
                        ("Content-Type", "application/json"), ("Authorization", "Bearer \(token)"),
                        ("Authorization", "Bearer \(bobToken)"),
                    ], body: Array(body.utf8)))
            responses.append(
                try await app.requestUpload(token: nil, body: body, extraHeaders: [("Authorization", "Basic YTpi")]))
            clock.advance(by: 2 * 3600)
            responses.append(try await app.requestUpload(token: token, body: body))
            for response in responses {
                #expect(response.status == 401)
                #expect(response.header("WWW-Authenticate") == "Bearer")
                #expect(response.json["code"] as? String == "unauthorized")
                #expect(response.json["error"] as? String == "A valid sign-in token is required.")
            }
            let metrics = try await app.get("/metrics").text
            #expect(metrics.contains(#"secure_upload_token_rejections_total{reason="expired"} 1"#))
            #expect(metrics.contains(#"secure_upload_token_rejections_total{reason="bad_signature"} 2"#))
            #expect(metrics.contains(#"secure_upload_token_rejections_total{reason="unknown_key"} 1"#))
            #expect(metrics.contains(#"secure_upload_token_rejections_total{reason="missing_token"} 1"#))
        }
    }

    @Test("a hostile file name cannot move the key out of the caller's prefix, nor can editing the URL")
    func keyEscapeImpossible() async throws {
        try await withApp { app in
            let alice = try await app.signIn("alice")
            let bobSub = AppHarness.subject(of: try await app.signIn("bob"))
            let aliceSub = AppHarness.subject(of: alice)
            for name in ["../\(bobSub)/x.txt", "../../../../etc/passwd", "..%2f..%2fx", "/absolute", "\\..\\x"] {
                let body =
                    "{\"filename\":\(String(decoding: try JSONEncoder().encode(name), as: UTF8.self)),\"contentType\":\"text/plain\",\"size\":1}"
                let response = try await app.requestUpload(token: alice, body: body)
                #expect(response.status == 200)
                let key = try #require(response.json["key"] as? String)
                #expect(key.hasPrefix("uploads/\(aliceSub)/"))
                #expect(!key.split(separator: "/").contains(".."))
            }
            let response = try await app.requestUpload(
                token: alice, body: #"{"filename":"x.txt","contentType":"text/plain","size":1}"#)
            let url = try #require(response.json["uploadUrl"] as? String)
            let headers = try #require(response.json["headers"] as? [String: String])
            let redirected = url.replacingOccurrences(of: "/uploads/\(aliceSub)/", with: "/uploads/\(bobSub)/")
            let put = try await RawHTTPClient.send(
                url: redirected, method: "PUT", headers: headers.map { ($0.key, $0.value) }, body: [0x78])
            #expect(put.status == 403)
            #expect(!FileManager.default.fileExists(atPath: "\(app.dataDirectory)/uploads/uploads/\(bobSub)"))
        }
    }

    @Test("CORS: the configured origin gets a preflight and its header on POST; others get neither")
    func cors() async throws {
        try await withApp { app in
            let allowed = try await RawHTTPClient.send(
                port: app.port, method: "OPTIONS", target: "/upload",
                headers: [
                    ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "authorization,content-type"),
                ])
            #expect(allowed.status == 204)
            #expect(allowed.header("Access-Control-Allow-Origin") == "https://app.example.com")
            #expect(allowed.header("Access-Control-Allow-Headers") == "authorization, content-type")
            #expect(allowed.header("Vary") == "Origin")
            let denied = try await RawHTTPClient.send(
                port: app.port, method: "OPTIONS", target: "/upload",
                headers: [("Origin", "https://evil.example.com"), ("Access-Control-Request-Method", "POST")])
            #expect(denied.status == 403)
            #expect(denied.header("Access-Control-Allow-Origin") == nil)

            let token = try await app.signIn()
            let body = #"{"filename":"a.txt","contentType":"text/plain","size":1}"#
            let fromApp = try await app.requestUpload(
                token: token, body: body, extraHeaders: [("Origin", "https://app.example.com")])
            #expect(fromApp.header("Access-Control-Allow-Origin") == "https://app.example.com")
            let fromEvil = try await app.requestUpload(
                token: token, body: body, extraHeaders: [("Origin", "https://evil.example.com")])
            #expect(fromEvil.status == 200)
            #expect(fromEvil.header("Access-Control-Allow-Origin") == nil)
            let unauthorized = try await app.requestUpload(
                token: nil, body: body, extraHeaders: [("Origin", "https://app.example.com")])
            #expect(unauthorized.header("Access-Control-Allow-Origin") == "https://app.example.com")
        }
    }

    @Test("config.json tells the page the local Cognito endpoint, ids and limits, and nothing secret")
    func configJSON() async throws {
        try await withApp { app in
            let response = try await app.get("/config.json")
            #expect(response.status == 200)
            #expect(response.header("Cache-Control") == "no-cache")
            let json = response.json
            #expect(json["mode"] as? String == "local")
            #expect(json["region"] as? String == "us-east-1")
            #expect(json["userPoolId"] as? String == app.application.localIdentity?.userPoolID)
            #expect(json["clientId"] as? String == app.application.localIdentity?.clientID)
            #expect(json["cognitoEndpoint"] as? String == "http://127.0.0.1:\(app.port)/local/cognito/")
            #expect(json["uploadEndpoint"] as? String == "/upload")
            #expect(json["maxUploadBytes"] as? Int == 1_048_576)
            #expect(json["allowedContentTypes"] as? [String] == ["image/*", "text/plain", "application/octet-stream"])
            #expect(Set(json.keys).count == 8)
            #expect(!response.text.contains("Passw0rd"))
        }
    }

    @Test("health, readiness, metrics and the page with its CSP are served")
    func operational() async throws {
        try await withApp { app in
            let health = try await app.get("/healthz")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let ready = try await app.get("/readyz")
            #expect(ready.status == 200)
            let metrics = try await app.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"secure_upload_jwks_refreshes_total{result="success"} 1"#))
            let page = try await app.get("/")
            #expect(page.status == 200)
            #expect(page.text.contains("SecureUpload"))
            let policy = try #require(page.header("Content-Security-Policy"))
            #expect(policy.contains("connect-src 'self' http://127.0.0.1:\(app.port)"))
            #expect(policy.contains("frame-ancestors 'none'"))
            // The page's modules are not fingerprinted, so they are revalidated like the HTML:
            // never new HTML running old JavaScript after a deploy.
            try FileManager.default.createDirectory(
                atPath: app.staticDirectory + "/js", withIntermediateDirectories: true)
            try Data("export {};\n".utf8).write(to: URL(fileURLWithPath: app.staticDirectory + "/js/app.js"))
            let module = try await app.get("/js/app.js")
            #expect(module.status == 200)
            #expect(module.header("Cache-Control") == "no-cache")
            #expect(module.header("ETag") != nil)

            app.application.beginDraining()
            let draining = try await app.get("/readyz")
            #expect(draining.status == 503)
            #expect((draining.json["missing"] as? [String]) == ["shutting down"])
        }
    }

    @Test("each user has a token bucket: past the budget the answer is 429 with Retry-After")
    func rateLimit() async throws {
        try await withApp(["RATE_LIMIT_PER_MINUTE": "2"]) { app in
            let alice = try await app.signIn("alice")
            let body = #"{"filename":"a.txt","contentType":"text/plain","size":1}"#
            #expect(try await app.requestUpload(token: alice, body: body).status == 200)
            #expect(try await app.requestUpload(token: alice, body: body).status == 200)
            let limited = try await app.requestUpload(token: alice, body: body)
            #expect(limited.status == 429)
            #expect(limited.json["code"] as? String == "rate_limited")
            #expect(try await app.get("/metrics").text.contains("secure_upload_rate_limited_total 1"))
            #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
            let bob = try await app.signIn("bob")
            #expect(try await app.requestUpload(token: bob, body: body).status == 200)
        }
    }

    @Test("a valid token without a required group gets 403, not 401")
    func requiredGroup() async throws {
        try await withApp(["COGNITO_REQUIRED_GROUPS": "uploaders"]) { app in
            let token = try await app.signIn()
            let response = try await app.requestUpload(
                token: token, body: #"{"filename":"a.txt","contentType":"text/plain","size":1}"#)
            #expect(response.status == 403)
            #expect(response.json["code"] as? String == "forbidden")
        }
    }
}

@Suite("Application settings that only the running service can check", .serialized)
struct AppSettingsTests {
    @Test("COGNITO_TOKEN_USE=access accepts access tokens and refuses ID tokens with 401")
    func tokenUse() async throws {
        try await withApp(["COGNITO_TOKEN_USE": "access"]) { app in
            let body = Array(#"{"filename":"a.txt","contentType":"text/plain","size":1}"#.utf8)
            let signIn = try JSONSerialization.data(withJSONObject: [
                "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.application.clientConfiguration.clientId,
                "AuthParameters": ["USERNAME": "alice", "PASSWORD": AppHarness.users[0].1],
            ])
            let result =
                try await RawHTTPClient.send(
                    port: app.port, method: "POST", target: "/local/cognito/",
                    headers: [
                        ("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"),
                        ("Content-Type", "application/x-amz-json-1.1"),
                    ], body: Array(signIn)
                ).json["AuthenticationResult"] as? [String: Any]
            let access = try #require(result?["AccessToken"] as? String)
            let id = try #require(result?["IdToken"] as? String)
            for (token, status) in [(access, 200), (id, 401)] {
                let response = try await RawHTTPClient.send(
                    port: app.port, method: "POST", target: "/upload",
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], body: body)
                #expect(response.status == status)
            }
            #expect(try await app.get("/metrics").text.contains(#"reason="wrong_token_use"} 1"#))
        }
    }

    @Test("a bad TRUSTED_PROXIES entry or a missing STATIC_DIR stops start-up naming the setting")
    func startUpChecks() {
        for (settings, name) in [
            (["TRUSTED_PROXIES": "10.0.0.0/33"], "TRUSTED_PROXIES"), (["STATIC_DIR": "/nonexistent/su"], "STATIC_DIR"),
        ] {
            #expect {
                _ = try AppHarness(settings: settings)
            } throws: { error in
                (error as? ConfigurationError)?.setting == name
            }
        }
    }
}
