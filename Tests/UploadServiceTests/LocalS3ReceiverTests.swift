import CryptoPrimitives
import Foundation
import SigV4
import Testing

@testable import UploadService

/// URLs signed by SigV4's S3Presigner against the receiver's endpoint, checked by the receiver
/// with SigV4's PresignedRequestVerifier: what S3 would accept and refuse.
@Suite("Local S3 receiver: pre-signed PUTs checked as S3 checks them")
struct LocalS3ReceiverTests {
    struct Fixture {
        let directory = LocalTemporaryDirectory()
        let clock = LocalTestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let receiver: LocalS3Receiver
        let credentials: AWSCredentials
        let presigner: S3Presigner

        init() throws {
            let configuration = localConfiguration(dataDirectory: directory.path)
            credentials = try LocalS3Receiver.loadOrCreateCredentials(dataDirectory: directory.path)
            receiver = try LocalS3Receiver(configuration: configuration, credentials: credentials, now: clock.function)
            presigner = S3Presigner(
                location: S3Location(
                    bucket: receiver.bucket, region: "eu-west-1", endpoint: receiver.endpoint, forcePathStyle: true))
        }

        func presign(
            key: String = "uploads/u1/report 2026.pdf", body: [UInt8], contentType: String = "application/pdf",
            checksum: Bool = true, noOverwrite: Bool = true, expiresIn: Int = 300, credentials: AWSCredentials? = nil
        ) throws -> PresignedRequest {
            var headers = [("Content-Type", contentType), ("Content-Length", String(body.count))]
            if checksum { headers.append(("x-amz-checksum-sha256", Data(SHA256.hash(body)).base64EncodedString())) }
            if noOverwrite { headers.append(("If-None-Match", "*")) }
            return try presigner.presign(
                method: "PUT", key: key, headers: headers, expiresIn: expiresIn,
                credentials: credentials ?? self.credentials, now: clock.now)
        }

        /// Sends `body` to `request`'s URL with its headers, changed by `edit`, through the
        /// streaming state machine.
        func send(
            _ request: PresignedRequest, body: [UInt8],
            edit: (inout [(name: String, value: String)]) -> Void = { _ in },
            url: String? = nil
        ) -> S3Reply {
            let target = url ?? request.url
            let afterScheme = target.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            let host = String(afterScheme[2])
            let pathAndQuery = "/" + afterScheme[3]
            let parts = pathAndQuery.split(separator: "?", maxSplits: 1)
            var headers: [(name: String, value: String)] = [("Host", host)] + request.headers
            edit(&headers)
            let head = S3RequestHead(
                method: request.method, rawPath: String(parts[0]), rawQuery: parts.count > 1 ? String(parts[1]) : nil,
                headers: headers)
            return LocalS3ExchangeTests.put(receiver.makeExchange(), head, body: body)
        }

        /// The head of a request to `url` with `headers`, as the server would hand it over.
        func head(method: String, url: String, headers: [(name: String, value: String)]) -> S3RequestHead {
            let pieces = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            let parts = ("/" + pieces[3]).split(separator: "?", maxSplits: 1)
            return S3RequestHead(
                method: method, rawPath: String(parts[0]), rawQuery: parts.count > 1 ? String(parts[1]) : nil,
                headers: [("Host", String(pieces[2]))] + headers)
        }

        var objects: [String] { directory.files(under: "local-bucket") }
        var temporaryFiles: [String] { directory.files(under: ".secure-upload/tmp") }
    }

    static let body =
        Array("%PDF-1.7 local receiver test body\n".utf8) + (0..<5000).map { UInt8(truncatingIfNeeded: $0) }

    @Test("the endpoint is <base>/local/s3 and a signed PUT stores the exact bytes under the bucket folder")
    func goodPut() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        #expect(fixture.receiver.endpoint == "http://127.0.0.1:8080/local/s3")
        let request = try fixture.presign(body: Self.body)
        #expect(request.url.hasPrefix("http://127.0.0.1:8080/local/s3/local-bucket/uploads/u1/report%202026.pdf?"))
        let reply = fixture.send(request, body: Self.body)
        #expect(reply.status == 200)
        #expect(reply.header("ETag")?.count == 34)
        #expect(fixture.objects == ["uploads/u1/report 2026.pdf"])
        let stored = FileManager.default.contents(
            atPath: fixture.directory.path + "/local-bucket/uploads/u1/report 2026.pdf")
        #expect(stored == Data(Self.body))
        #expect(fixture.temporaryFiles.isEmpty)
    }

    enum Attack: String, CaseIterable, Sendable {
        case tamperedSignature, tamperedKey, wrongContentType, shorterContentLength, longerContentLength
        case wrongChecksumBody, expired, missingSignedChecksum, missingSignedContentType, unsignedAmzHeader
        case foreignCredentials, sessionTokenAdded
    }

    @Test("tampered or mismatched requests get S3's status and code and store nothing", arguments: Attack.allCases)
    func refusesAttacks(attack: Attack) throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        var body = Self.body
        var request = try fixture.presign(body: body)
        var url = request.url
        var edit: (inout [(name: String, value: String)]) -> Void = { _ in }
        let expected: (status: Int, codes: Set<String>)
        func replace(_ name: String, with value: String?) -> (inout [(name: String, value: String)]) -> Void {
            { headers in
                headers.removeAll { $0.name.lowercased() == name.lowercased() }
                if let value { headers.append((name, value)) }
            }
        }
        switch attack {
        case .tamperedSignature:
            let last = url.removeLast()
            url.append(last == "0" ? "1" : "0")
            expected = (403, ["SignatureDoesNotMatch"])
        case .tamperedKey:
            url = url.replacingOccurrences(of: "/uploads/u1/", with: "/uploads/u2/")
            expected = (403, ["SignatureDoesNotMatch"])
        case .wrongContentType:
            edit = replace("Content-Type", with: "text/html")
            expected = (403, ["SignatureDoesNotMatch"])
        case .shorterContentLength:
            body = Array(body.dropLast())
            edit = replace("Content-Length", with: String(body.count))
            expected = (403, ["SignatureDoesNotMatch"])
        case .longerContentLength:
            body += [0]
            edit = replace("Content-Length", with: String(body.count))
            expected = (403, ["SignatureDoesNotMatch"])
        case .wrongChecksumBody:
            // Same length, different bytes: the signature holds, the checksum does not.
            body[0] ^= 0xFF
            expected = (400, ["BadDigest"])
        case .expired:
            fixture.clock.advance(by: 301)
            expected = (403, ["AccessDenied"])
        case .missingSignedChecksum:
            edit = replace("x-amz-checksum-sha256", with: nil)
            expected = (403, ["AccessDenied", "SignatureDoesNotMatch"])
        case .missingSignedContentType:
            edit = replace("Content-Type", with: nil)
            expected = (403, ["AccessDenied", "SignatureDoesNotMatch"])
        case .unsignedAmzHeader:
            edit = replace("x-amz-meta-owner", with: "mallory")
            expected = (403, ["AccessDenied"])
        case .foreignCredentials:
            request = try fixture.presign(
                body: body, credentials: AWSCredentials(accessKeyID: "AKIAFOREIGN0EXAMPLE0", secretAccessKey: "x"))
            url = request.url
            expected = (403, ["InvalidAccessKeyId"])
        case .sessionTokenAdded:
            request = try fixture.presign(
                body: body,
                credentials: AWSCredentials(
                    accessKeyID: fixture.credentials.accessKeyID, secretAccessKey: fixture.credentials.secretAccessKey,
                    sessionToken: "forged-session"))
            url = request.url
            expected = (400, ["InvalidToken"])
        }
        let reply = fixture.send(request, body: body, edit: edit, url: url)
        #expect(reply.status == expected.status)
        #expect(
            expected.codes.contains(LocalS3ExchangeTests.code(reply) ?? "none"),
            "\(LocalS3ExchangeTests.code(reply) ?? "none")")
        #expect(reply.header("Content-Type") == "application/xml")
        #expect(fixture.objects.isEmpty)
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("a second signed PUT of the same key with If-None-Match: * gets 412 PreconditionFailed")
    func secondPutOfSameKey() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let request = try fixture.presign(body: Self.body)
        #expect(fixture.send(request, body: Self.body).status == 200)
        let again = fixture.send(request, body: Self.body)
        #expect(again.status == 412)
        #expect(LocalS3ExchangeTests.code(again) == "PreconditionFailed")
        #expect(fixture.objects.count == 1)
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("local credentials survive a restart, so URLs signed before it still verify after it")
    func credentialsSurviveRestart() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let request = try fixture.presign(body: Self.body)
        let again = try LocalS3Receiver.loadOrCreateCredentials(dataDirectory: fixture.directory.path)
        #expect(again == fixture.credentials)
        let restarted = try LocalS3Receiver(
            configuration: localConfiguration(dataDirectory: fixture.directory.path), credentials: again,
            now: fixture.clock.function)
        let parts = request.url.split(separator: "?", maxSplits: 1)
        let head = S3RequestHead(
            method: "PUT", rawPath: String(parts[0].dropFirst("http://127.0.0.1:8080".count)),
            rawQuery: String(parts[1]),
            headers: [("Host", "127.0.0.1:8080")] + request.headers)
        #expect(LocalS3ExchangeTests.put(restarted.makeExchange(), head, body: Self.body).status == 200)
    }

    @Test("pre-signed GET and HEAD return the stored object; other URLs, unsigned reads and missing keys are refused")
    func presignedReads() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let key = "uploads/u1/report 2026.pdf"
        let put = try fixture.presign(key: key, body: Self.body)
        let stored = fixture.send(put, body: Self.body)
        #expect(stored.status == 200)

        // x-amz-* headers of a pre-signed request must be signed, so the checksum mode is.
        let get = try fixture.presigner.presign(
            method: "GET", key: key, headers: [("x-amz-checksum-mode", "ENABLED")], expiresIn: 60,
            credentials: fixture.credentials, now: fixture.clock.now)
        let read = fixture.receiver.reader.answer(fixture.head(method: "GET", url: get.url, headers: get.headers))
        #expect(read.status == 200)
        #expect(read.body.count == Self.body.count)
        #expect(read.body == Self.body, "the stored bytes come back unchanged")
        #expect(read.header("Content-Type") == "application/pdf")
        #expect(read.header("ETag") == stored.header("ETag"))
        #expect(read.header("x-amz-checksum-sha256") == Data(SHA256.hash(Self.body)).base64EncodedString())
        #expect(read.header("Last-Modified")?.hasSuffix(" GMT") == true)

        let headURL = try fixture.presigner.presign(
            method: "HEAD", key: key, headers: [], expiresIn: 60, credentials: fixture.credentials,
            now: fixture.clock.now)
        #expect(
            fixture.receiver.reader.answer(fixture.head(method: "HEAD", url: headURL.url, headers: [])).status == 200)

        // A URL signed for GET does not read with HEAD, nor a PUT URL with GET.
        let wrongMethod = fixture.receiver.reader.answer(
            fixture.head(method: "HEAD", url: get.url, headers: get.headers))
        #expect(wrongMethod.status == 403)
        #expect(LocalS3ExchangeTests.code(wrongMethod) == "SignatureDoesNotMatch")
        let putURL = fixture.receiver.reader.answer(fixture.head(method: "GET", url: put.url, headers: []))
        #expect(putURL.status == 403)

        let unsigned = fixture.receiver.reader.answer(
            fixture.head(method: "GET", url: "http://127.0.0.1:8080/local/s3/local-bucket/uploads/u1/x", headers: []))
        #expect(unsigned.status == 403 || unsigned.status == 400)
        #expect(unsigned.body.count > 0 && !String(decoding: unsigned.body, as: UTF8.self).contains("%PDF"))

        let missing = try fixture.presigner.presign(
            method: "GET", key: "uploads/u1/none", headers: [], expiresIn: 60, credentials: fixture.credentials,
            now: fixture.clock.now)
        let notFound = fixture.receiver.reader.answer(fixture.head(method: "GET", url: missing.url, headers: []))
        #expect(notFound.status == 404)
        #expect(LocalS3ExchangeTests.code(notFound) == "NoSuchKey")

        fixture.clock.advance(by: 61)
        let expired = fixture.receiver.reader.answer(fixture.head(method: "GET", url: get.url, headers: get.headers))
        #expect(expired.status == 403)
        #expect(LocalS3ExchangeTests.code(expired) == "AccessDenied")
    }
}
