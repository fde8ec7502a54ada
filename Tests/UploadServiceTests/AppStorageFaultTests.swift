import Foundation
import Logging
import Synchronization
import Testing

@testable import UploadService

@Suite("Application storage faults (local mode)", .serialized)
struct AppStorageFaultTests {
    @Test("an internal failure of the local S3 receiver reaches the application's log with its cause")
    func receiverFailureIsLogged() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("su-fault-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let data = base + "/data"
        let page = base + "/static"
        try FileManager.default.createDirectory(atPath: page, withIntermediateDirectories: true)
        try Data("<!doctype html><title>t</title>\n".utf8).write(to: URL(fileURLWithPath: page + "/index.html"))
        let settings = [
            "SECURE_UPLOAD_MODE": "local", "HOST": "127.0.0.1", "PORT": "0", "LOCAL_DATA_DIR": data,
            "STATIC_DIR": page, "LOCAL_USERS": "alice:Alice-Passw0rd!", "RATE_LIMIT_PER_MINUTE": "0",
        ]
        let store = LocalCapturingLogHandler.Store()
        let application = try Application(
            configuration: try ServiceConfiguration.load(from: settings), environment: settings,
            logger: Logger(label: "test", factory: { _ in LocalCapturingLogHandler(store: store) }))
        do {
            let token = try await Self.signIn(port: application.port)
            let answer = try await RawHTTPClient.send(
                port: application.port, method: "POST", target: "/upload",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
                body: Array(#"{"filename":"a.bin","contentType":"application/octet-stream","size":3}"#.utf8))
            #expect(answer.status == 200, "\(answer.text)")
            let url = try #require(answer.json["uploadUrl"] as? String)
            let headers = try #require(answer.json["headers"] as? [String: String])
            // A file where the temporary folder should be: creating the upload's file fails
            // (ENOTDIR), an internal error like a full disk, also for root.
            let temporary = data + "/.secure-upload/tmp"
            try FileManager.default.removeItem(atPath: temporary)
            try Data().write(to: URL(fileURLWithPath: temporary))

            let put = try await RawHTTPClient.send(
                url: url, method: "PUT", headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                body: [1, 2, 3])
            #expect(put.status == 500)
            #expect(put.text.contains("<Code>InternalError</Code>"))
            #expect(!put.text.contains(".secure-upload"))
            let lines = store.lines.withLock { $0 }
            let failure = lines.first { $0.hasPrefix("local S3 receiver failed") }
            #expect(failure?.contains("/.secure-upload/tmp/") == true, "\(lines)")
            #expect(failure?.contains("request_id=") == true)
        } catch {
            await application.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await application.shutdown(gracePeriod: .seconds(1))
    }

    static func signIn(port: Int) async throws -> String {
        let body =
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","#
            + #""AuthParameters":{"USERNAME":"alice","PASSWORD":"Alice-Passw0rd!"}}"#
        for _ in 0..<500 {
            let ready = try await RawHTTPClient.send(port: port, method: "GET", target: "/readyz")
            if ready.status == 200 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let response = try await RawHTTPClient.send(
            port: port, method: "POST", target: "/local/cognito/",
            headers: [
                ("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ], body: Array(body.utf8))
        let result = try #require(response.json["AuthenticationResult"] as? [String: Any])
        return try #require(result["IdToken"] as? String)
    }
}
