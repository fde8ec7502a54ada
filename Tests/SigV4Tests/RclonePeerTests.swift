import Foundation
import SigV4
import Testing

/// `rclone serve s3` checks SigV4 pre-signed URLs (signature, signed headers, host, expiry); it does
/// not check the credential scope's region, X-Amz-Expires over a week, or x-amz-checksum-sha256
/// against the body, and answers 400 (not 403) for an expired URL.
@Suite("rclone serve s3 accepts SecureUpload's pre-signed PUTs and refuses altered ones", .serialized)
struct RclonePeerTests {
    static let credentials = AWSCredentials(
        accessKeyID: RcloneServer.accessKey, secretAccessKey: RcloneServer.secretKey)

    /// Keys rclone's folder backend can store verbatim: no empty, `.` or `..` segment, segments
    /// under the file-name limit.
    static func storableKeys() -> [String] {
        PresignCorpus.keys(count: 300).filter { key in
            let segments = key.split(separator: "/", omittingEmptySubsequences: false)
            return segments.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && $0.utf8.count <= 200 }
        }
    }

    @Test("PUTs for 60 generated keys are accepted and store the exact bytes")
    func acceptsAndStoresExactBytes() throws {
        let server = try RcloneServer()
        defer { server.stop() }
        let presigner = S3Presigner(
            location: S3Location(bucket: server.bucket, region: "us-east-1", endpoint: server.endpoint))
        var generator = SplitMix64(seed: 11)
        let keys = Array(Self.storableKeys().prefix(60))
        try #require(keys.count == 60)
        for (index, generatedKey) in keys.enumerated() {
            let key = "k\(index)/" + generatedKey
            let body = (0..<Int.random(in: 0...3000, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            var headers: [(String, String)] = [
                ("Content-Type", ["application/pdf", "text/plain; charset=utf-8", "image/png"][index % 3]),
                ("Content-Length", String(body.count)),
            ]
            if index % 2 == 0 {
                headers.append(("x-amz-checksum-sha256", Data(SHA256Digest.of(body)).base64EncodedString()))
            }
            if index % 5 == 0 { headers.append(("x-amz-meta-owner", "user \(index)")) }
            let presigned = try presigner.presign(
                method: "PUT", key: key, headers: headers, expiresIn: 300, credentials: Self.credentials, now: Date())
            let result = try curlPut(
                url: presigned.url, headers: presigned.headers.map { ($0.name, $0.value) }, body: body,
                scratch: server.root)
            #expect(result.status == 200, "key \(key.debugDescription): \(result.status) \(result.body)")
            let stored = try? Data(contentsOf: server.file(forKey: key))
            #expect(stored == Data(body), "key \(key.debugDescription) stored other bytes")
        }
    }

    @Test("a tampered signature, another Content-Type, another length and an expired URL are refused")
    func refusesAlteredRequests() throws {
        let server = try RcloneServer()
        defer { server.stop() }
        let presigner = S3Presigner(
            location: S3Location(bucket: server.bucket, region: "us-east-1", endpoint: server.endpoint))
        let body = Array("twelve bytes".utf8)
        let headers = [("Content-Type", "application/pdf"), ("Content-Length", String(body.count))]
        func presign(_ key: String, now: Date = Date(), expiresIn: Int = 300) throws -> PresignedRequest {
            try presigner.presign(
                method: "PUT", key: key, headers: headers, expiresIn: expiresIn, credentials: Self.credentials, now: now
            )
        }
        func put(_ url: String, _ headers: [(String, String)], _ body: [UInt8]) throws -> CurlResult {
            try curlPut(url: url, headers: headers, body: body, scratch: server.root)
        }

        let valid = try presign("refuse/valid.pdf")
        #expect(try put(valid.url, headers, body).status == 200)

        let tamperedKey = "refuse/tampered sig.pdf"
        var tampered = try presign(tamperedKey).url
        let last = tampered.removeLast()
        tampered.append(last == "0" ? "1" : "0")
        let tamperedResult = try put(tampered, headers, body)
        #expect(tamperedResult.status == 403)
        #expect(tamperedResult.s3Code == "SignatureDoesNotMatch")

        let typeKey = "refuse/other type.pdf"
        let otherType = try put(try presign(typeKey).url, [("Content-Type", "text/html"), headers[1]], body)
        #expect(otherType.status == 403)
        #expect(otherType.s3Code == "SignatureDoesNotMatch")

        let lengthKey = "refuse/other length.pdf"
        let longer = body + [0x21]
        let otherLength = try put(
            try presign(lengthKey).url, [headers[0], ("Content-Length", String(longer.count))], longer)
        #expect(otherLength.status == 403)

        let expiredKey = "refuse/expired.pdf"
        let expired = try presign(expiredKey, now: Date().addingTimeInterval(-3600), expiresIn: 60)
        let expiredResult = try put(expired.url, headers, body)
        #expect(expiredResult.status == 400)  // rclone's answer; AWS S3 says 403 "Request has expired"
        #expect(expiredResult.s3Code == "AccessDenied")

        for key in [tamperedKey, typeKey, lengthKey, expiredKey] {
            #expect(!FileManager.default.fileExists(atPath: server.file(forKey: key).path), "\(key) was stored")
        }
        #expect((try? Data(contentsOf: server.file(forKey: "refuse/valid.pdf"))) == Data(body))
    }
}
