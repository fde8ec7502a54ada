import Foundation
import Logging
import Synchronization

@testable import UploadService

/// A wall clock tests can move forward (token expiry) without waiting.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// One running Application in local mode on a free loopback port, with a fresh data folder and a
/// static folder holding a one-line page. Stopped with `stop()`.
final class AppHarness: Sendable {
    static let users = [("alice", "Alice-Passw0rd!"), ("bob", "Bob-Passw0rd!")]

    let application: Application
    let dataDirectory: String
    let staticDirectory: String
    let clock: TestClock

    var port: Int { application.port }

    init(settings extra: [String: String] = [:], clock: TestClock = TestClock()) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("su-app-\(UUID().uuidString)").path
        dataDirectory = base + "/data"
        staticDirectory = base + "/static"
        try FileManager.default.createDirectory(atPath: staticDirectory, withIntermediateDirectories: true)
        try Data("<!doctype html><title>SecureUpload</title>\n".utf8).write(
            to: URL(fileURLWithPath: staticDirectory + "/index.html"))
        var settings: [String: String] = [
            "SECURE_UPLOAD_MODE": "local", "HOST": "127.0.0.1", "PORT": "0", "LOCAL_DATA_DIR": dataDirectory,
            "STATIC_DIR": staticDirectory, "LOCAL_USERS": Self.users.map { "\($0.0):\($0.1)" }.joined(separator: ","),
            "RATE_LIMIT_PER_MINUTE": "1000", "CORS_ALLOWED_ORIGINS": "https://app.example.com",
            "MAX_UPLOAD_BYTES": "1048576", "ALLOWED_CONTENT_TYPES": "image/*,text/plain,application/octet-stream",
        ]
        settings.merge(extra) { _, new in new }
        let configuration = try ServiceConfiguration.load(from: settings)
        self.clock = clock
        application = try Application(
            configuration: configuration, environment: settings,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock.now() })
    }

    /// Waits until `/readyz` answers 200 (the JWKS loads in the background).
    func waitUntilReady() async throws {
        for _ in 0..<500 {
            if try await get("/readyz").status == 200 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RawHTTPClient.Failure(description: "never became ready")
    }

    func stop() async {
        await application.shutdown(gracePeriod: .seconds(1))
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    func get(_ target: String, headers: [(String, String)] = []) async throws -> RawResponse {
        try await RawHTTPClient.send(port: port, method: "GET", target: target, headers: headers)
    }

    /// Signs in through the local Cognito endpoint exactly as the page does; returns the IdToken.
    func signIn(_ user: String = "alice", password: String? = nil) async throws -> String {
        let secret = password ?? Self.users.first { $0.0 == user }!.1
        let body = try JSONSerialization.data(withJSONObject: [
            "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": application.clientConfiguration.clientId,
            "AuthParameters": ["USERNAME": user, "PASSWORD": secret],
        ])
        let response = try await RawHTTPClient.send(
            port: port, method: "POST", target: "/local/cognito/",
            headers: [
                ("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ], body: Array(body))
        guard response.status == 200, let result = response.json["AuthenticationResult"] as? [String: Any],
            let token = result["IdToken"] as? String
        else { throw RawHTTPClient.Failure(description: "sign-in failed: \(response.status) \(response.text)") }
        return token
    }

    /// `POST /upload` with a bearer token and a JSON body.
    func requestUpload(
        token: String?, body: String, contentType: String = "application/json", extraHeaders: [(String, String)] = []
    ) async throws -> RawResponse {
        var headers: [(String, String)] = [("Content-Type", contentType)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await RawHTTPClient.send(
            port: port, method: "POST", target: "/upload", headers: headers + extraHeaders, body: Array(body.utf8))
    }

    /// The `sub` claim of a token (read without verification, for assertions).
    static func subject(of token: String) -> String {
        let payload = token.split(separator: ".")[1]
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let object = (try? JSONSerialization.jsonObject(with: Data(base64Encoded: base64) ?? Data())) as? [String: Any]
        return object?["sub"] as? String ?? ""
    }
}
