import CryptoPrimitives
import Foundation
import JWTAuth
import Logging
import SigV4
import Synchronization
import Testing

@testable import UploadService

/// An outbound client that reaches nothing: every call fails as an unreachable host would, and
/// is counted. Keeps aws-mode tests off the network (no IMDS, no STS).
final class UnreachableHTTPClient: OutboundHTTPClient {
    struct Unreachable: Error {}
    let calls = Mutex<[String]>([])

    func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
        calls.withLock { $0.append(request.url) }
        throw Unreachable()
    }
}

@Suite("Application in aws mode without its dependencies", .serialized)
struct AppAWSModeTests {
    func start(_ extra: [String: String], client: UnreachableHTTPClient) throws -> Application {
        let staticDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("su-aws-\(UUID())").path
        try FileManager.default.createDirectory(atPath: staticDirectory, withIntermediateDirectories: true)
        var settings = [
            "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123", "COGNITO_CLIENT_ID": "abcdef123",
            "UPLOAD_BUCKET": "my-uploads",
            "HOST": "127.0.0.1", "PORT": "0", "STATIC_DIR": staticDirectory,
        ]
        settings.merge(extra) { _, new in new }
        return try Application(
            configuration: try ServiceConfiguration.load(from: settings), environment: settings,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), httpClient: client)
    }

    @Test("without keys or credentials /readyz says which is missing and uploads get 503 not_ready")
    func notReady() async throws {
        let client = UnreachableHTTPClient()
        let application = try start([:], client: client)
        // The JWKS fetch goes through the injected client, to the issuer derived from the pool.
        for _ in 0..<500 where client.calls.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let ready = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/readyz")
        #expect(ready.status == 503)
        #expect(
            ready.json["missing"] as? [String] == [
                "token signing keys (JWKS) not loaded", "storage credentials not available",
            ])
        let upload = try await RawHTTPClient.send(
            port: application.port, method: "POST", target: "/upload",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer a.b.c")],
            body: Array(#"{"filename":"a","contentType":"a/b","size":1}"#.utf8))
        #expect(upload.status == 503)
        #expect(upload.json["code"] as? String == "not_ready")
        #expect(
            client.calls.withLock { $0 }.contains(
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json"))
        let config = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/config.json").json
        #expect(config["cognitoEndpoint"] as? String == "https://cognito-idp.eu-west-1.amazonaws.com/")
        #expect(config["userPoolId"] as? String == "eu-west-1_AbCdEf123")
        #expect(config["clientId"] as? String == "abcdef123")
        await application.shutdown(gracePeriod: .seconds(1))
    }

    @Test("COGNITO_ENDPOINT points the page (config.json and the CSP) at another Cognito endpoint")
    func cognitoEndpointOverride() async throws {
        let application = try start(["COGNITO_ENDPOINT": "http://127.0.0.1:5999"], client: UnreachableHTTPClient())
        let config = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/config.json").json
        #expect(config["cognitoEndpoint"] as? String == "http://127.0.0.1:5999/")
        try Data("<!doctype html><title>x</title>\n".utf8).write(
            to: URL(fileURLWithPath: application.configuration.staticDirectory + "/index.html"))
        let page = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Security-Policy")?.contains("http://127.0.0.1:5999") == true)
        await application.shutdown(gracePeriod: .seconds(1))
    }

    @Test("keys from COGNITO_JWKS_FILE and credentials from the environment make it ready")
    func readyFromFileAndEnvironment() async throws {
        let jwks = FileManager.default.temporaryDirectory.appendingPathComponent("su-jwks-\(UUID()).json").path
        // A JWKS with one freshly generated 2048-bit RSA key.
        let key = try JWK(keyID: "test-key", publicKey: RSAPrivateKey.generate().publicKey()).json
        try Data(#"{"keys":[\#(key)]}"#.utf8).write(to: URL(fileURLWithPath: jwks))
        let client = UnreachableHTTPClient()
        let application = try start(
            [
                "COGNITO_JWKS_FILE": jwks, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "secretsecretsecretsecretsecretsecret1234",
            ], client: client)
        // The file is read before the listener opens; only the credentials load in the background.
        #expect(application.readiness.missingDependencies.allSatisfy { !$0.contains("JWKS") })
        var status = 0
        for _ in 0..<500 {
            status = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/readyz").status
            if status == 200 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(status == 200)
        #expect(client.calls.withLock { $0 }.isEmpty)
        let page = try await RawHTTPClient.send(port: application.port, method: "GET", target: "/config.json")
        #expect(page.status == 200)
        await application.shutdown(gracePeriod: .seconds(1))
    }

    /// An RS256 token signed with `key`, with Cognito's claims for `issuer` and `clientID`.
    static func mint(key: RSAPrivateKey, kid: String, issuer: String, clientID: String, sub: String) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let header = #"{"alg":"RS256","kid":"\#(kid)","typ":"JWT"}"#
        let claims =
            #"{"sub":"\#(sub)","iss":"\#(issuer)","aud":"\#(clientID)","token_use":"id","#
            + #""iat":\#(now),"exp":\#(now + 600),"cognito:username":"carol"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        return input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))
    }

    @Test("aws mode end to end without network: pool issuers (both forms), virtual-hosted URLs on the endpoint")
    func signsInAWSMode() async throws {
        let key = try RSAPrivateKey.generate()
        let jwks = FileManager.default.temporaryDirectory.appendingPathComponent("su-jwks-\(UUID()).json").path
        let jwk = try JWK(keyID: "k1", publicKey: key.publicKey()).json
        try Data(#"{"keys":[\#(jwk)]}"#.utf8).write(to: URL(fileURLWithPath: jwks))
        let application = try start(
            [
                "COGNITO_JWKS_FILE": jwks, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "secretsecretsecretsecretsecretsecret1234",
                "S3_ENDPOINT": "https://storage.example.com", "S3_FORCE_PATH_STYLE": "false",
            ], client: UnreachableHTTPClient())
        for _ in 0..<500 {
            if try await RawHTTPClient.send(port: application.port, method: "GET", target: "/readyz").status == 200 {
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let sub = "7d1e0c2a-1111-4222-8333-944455556666"
        for issuer in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
        ] {
            let token = try Self.mint(key: key, kid: "k1", issuer: issuer, clientID: "abcdef123", sub: sub)
            let response = try await RawHTTPClient.send(
                port: application.port, method: "POST", target: "/upload",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
                body: Array(#"{"filename":"photo 1.jpg","contentType":"image/jpeg","size":1234}"#.utf8))
            #expect(response.status == 200, "\(response.text)")
            let url = try #require(response.json["uploadUrl"] as? String)
            #expect(url.hasPrefix("https://my-uploads.storage.example.com/uploads/\(sub)/"))
            #expect(url.contains("X-Amz-Credential=AKIAEXAMPLEEXAMPLE%2F"))
            // The bucket is signed for AWS_REGION (default us-east-1); the pool lives in eu-west-1.
            #expect(url.contains("%2Fus-east-1%2Fs3%2Faws4_request"))
        }
        let wrongIssuer = try Self.mint(
            key: key, kid: "k1", issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other",
            clientID: "abcdef123",
            sub: sub)
        let refused = try await RawHTTPClient.send(
            port: application.port, method: "POST", target: "/upload",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(wrongIssuer)")],
            body: Array(#"{"filename":"a","contentType":"image/jpeg","size":1}"#.utf8))
        #expect(refused.status == 401)
        await application.shutdown(gracePeriod: .seconds(1))
    }
}
