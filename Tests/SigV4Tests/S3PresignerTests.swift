import Foundation
import Testing

@testable import SigV4

@Suite("S3Presigner: URL shape, encoding, limits")
struct S3PresignerTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret")
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    func presign(
        _ location: S3Location = S3Location(bucket: "uploads", region: "eu-west-1"), method: String = "PUT",
        key: String = "a.txt", headers: [(String, String)] = [], query: [(String, String)] = [], expiresIn: Int = 300
    ) throws(SigV4Error) -> PresignedRequest {
        try S3Presigner(location: location).presign(
            method: method, key: key, headers: headers, query: query, expiresIn: expiresIn,
            credentials: Self.credentials, now: Self.now)
    }

    @Test(
        "addressing: regional virtual-hosted by default, path-style for dots, forced, or custom endpoints",
        arguments: [
            (S3Location(bucket: "uploads", region: "eu-west-1"), "https://uploads.s3.eu-west-1.amazonaws.com/k"),
            (S3Location(bucket: "uploads", region: "us-east-1"), "https://uploads.s3.us-east-1.amazonaws.com/k"),
            (S3Location(bucket: "my.bucket", region: "eu-west-1"), "https://s3.eu-west-1.amazonaws.com/my.bucket/k"),
            (
                S3Location(bucket: "uploads", region: "eu-west-1", forcePathStyle: true),
                "https://s3.eu-west-1.amazonaws.com/uploads/k"
            ),
            (S3Location(bucket: "uploads", region: "cn-north-1"), "https://uploads.s3.cn-north-1.amazonaws.com.cn/k"),
            (
                S3Location(bucket: "uploads", region: "us-east-1", endpoint: "http://127.0.0.1:9000"),
                "http://127.0.0.1:9000/uploads/k"
            ),
            (
                S3Location(bucket: "uploads", region: "us-east-1", endpoint: "HTTP://LocalHost:80/"),
                "http://localhost/uploads/k"
            ),
            (
                S3Location(bucket: "uploads", region: "us-east-1", endpoint: "https://minio.test:443"),
                "https://minio.test/uploads/k"
            ),
            (
                S3Location(bucket: "uploads", region: "us-east-1", endpoint: "http://127.0.0.1:8080/local/s3/"),
                "http://127.0.0.1:8080/local/s3/uploads/k"
            ),
        ])
    func addressing(location: S3Location, prefix: String) throws {
        #expect(location.problem == nil)
        let url = try presign(location, key: "k").url
        #expect(url.hasPrefix(prefix + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
    }

    @Test(
        "the key is encoded once over UTF-8, uppercase hex, '/' kept, never normalised",
        arguments: [
            ("report 2026.pdf", "/report%202026.pdf"), ("a+b=c&d?e#f", "/a%2Bb%3Dc%26d%3Fe%23f"),
            ("!'()*", "/%21%27%28%29%2A"), ("100%", "/100%25"), ("%20", "/%2520"), ("~user/-._", "/~user/-._"),
            ("ü/日本/😀", "/%C3%BC/%E6%97%A5%E6%9C%AC/%F0%9F%98%80"), ("./a/../b//c/", "/./a/../b//c/"),
            ("$file", "/%24file"), ("a\u{00A0}b", "/a%C2%A0b"),
        ])
    func keyEncoding(key: String, path: String) throws {
        let url = try presign(key: key).url
        #expect(url.hasPrefix("https://uploads.s3.eu-west-1.amazonaws.com\(path)?"))
    }

    @Test("an access key id with '+' or '/' is encoded in X-Amz-Credential (noobaa/noobaa-core#7931)")
    func credentialEncoding() throws {
        let presigned = try S3Presigner(location: S3Location(bucket: "uploads", region: "eu-west-1")).presign(
            method: "GET", key: "a", headers: [], expiresIn: 60,
            credentials: AWSCredentials(accessKeyID: "AK+IA/X=", secretAccessKey: "s"), now: Self.now)
        #expect(presigned.url.contains("X-Amz-Credential=AK%2BIA%2FX%3D%2F20261118%2Feu-west-1%2Fs3%2Faws4_request&"))
    }

    @Test("only host is signed when no header is asked for, and no checksum is added")
    func nothingAdded() throws {
        let presigned = try presign()
        #expect(presigned.url.contains("&X-Amz-SignedHeaders=host&"))
        #expect(!presigned.url.lowercased().contains("checksum"))
        #expect(!presigned.url.contains("X-Amz-Security-Token"))
        #expect(presigned.headers.isEmpty)
    }

    @Test("asked-for headers are signed (sorted, lowercase) and returned as the client must send them")
    func signedHeaders() throws {
        let presigned = try presign(headers: [
            ("Content-Type", " application/pdf "), ("Content-Length", "48213"),
            ("x-amz-checksum-sha256", "q83vEjRWeJA="),
            ("If-None-Match", "*"), ("x-amz-meta-owner", "user  one"),
        ])
        #expect(
            presigned.url.contains(
                "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bif-none-match%3Bx-amz-checksum-sha256%3Bx-amz-meta-owner&"
            ))
        #expect(
            presigned.headers.map(\.name) == [
                "Content-Type", "Content-Length", "x-amz-checksum-sha256", "If-None-Match", "x-amz-meta-owner",
            ])
        #expect(presigned.headers.map(\.value) == ["application/pdf", "48213", "q83vEjRWeJA=", "*", "user one"])
    }

    @Test("operation parameters come first in the URL, in the caller's order, and are signed")
    func operationParameters() throws {
        let url = try presign(query: [("partNumber", "7"), ("uploadId", "a/b+c=")]).url
        #expect(url.contains("/a.txt?partNumber=7&uploadId=a%2Fb%2Bc%3D&X-Amz-Algorithm="))
        let other = try presign(query: [("partNumber", "8"), ("uploadId", "a/b+c=")]).url
        #expect(url.suffix(64) != other.suffix(64))
    }

    @Test("X-Amz-Expires must be 1…604800", arguments: [0, -1, 604_801, Int.max])
    func expiryRange(seconds: Int) {
        #expect(throws: SigV4Error.self) { try presign(expiresIn: seconds) }
    }

    @Test("the longest and shortest expiries are accepted; expiresAt counts from X-Amz-Date")
    func expiryBounds() throws {
        let week = try presign(expiresIn: 604_800)
        #expect(week.expiresIn == 604_800)
        #expect(week.expiresAt == Self.now.addingTimeInterval(604_800))
        #expect(try presign(expiresIn: 1).url.contains("X-Amz-Expires=1&"))
        let fractional = try S3Presigner(location: S3Location(bucket: "uploads", region: "eu-west-1")).presign(
            method: "PUT", key: "a", headers: [], expiresIn: 60, credentials: Self.credentials,
            now: Self.now.addingTimeInterval(0.9))
        #expect(fractional.expiresAt == Self.now.addingTimeInterval(60))
        #expect(fractional.url.contains("X-Amz-Date=20261118T110640Z&"))
    }

    @Test(
        "headers SigV4 or HTTP set, duplicates, bad names and control characters are refused",
        arguments: [
            [("Host", "evil")], [("Authorization", "x")], [("X-Amz-Date", "x")], [("x-amz-security-token", "t")],
            [("Transfer-Encoding", "chunked")], [("Content-Type", "a"), ("content-type", "b")], [("Bad Name", "x")],
            [("", "x")], [("X-Header", "a\r\nInjected: yes")], [("X-Header", "a\u{0}")],
        ] as [[(String, String)]])
    func refusedHeaders(headers: [(String, String)]) {
        #expect(throws: SigV4Error.self) { try presign(headers: headers) }
    }

    @Test("the presigner's literal constants are SigV4's own")
    func literalConstants() {
        #expect(S3Presigner.unsignedPayload.description == CanonicalRequest.unsignedPayload)
        #expect(S3Presigner.algorithmValue.description == StringToSign.algorithm)
    }

    @Test("header names: exactly RFC 9110's tchar is accepted, and names are lowered as lowercased() lowers them")
    func headerNameCharacters() throws {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for value in 0...255 {
            let name = "X-" + String(decoding: [UInt8(value)], as: UTF8.self) + "-Name"
            let accepted = (try? S3Presigner.checkedHeaderName(name)) != nil
            #expect(accepted == tchar.contains(UInt8(value)), "byte \(value)")
        }
        var generator = SystemRandomNumberGenerator()
        let letters = Array("aAbBzZ-_~09x-Amz-Meta-Content-Type".unicodeScalars)
        for _ in 0..<500 {
            // "Meta-" keeps clear of the reserved names (te, host, ...).
            let name =
                "Meta-"
                + String(
                    String.UnicodeScalarView(
                        (0..<Int.random(in: 1...24, using: &generator)).map { _ in
                            letters.randomElement(using: &generator)!
                        }))
            #expect(try S3Presigner.checkedHeaderName(name) == name.lowercased())
        }
    }

    @Test(
        "auth parameters cannot be smuggled in the query, and duplicates are refused",
        arguments: [
            [("X-Amz-Signature", "x")], [("x-amz-credential", "x")], [("X-Amz-Security-Token", "x")],
            [("X-Amz-Expires", "9")], [("a", "1"), ("a", "2")], [("", "x")],
        ] as [[(String, String)]])
    func refusedQuery(query: [(String, String)]) {
        #expect(throws: SigV4Error.self) { try presign(query: query) }
    }

    @Test("keys must be 1…1024 bytes; methods uppercase; locations valid")
    func otherRefusals() throws {
        #expect(throws: SigV4Error.self) { try presign(key: "") }
        #expect(throws: SigV4Error.self) { try presign(key: String(repeating: "é", count: 513)) }
        #expect(try presign(key: String(repeating: "a", count: 1024)).url.count > 1024)
        #expect(throws: SigV4Error.self) { try presign(method: "put") }
        for bad in [
            S3Location(bucket: "Uploads", region: "eu-west-1"), S3Location(bucket: "ab", region: "eu-west-1"),
            S3Location(bucket: "uploads", region: "EU_WEST"), S3Location(bucket: "u", region: "x", endpoint: "ftp://h"),
            S3Location(bucket: "u", region: "x", endpoint: "http://h/path?query"),
            S3Location(bucket: "u", region: "x", endpoint: "http://h/a b"),
            S3Location(bucket: "u", region: "x", endpoint: "http://user@h"),
            S3Location(bucket: "u", region: "x", endpoint: "http://h:99999"),
            S3Location(bucket: "a/b", region: "x", endpoint: "http://h"),
        ] {
            #expect(bad.problem != nil)
            #expect(throws: SigV4Error.self) { try bad.validate() }
            #expect(throws: SigV4Error.self) { try presign(bad) }
        }
    }

    @Test("the signing key is derived once per day and cached")
    func keyCache() throws {
        let cache = SigningKeyCache(capacity: 2)
        let presigner = S3Presigner(location: S3Location(bucket: "uploads", region: "eu-west-1"), keyCache: cache)
        for offset in [0.0, 60, 3600] {
            _ = try presigner.presign(
                method: "PUT", key: "a", headers: [], expiresIn: 60, credentials: Self.credentials,
                now: Self.now.addingTimeInterval(offset))
        }
        #expect(cache.count == 1)
        _ = try presigner.presign(
            method: "PUT", key: "a", headers: [], expiresIn: 60, credentials: Self.credentials,
            now: Self.now.addingTimeInterval(86_400))
        #expect(cache.count == 2)
        _ = try presigner.presign(
            method: "PUT", key: "a", headers: [], expiresIn: 60, credentials: Self.credentials,
            now: Self.now.addingTimeInterval(2 * 86_400))
        #expect(cache.count == 1)  // full: emptied, then the new key stored
    }
}

@Suite("AmzDate and RFC 3339 parsing")
struct DateFormattingTests {
    @Test("X-Amz-Date matches Foundation's formatting for 2000 instants from 1970 to 2199")
    func matchesFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var generator = SplitMix64(seed: 99)
        var instants: [Int64] = [0, 951_782_400, 951_868_799, 1_709_164_800, 4_102_444_799, 4_107_542_400]
        for _ in 0..<2000 { instants.append(Int64.random(in: 0...7_258_118_399, using: &generator)) }
        for seconds in instants {
            let date = AmzDate(epochSeconds: seconds)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(date.long == expected)
            #expect(date.short == String(expected.prefix(8)))
            #expect(AmzDate(parsing: expected) == date)
        }
    }

    @Test(
        "malformed X-Amz-Date values are refused",
        arguments: [
            "20150830T123600", "2015-08-30T12:36:00Z", "20150230T000000Z", "20150830T243600Z", "20150830T126000Z",
            "20150830t123600Z", "2015083OT123600Z", "", "20150830T123600Z ", "+0150830T123600Z",
        ])
    func malformedAmzDate(text: String) {
        #expect(AmzDate(parsing: text) == nil)
    }

    @Test(
        "credential expirations parse in the forms endpoints send",
        arguments: [
            ("2026-11-26T10:00:00Z", 1_795_687_200.0), ("2026-11-26T10:00:00.250Z", 1_795_687_200.25),
            ("2026-11-26T12:00:00+02:00", 1_795_687_200.0), ("2026-11-26T09:30:00-00:30", 1_795_687_200.0),
        ])
    func rfc3339(text: String, seconds: Double) {
        #expect(ISO8601Timestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(
        "malformed expirations are refused",
        arguments: ["2026-11-26", "2026-11-26T10:00:00", "2026-13-01T00:00:00Z", "x"])
    func malformedRFC3339(text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil)
    }
}
