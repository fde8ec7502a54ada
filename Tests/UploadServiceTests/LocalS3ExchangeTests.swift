import CryptoPrimitives
import Foundation
import Logging
import Synchronization
import Testing

@testable import UploadService

/// The PUT state machine driven directly (head, body pieces, end/abort), with the signature check
/// injected: the storage and S3 rules without sockets or signing.
@Suite("Local S3 receiver: PUT rules and storage, driven without sockets")
struct LocalS3ExchangeTests {
    struct Fixture {
        let directory = LocalTemporaryDirectory()
        let context: LocalS3PutExchange.Context

        init(maxUploadBytes: Int64 = 1024 * 1024, authenticate: @escaping S3Authenticator = { _, _ in nil }) throws {
            let store = try LocalObjectStore(layout: LocalDataLayout(root: directory.path), bucket: "local-bucket")
            context = LocalS3PutExchange.Context(
                store: store, pathPrefix: "/local/s3", maxUploadBytes: maxUploadBytes,
                cors: LocalS3CORS(baseURL: "http://127.0.0.1:8080"), authenticate: authenticate,
                now: LocalTestClock().function)
        }

        func exchange() -> LocalS3PutExchange { LocalS3PutExchange(context: context, requestID: "TESTREQUEST") }

        var objects: [String] { directory.files(under: "local-bucket") }
        var temporaryFiles: [String] { directory.files(under: ".secure-upload/tmp") }

        func content(_ key: String) -> [UInt8]? {
            FileManager.default.contents(atPath: directory.path + "/local-bucket/" + key).map { Array($0) }
        }
    }

    static func head(
        path: String = "/local/s3/local-bucket/uploads/u1/a.txt", length: Int?, headers: [(String, String)] = []
    ) -> S3RequestHead {
        var all: [(name: String, value: String)] = [("Host", "127.0.0.1:8080"), ("Content-Type", "text/plain")]
        if let length { all.append(("Content-Length", String(length))) }
        all += headers.map { (name: $0.0, value: $0.1) }
        return S3RequestHead(method: "PUT", rawPath: path, rawQuery: "X-Amz-Signature=00", headers: all)
    }

    static func checksum(_ bytes: [UInt8]) -> String { Data(SHA256.hash(bytes)).base64EncodedString() }

    /// Runs a whole PUT: head, the body in `pieces`, end.
    static func put(_ exchange: LocalS3PutExchange, _ head: S3RequestHead, body: [UInt8], pieces: Int = 3) -> S3Reply {
        if let refused = exchange.head(head) { return refused }
        let size = max(1, (body.count + pieces - 1) / pieces)
        var offset = 0
        while offset < body.count {
            let end = min(offset + size, body.count)
            let stop = body[offset..<end].withUnsafeBytes { exchange.body($0) }
            if let stop { return stop }
            offset = end
        }
        return exchange.end()
    }

    static func code(_ reply: S3Reply) -> String? {
        let text = String(decoding: reply.body, as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>") else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test("a good PUT stores the exact bytes and answers 200 with ETag and the checksum")
    func goodPut() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let body = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sum = Self.checksum(body)
        let reply = Self.put(
            fixture.exchange(),
            Self.head(length: body.count, headers: [("x-amz-checksum-sha256", sum), ("If-None-Match", "*")]),
            body: body)
        #expect(reply.status == 200)
        #expect(reply.header("ETag") == "\"" + Hex.encode(MD5.hash(body)) + "\"")
        #expect(reply.header("x-amz-checksum-sha256") == sum)
        #expect(reply.header("x-amz-request-id") == "TESTREQUEST")
        #expect(fixture.content("uploads/u1/a.txt") == body)
        #expect(fixture.temporaryFiles.isEmpty)
        let metadata = try #require(fixture.context.store.metadata(of: "uploads/u1/a.txt"))
        #expect(metadata.contentType == "text/plain")
        #expect(metadata.checksumSHA256 == sum)
        #expect(metadata.size == 100_000)
    }

    @Test("a Content-MD5 that matches the body is accepted, as S3 accepts it, alongside a SHA-256 checksum")
    func contentMD5() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let body = Array("checked twice\n".utf8)
        let md5 = Data(MD5.hash(body)).base64EncodedString()
        let reply = Self.put(
            fixture.exchange(),
            Self.head(
                length: body.count, headers: [("Content-MD5", md5), ("x-amz-checksum-sha256", Self.checksum(body))]),
            body: body)
        #expect(reply.status == 200)
        // S3's ETag for a single PUT is the hex MD5 that Content-MD5 carries in base64.
        #expect(reply.header("ETag") == "\"" + Hex.encode(Array(Data(base64Encoded: md5)!)) + "\"")
        #expect(fixture.content("uploads/u1/a.txt") == body)
    }

    @Test("a zero-byte PUT stores an empty object")
    func emptyPut() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let reply = Self.put(fixture.exchange(), Self.head(length: 0), body: [])
        #expect(reply.status == 200)
        #expect(fixture.content("uploads/u1/a.txt") == [])
    }

    @Test(
        "refusals carry S3's status and code and leave nothing in the bucket or tmp",
        arguments: [
            ("wrong checksum", 400, "BadDigest"),
            ("wrong Content-MD5", 400, "BadDigest"),
            ("malformed Content-MD5", 400, "InvalidDigest"),
            ("Content-MD5 of 32 bytes", 400, "InvalidDigest"),
            ("malformed checksum", 400, "InvalidRequest"),
            ("no Content-Length", 411, "MissingContentLength"),
            ("chunked", 411, "MissingContentLength"),
            ("aws-chunked", 400, "InvalidRequest"),
            ("too large", 400, "EntityTooLarge"),
            ("wrong bucket", 404, "NoSuchBucket"),
            ("dot-dot key", 400, "InvalidArgument"),
            ("If-None-Match etag", 501, "NotImplemented"),
            ("crc32 checksum", 501, "NotImplemented"),
            ("signature refused", 403, "SignatureDoesNotMatch"),
            ("GET", 405, "MethodNotAllowed"),
        ])
    func refusals(name: String, status: Int, code: String) throws {
        let fixture = try Fixture(maxUploadBytes: 1000) { head, _ in
            head.header("x-test-refuse") != nil
                ? S3Error(status: 403, code: "SignatureDoesNotMatch", message: "no") : nil
        }
        defer { fixture.directory.remove() }
        let body = Array(repeating: UInt8(ascii: "x"), count: 500)
        var head = Self.head(length: body.count)
        switch name {
        case "wrong checksum": head.headers.append(("x-amz-checksum-sha256", Self.checksum(Array("other".utf8))))
        case "wrong Content-MD5":
            head.headers.append(("Content-MD5", Data(MD5.hash(Array("other".utf8))).base64EncodedString()))
        case "malformed Content-MD5": head.headers.append(("Content-MD5", "not base64!"))
        case "Content-MD5 of 32 bytes": head.headers.append(("Content-MD5", Self.checksum(body)))
        case "malformed checksum": head.headers.append(("x-amz-checksum-sha256", "bm90IDMyIGJ5dGVz"))
        case "no Content-Length": head = Self.head(length: nil)
        case "chunked": head = Self.head(length: nil, headers: [("Transfer-Encoding", "chunked")])
        case "aws-chunked": head.headers.append(("Content-Encoding", "aws-chunked"))
        case "too large": head = Self.head(length: 1001)
        case "wrong bucket": head = Self.head(path: "/local/s3/other-bucket/uploads/a.txt", length: body.count)
        case "dot-dot key": head = Self.head(path: "/local/s3/local-bucket/uploads/../../x", length: body.count)
        case "If-None-Match etag": head.headers.append(("If-None-Match", "\"abc\""))
        case "crc32 checksum": head.headers.append(("x-amz-checksum-crc32", "AAAAAA=="))
        case "signature refused": head.headers.append(("x-test-refuse", "1"))
        case "GET": head.method = "GET"
        default: Issue.record("unknown case \(name)")
        }
        let reply = Self.put(fixture.exchange(), head, body: body)
        #expect(reply.status == status)
        #expect(Self.code(reply) == code)
        #expect(reply.header("Content-Type") == "application/xml")
        #expect(String(decoding: reply.body, as: UTF8.self).hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(fixture.objects.isEmpty)
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("a body shorter than Content-Length is IncompleteBody; a longer one is refused mid-stream")
    func lengthMismatch() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let short = fixture.exchange()
        #expect(short.head(Self.head(length: 10)) == nil)
        #expect([UInt8](repeating: 1, count: 5).withUnsafeBytes { short.body($0) } == nil)
        let incomplete = short.end()
        #expect(incomplete.status == 400)
        #expect(Self.code(incomplete) == "IncompleteBody")

        let long = fixture.exchange()
        #expect(long.head(Self.head(length: 10)) == nil)
        let stop = [UInt8](repeating: 1, count: 11).withUnsafeBytes { long.body($0) }
        #expect(stop?.status == 400)
        #expect(fixture.objects.isEmpty)
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("an upload aborted mid-body (client gone) leaves no object and no temporary file")
    func abortMidBody() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let exchange = fixture.exchange()
        #expect(exchange.head(Self.head(length: 1000)) == nil)
        #expect([UInt8](repeating: 7, count: 400).withUnsafeBytes { exchange.body($0) } == nil)
        #expect(fixture.temporaryFiles.count == 1, "the body streams into a temporary file")
        exchange.abort()
        #expect(fixture.objects.isEmpty)
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("If-None-Match: * refuses a second PUT of an existing key with 412 and keeps the first object")
    func noOverwriteAtHead() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let first = Self.put(
            fixture.exchange(), Self.head(length: 5, headers: [("If-None-Match", "*")]), body: Array("first".utf8))
        #expect(first.status == 200)
        let second = Self.put(
            fixture.exchange(), Self.head(length: 6, headers: [("If-None-Match", "*")]), body: Array("second".utf8))
        #expect(second.status == 412)
        #expect(Self.code(second) == "PreconditionFailed")
        #expect(String(decoding: second.body, as: UTF8.self).contains("<Condition>If-None-Match</Condition>"))
        #expect(fixture.content("uploads/u1/a.txt") == Array("first".utf8))
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("two interleaved PUTs of one key with If-None-Match: * both pass the head check; exactly one wins at commit")
    func concurrentNoOverwrite() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let one = fixture.exchange()
        let two = fixture.exchange()
        #expect(one.head(Self.head(length: 3, headers: [("If-None-Match", "*")])) == nil)
        #expect(two.head(Self.head(length: 3, headers: [("If-None-Match", "*")])) == nil)
        #expect(Array("one".utf8).withUnsafeBytes { one.body($0) } == nil)
        #expect(Array("two".utf8).withUnsafeBytes { two.body($0) } == nil)
        let replies = [two.end(), one.end()]
        #expect(replies.map(\.status) == [200, 412])
        #expect(fixture.content("uploads/u1/a.txt") == Array("two".utf8))
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("many threads racing to create one key with If-None-Match: * produce exactly one winner")
    func threadedNoOverwrite() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let context = fixture.context
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let body = Array(String(format: "%04d", index).utf8)
                    let exchange = LocalS3PutExchange(context: context)
                    return Self.put(exchange, Self.head(length: 4, headers: [("If-None-Match", "*")]), body: body)
                        .status
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 412 }.count == 15)
        #expect(fixture.objects == ["uploads/u1/a.txt"])
        #expect(fixture.temporaryFiles.isEmpty)
    }

    @Test("without If-None-Match a PUT replaces the object atomically")
    func overwriteWithoutCondition() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        #expect(Self.put(fixture.exchange(), Self.head(length: 3), body: Array("old".utf8)).status == 200)
        #expect(Self.put(fixture.exchange(), Self.head(length: 3), body: Array("new".utf8)).status == 200)
        #expect(fixture.content("uploads/u1/a.txt") == Array("new".utf8))
    }

    @Test("answers carry CORS headers for loopback origins and the server's own, never for others")
    func corsOnPut() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        for (origin, allowed) in [
            ("http://localhost:5173", true), ("http://127.0.0.1:8080", true), ("https://[::1]", true),
            ("https://evil.example", false), ("http://localhost.evil.example", false), ("null", false),
        ] {
            let reply = Self.put(fixture.exchange(), Self.head(length: 1, headers: [("Origin", origin)]), body: [1])
            #expect(reply.status == 200)
            #expect((reply.header("Access-Control-Allow-Origin") == origin) == allowed, "\(origin)")
            #expect((reply.header("Access-Control-Expose-Headers")?.contains("ETag") ?? false) == allowed)
        }
    }

    @Test("preflights allow PUT with x-amz-* headers from loopback origins and refuse others with 403")
    func preflight() {
        let cors = LocalS3CORS(baseURL: "http://127.0.0.1:8080/")
        func ask(_ origin: String, _ method: String, _ headers: String) -> S3Reply {
            cors.preflight(
                S3RequestHead(
                    method: "OPTIONS", rawPath: "/local/s3/local-bucket/k", rawQuery: nil,
                    headers: [
                        ("Origin", origin), ("Access-Control-Request-Method", method),
                        ("Access-Control-Request-Headers", headers),
                    ]), requestID: "R")
        }
        let allowed = ask("http://localhost:3000", "PUT", "content-type, x-amz-checksum-sha256,if-none-match")
        #expect(allowed.status == 200)
        #expect(allowed.header("Access-Control-Allow-Origin") == "http://localhost:3000")
        #expect(allowed.header("Access-Control-Allow-Headers") == "content-type, x-amz-checksum-sha256, if-none-match")
        #expect(allowed.header("Access-Control-Allow-Methods")?.contains("PUT") == true)
        #expect(allowed.header("Access-Control-Expose-Headers")?.contains("ETag") == true)
        for refused in [
            ask("https://evil.example", "PUT", "content-type"), ask("http://localhost:3000", "DELETE", ""),
            ask("http://localhost:3000", "PUT", "authorization"),
        ] {
            #expect(refused.status == 403)
            #expect(Self.code(refused) == "AccessForbidden")
            #expect(refused.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test("an internal failure answers a bare InternalError and logs its cause with the request id")
    func internalFailureIsLoggedNotSent() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let store = LocalCapturingLogHandler.Store()
        var context = fixture.context
        context.logger = Logger(label: "local-test") { _ in LocalCapturingLogHandler(store: store) }
        // The temporary folder vanishes under the running server: the upload cannot start.
        try FileManager.default.removeItem(atPath: fixture.directory.path + "/.secure-upload/tmp")
        let reply = Self.put(
            LocalS3PutExchange(context: context, requestID: "REQ500"), Self.head(length: 3), body: [1, 2, 3])
        #expect(reply.status == 500)
        #expect(Self.code(reply) == "InternalError")
        let text = String(decoding: reply.body, as: UTF8.self)
        #expect(!text.contains(".secure-upload") && !text.contains("errno"), "no path or errno reaches the client")
        let lines = store.lines.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("request_id=REQ500") == true)
        #expect(lines.first?.contains("No such file or directory") == true)
        #expect(fixture.objects.isEmpty)
    }
}
