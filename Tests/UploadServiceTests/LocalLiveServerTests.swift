import CryptoPrimitives
import Foundation
import HTTPServer
import Logging
import SigV4
import Testing

@testable import UploadService

/// Local mode over real sockets: the identity endpoint and the S3 receiver registered on an
/// HTTPServer bound to 127.0.0.1 port 0, driven byte by byte.
@Suite("Local mode over a live HTTPServer")
struct LocalLiveServerTests {
    final class Live {
        let directory = LocalTemporaryDirectory()
        let identity: LocalIdentityProvider
        let receiver: LocalS3Receiver
        let credentials: AWSCredentials
        let presigner: S3Presigner
        let server: HTTPServer
        let port: Int
        let clock = LocalTestClock(Date())
        /// What URLs are signed for (the Host clients send); the socket port differs, which the
        /// receiver cannot see.
        static let signedHost = "127.0.0.1:8080"

        init() throws {
            let configuration = localConfiguration(dataDirectory: directory.path)
            identity = try LocalIdentityProvider(configuration: configuration, now: clock.function)
            credentials = try LocalS3Receiver.loadOrCreateCredentials(dataDirectory: directory.path)
            receiver = try LocalS3Receiver(configuration: configuration, credentials: credentials, now: clock.function)
            presigner = S3Presigner(
                location: S3Location(
                    bucket: "local-bucket", region: "eu-west-1", endpoint: receiver.endpoint, forcePathStyle: true))
            var router = Router()
            identity.register(into: &router)
            receiver.register(into: &router)
            var serverConfiguration = HTTPServerConfiguration()
            serverConfiguration.port = 0
            serverConfiguration.eventLoopCount = 2
            var logger = Logger(label: "local-live-test")
            logger.logLevel = .critical
            server = HTTPServer(configuration: serverConfiguration, router: router, logger: logger)
            port = try server.start()
        }

        func stop() async {
            await server.shutdown(gracePeriod: .seconds(2))
            directory.remove()
        }

        func presign(key: String, body: [UInt8], signLength: Bool = true) throws -> PresignedRequest {
            var headers = [("Content-Type", "image/png")]
            if signLength { headers.append(("Content-Length", String(body.count))) }
            headers += [
                ("x-amz-checksum-sha256", Data(SHA256.hash(body)).base64EncodedString()), ("If-None-Match", "*"),
            ]
            return try presigner.presign(
                method: "PUT", key: key, headers: headers, expiresIn: 300, credentials: credentials, now: clock.now)
        }

        /// Path and query of a presigned URL.
        func target(_ request: PresignedRequest) -> String {
            String(request.url.dropFirst("http://\(Self.signedHost)".count))
        }

        func headers(_ request: PresignedRequest) -> [(name: String, value: String)] {
            [("Host", Self.signedHost)] + request.headers
        }

        var objects: [String] { directory.files(under: "local-bucket") }
        var temporaryFiles: [String] { directory.files(under: ".secure-upload/tmp") }
    }

    static func code(_ response: LocalRawClient.Response) -> String? {
        guard let start = response.text.range(of: "<Code>"), let end = response.text.range(of: "</Code>") else {
            return nil
        }
        return String(response.text[start.upperBound..<end.lowerBound])
    }

    @Test("sign in over HTTP, fetch the JWKS, upload with the signed URL: the bytes land exactly")
    func signInAndUpload() async throws {
        let live = try Live()
        let client = try LocalRawClient(port: live.port)
        let body =
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":"alice","PASSWORD":"correct horse"}}"#
        try client.sendHead(
            "POST", "/local/cognito/",
            headers: [
                ("Host", "127.0.0.1"), ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"),
                ("Content-Length", String(body.utf8.count)),
            ])
        try client.send(body)
        let signIn = try client.readResponse()
        #expect(signIn.status == 200)
        #expect(signIn.header("Content-Type") == "application/x-amz-json-1.1")
        #expect((localJSON(signIn.body)["AuthenticationResult"] as? [String: Any])?["IdToken"] is String)

        try client.sendHead(
            "GET", "/local/cognito/eu-west-1_LocalPool/.well-known/jwks.json", headers: [("Host", "127.0.0.1")])
        let jwks = try client.readResponse()
        #expect(jwks.status == 200)
        #expect(jwks.body == live.identity.jwksDocument())
        #expect(jwks.header("Cache-Control")?.contains("max-age") == true)

        let wrong =
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"securelocalclient","AuthParameters":{"USERNAME":"alice","PASSWORD":"nope"}}"#
        try client.sendHead(
            "POST", "/local/cognito",
            headers: [
                ("Host", "127.0.0.1"), ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"),
                ("Content-Length", String(wrong.utf8.count)),
            ])
        try client.send(wrong)
        let refused = try client.readResponse()
        #expect(refused.status == 400)
        #expect(refused.header("x-amzn-ErrorType") == "NotAuthorizedException")

        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let request = try live.presign(key: "uploads/u1/photo.png", body: content)
        try client.sendHead("PUT", live.target(request), headers: live.headers(request))
        try client.send(content)
        let put = try client.readResponse()
        #expect(put.status == 200, "\(put.text)")
        #expect(put.header("ETag") == "\"" + Hex.encode(MD5.hash(content)) + "\"")
        #expect(
            FileManager.default.contents(atPath: live.directory.path + "/local-bucket/uploads/u1/photo.png")
                == Data(content))

        let get = try live.presigner.presign(
            method: "GET", key: "uploads/u1/photo.png", headers: [], expiresIn: 60, credentials: live.credentials,
            now: live.clock.now)
        try client.sendHead("GET", live.target(get), headers: live.headers(get))
        let read = try client.readResponse()
        #expect(read.status == 200)
        #expect(read.header("Content-Type") == "image/png")
        #expect(read.body.count == content.count && read.body == content, "a pre-signed GET reads the bytes back")

        try client.sendHead("PUT", live.target(request), headers: live.headers(request))
        let second = try client.readResponse()
        #expect(second.status == 412)
        #expect(Self.code(second) == "PreconditionFailed")
        #expect(second.header("Content-Type") == "application/xml")
        client.close()
        #expect(live.temporaryFiles.isEmpty)
        await live.stop()
    }

    @Test("a client that disconnects mid-body leaves no object and no temporary file")
    func disconnectMidBody() async throws {
        let live = try Live()
        let content = [UInt8](repeating: 0x42, count: 200_000)
        let request = try live.presign(key: "uploads/u1/cut.bin", body: content)
        let client = try LocalRawClient(port: live.port)
        try client.sendHead("PUT", live.target(request), headers: live.headers(request))
        try client.send(Array(content[0..<100_000]))
        #expect(await localEventually { live.temporaryFiles.count == 1 }, "the upload started streaming to disk")
        client.close()
        #expect(await localEventually { live.temporaryFiles.isEmpty }, "abort removed the temporary file")
        #expect(live.objects.isEmpty)
        await live.stop()
    }

    @Test("a body cut short then EOF (half-close) stores nothing")
    func shortBodyThenEOF() async throws {
        let live = try Live()
        let content = [UInt8](repeating: 0x43, count: 5000)
        let request = try live.presign(key: "uploads/u1/short.bin", body: content)
        let client = try LocalRawClient(port: live.port)
        try client.sendHead("PUT", live.target(request), headers: live.headers(request))
        try client.send(Array(content[0..<4000]))
        _ = shutdown(clientDescriptor(client), Int32(SHUT_WR))
        #expect(client.waitForClose())
        #expect(await localEventually { live.temporaryFiles.isEmpty })
        #expect(live.objects.isEmpty)
        await live.stop()
    }

    @Test("a declared length other than the signed one is refused before the body with 403")
    func longerDeclaredLength() async throws {
        let live = try Live()
        let content = [UInt8](repeating: 0x44, count: 1000)
        let request = try live.presign(key: "uploads/u1/long.bin", body: content)
        let client = try LocalRawClient(port: live.port)
        var headers = live.headers(request)
        headers.removeAll { $0.name == "Content-Length" }
        headers.append(("Content-Length", "1010"))
        try client.sendHead("PUT", live.target(request), headers: headers)
        try client.send(content + [UInt8](repeating: 0, count: 10))
        let response = try client.readResponse()
        #expect(response.status == 403)
        #expect(Self.code(response) == "SignatureDoesNotMatch")
        #expect(live.objects.isEmpty)
        #expect(live.temporaryFiles.isEmpty)
        await live.stop()
    }

    @Test("chunked uploads are refused with 411 MissingContentLength, other methods with S3's XML")
    func chunkedAndOtherMethods() async throws {
        let live = try Live()
        let content = Array("chunky".utf8)
        let request = try live.presign(key: "uploads/u1/chunked.txt", body: content, signLength: false)
        let client = try LocalRawClient(port: live.port)
        try client.sendHead(
            "PUT", live.target(request), headers: live.headers(request) + [("Transfer-Encoding", "chunked")])
        try client.send("6\r\nchunky\r\n0\r\n\r\n")
        let chunked = try client.readResponse()
        #expect(chunked.status == 411)
        #expect(Self.code(chunked) == "MissingContentLength")

        let other = try LocalRawClient(port: live.port)
        try other.sendHead("DELETE", "/local/s3/local-bucket/uploads/u1/x", headers: [("Host", Live.signedHost)])
        let delete = try other.readResponse()
        #expect(delete.status == 405)
        #expect(Self.code(delete) == "MethodNotAllowed")
        try other.sendHead(
            "OPTIONS", "/local/s3/local-bucket/uploads/u1/x",
            headers: [
                ("Host", Live.signedHost), ("Origin", "http://localhost:3000"),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "content-type,x-amz-checksum-sha256,if-none-match"),
            ])
        let preflight = try other.readResponse()
        #expect(preflight.status == 200)
        #expect(preflight.header("Access-Control-Allow-Origin") == "http://localhost:3000")
        #expect(preflight.header("Access-Control-Expose-Headers")?.contains("ETag") == true)
        #expect(live.objects.isEmpty)
        await live.stop()
    }

    @Test("two connections racing to create one key with If-None-Match: * : exactly one 200, one 412")
    func concurrentPuts() async throws {
        let live = try Live()
        let first = Array("first-body".utf8)
        let second = Array("other-body".utf8)
        let requestOne = try live.presign(key: "uploads/u1/race.txt", body: first)
        let requestTwo = try live.presign(key: "uploads/u1/race.txt", body: second)
        let one = try LocalRawClient(port: live.port)
        let two = try LocalRawClient(port: live.port)
        try one.sendHead("PUT", live.target(requestOne), headers: live.headers(requestOne))
        try two.sendHead("PUT", live.target(requestTwo), headers: live.headers(requestTwo))
        try one.send(Array(first[0..<5]))
        try two.send(Array(second[0..<5]))
        #expect(await localEventually { live.temporaryFiles.count == 2 }, "both passed the head check")
        try two.send(Array(second[5...]))
        try one.send(Array(first[5...]))
        let statuses = [try one.readResponse().status, try two.readResponse().status].sorted()
        #expect(statuses == [200, 412])
        let stored = FileManager.default.contents(atPath: live.directory.path + "/local-bucket/uploads/u1/race.txt")
        #expect(stored == Data(first) || stored == Data(second))
        #expect(live.temporaryFiles.isEmpty)
        await live.stop()
    }

    enum SocketAttack: String, CaseIterable, Sendable {
        case tamperedSignature, wrongContentType, wrongChecksum, expiredURL, missingSignedHeader
    }

    @Test(
        "over a socket, a tampered signature, wrong type, wrong checksum, expired URL or missing header is refused",
        arguments: SocketAttack.allCases)
    func attacksOverSocket(attack: SocketAttack) async throws {
        let live = try Live()
        var content = Array("attack body 0123456789".utf8)
        let request = try live.presign(key: "uploads/u1/attack.txt", body: content)
        var target = live.target(request)
        var headers = live.headers(request)
        let expected: (Int, String)
        switch attack {
        case .tamperedSignature:
            let last = target.removeLast()
            target.append(last == "a" ? "b" : "a")
            expected = (403, "SignatureDoesNotMatch")
        case .wrongContentType:
            headers.removeAll { $0.name == "Content-Type" }
            headers.append(("Content-Type", "text/html"))
            expected = (403, "SignatureDoesNotMatch")
        case .wrongChecksum:
            content[0] = UInt8(ascii: "A")
            expected = (400, "BadDigest")
        case .expiredURL:
            live.clock.advance(by: 301)
            expected = (403, "AccessDenied")
        case .missingSignedHeader:
            headers.removeAll { $0.name == "x-amz-checksum-sha256" }
            // S3 recomputes the signature with the header's value missing, so it does not match.
            expected = (403, "SignatureDoesNotMatch")
        }
        let client = try LocalRawClient(port: live.port)
        try client.sendHead("PUT", target, headers: headers)
        // A refused head closes the connection without reading the body; the send may then fail.
        try? client.send(content)
        let response = try client.readResponse()
        #expect(response.status == expected.0)
        #expect(Self.code(response) == expected.1, "\(response.text)")
        #expect(response.header("Content-Type") == "application/xml")
        #expect(response.text.contains("<RequestId>"))
        client.close()
        #expect(await localEventually { live.temporaryFiles.isEmpty })
        #expect(live.objects.isEmpty)
        await live.stop()
    }
}

private func clientDescriptor(_ client: LocalRawClient) -> Int32 { client.descriptor }
