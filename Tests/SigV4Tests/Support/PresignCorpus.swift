import Foundation

/// SplitMix64: a tiny deterministic generator, so every run checks the same corpus.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated pre-sign case: a key, the headers to enforce, and the signing context.
struct PresignCase: Sendable {
    var bucket: String
    var region: String
    var endpoint: String?
    var forcePathStyle: Bool
    var operation: String  // put_object, get_object, upload_part
    var key: String
    var contentType: String?
    var contentLength: Int?
    var checksumSHA256: String?
    var ifNoneMatch: Bool
    var metadata: [(String, String)]
    var partNumber: Int?
    var uploadID: String?
    var expires: Int
    var accessKeyID: String
    var secret: String
    var token: String?
    var timestamp: Int64

    var method: String { operation == "get_object" ? "GET" : "PUT" }

    /// Headers in SecureUpload's spelling.
    var headers: [(String, String)] {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let contentLength { headers.append(("Content-Length", String(contentLength))) }
        if let checksumSHA256 { headers.append(("x-amz-checksum-sha256", checksumSHA256)) }
        if ifNoneMatch { headers.append(("If-None-Match", "*")) }
        for (name, value) in metadata { headers.append(("x-amz-meta-" + name, value)) }
        return headers
    }

    var query: [(String, String)] {
        guard let partNumber, let uploadID else { return [] }
        return [("partNumber", String(partNumber)), ("uploadId", uploadID)]
    }

    /// The case as botocore API parameters (see Fixtures/botocore_presign.py).
    var botocoreJSON: [String: Any] {
        var params: [String: Any] = [:]
        if let contentType { params["ContentType"] = contentType }
        if let contentLength { params["ContentLength"] = contentLength }
        if let checksumSHA256 { params["ChecksumSHA256"] = checksumSHA256 }
        if ifNoneMatch { params["IfNoneMatch"] = "*" }
        if !metadata.isEmpty { params["Metadata"] = Dictionary(uniqueKeysWithValues: metadata) }
        if let partNumber { params["PartNumber"] = partNumber }
        if let uploadID { params["UploadId"] = uploadID }
        let pathStyle = endpoint != nil || forcePathStyle || bucket.contains(".")
        return [
            "bucket": bucket, "region": region, "endpoint": endpoint ?? NSNull(),
            "addressing": pathStyle ? "path" : "virtual", "operation": operation, "key": key, "params": params,
            "expires": expires, "access_key": accessKeyID, "secret": secret, "token": token ?? NSNull(),
            "timestamp": timestamp,
        ]
    }
}

/// The keys users can produce: every character class that broke someone's signer (reserved and
/// sub-delims, `%`, `+`, space, unicode, emoji, dot segments, repeated slashes, 1000-byte keys).
enum PresignCorpus {
    static let pieces: [String] = [
        "report", "2026", "photo", "a", "Z9", " ", "  ", "+", "%", "%20", "%2F", "%%", "=", "&", "?", "#", "~", "!",
        "'", "(", ")", "*", "$", "@", ":", ";", ",", "[", "]", "{", "}", "\"", "<", ">", "\\", "^", "`", "|",
        "-", "_", ".", "ü", "é", "e\u{301}", "日本", "ሴ", "Ω", "😀", "👩‍💻", "🇫🇷", "/", "//", "./", "../",
        "file.pdf", "x-id=PutObject", "a+b=c&d", "\u{00A0}",
    ]

    /// `count` keys, the first ones hand-picked, the rest generated from `pieces`.
    static func keys(count: Int, seed: UInt64 = 4) -> [String] {
        var generator = SplitMix64(seed: seed)
        var keys = [
            "uploads/user/report 2026.pdf", "a b/c+d=e&f?g#h~i", "!'()*", "%25%2F%", "日本/ሴ/😀.txt",
            "../../etc/passwd", "./a/./b/../c", "//double//slash//", "trailing/", "/leading", "~user/file",
            String(repeating: "k", count: 1000), String(repeating: "ü", count: 500),
            String(repeating: "dir/", count: 250), String(repeating: "😀", count: 250),
        ]
        while keys.count < count {
            var key = ""
            for _ in 0..<Int.random(in: 1...10, using: &generator) {
                key += pieces.randomElement(using: &generator)!
            }
            keys.append(key)
        }
        return keys
    }

    /// `count` cases over `keys()`, mixing regions, addressing, operations, headers and credentials.
    static func cases(count: Int, seed: UInt64 = 7) -> [PresignCase] {
        var generator = SplitMix64(seed: seed)
        let keys = keys(count: count)
        let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "cn-north-1", "us-gov-west-1"]
        let buckets = ["secure-upload-demo", "uploads", "my.dotted.bucket", "b12"]
        let endpoints: [String?] = [
            nil, nil, nil, "http://127.0.0.1:9000", "https://minio.example.test:8443", "http://127.0.0.1:8080/local/s3",
        ]
        let contentTypes = ["application/pdf", "text/plain; charset=utf-8", "image/svg+xml", "video/mp4", "a/b c"]
        return keys.enumerated().map { index, key in
            let operationRoll = Int.random(in: 0..<10, using: &generator)
            let operation = operationRoll < 7 ? "put_object" : operationRoll < 8 ? "get_object" : "upload_part"
            let isPut = operation != "get_object"
            var checksum: String? = nil
            if isPut && Bool.random(using: &generator) {
                let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                checksum = Data(bytes).base64EncodedString()
            }
            var metadata: [(String, String)] = []
            if operation == "put_object" && Int.random(in: 0..<4, using: &generator) == 0 {
                metadata = [("owner", "user \(index)"), ("note", "a=b&c/d+e")]
            }
            // Few credential sets: botocore builds one client per set (20 ms each).
            let credentialSet = Int.random(in: 0..<4, using: &generator)
            let hasToken = credentialSet < 2
            return PresignCase(
                bucket: buckets.randomElement(using: &generator)!,
                region: regions.randomElement(using: &generator)!,
                endpoint: endpoints.randomElement(using: &generator)!,
                forcePathStyle: Int.random(in: 0..<5, using: &generator) == 0,
                operation: operation,
                key: key,
                contentType: operation == "put_object" && Bool.random(using: &generator)
                    ? contentTypes.randomElement(using: &generator)! : nil,
                contentLength: isPut && Bool.random(using: &generator)
                    ? Int.random(in: 0...5_368_709_120, using: &generator) : nil,
                checksumSHA256: checksum,
                ifNoneMatch: operation == "put_object" && Bool.random(using: &generator),
                metadata: metadata,
                partNumber: operation == "upload_part" ? Int.random(in: 1...10_000, using: &generator) : nil,
                uploadID: operation == "upload_part" ? "VXBsb2Fk+ID/\(index)==" : nil,
                expires: [1, 60, 300, 3600, 86_400, 604_800, Int.random(in: 1...604_800, using: &generator)]
                    .randomElement(using: &generator)!,
                accessKeyID: hasToken ? "ASIAEXAMPLE\(credentialSet)" : "AKIAIOSFODNN7EXAMPL\(credentialSet)",
                secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\(credentialSet)",
                token: hasToken ? "IQoJb3JpZ2luX2VjE+/\(credentialSet)//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==" : nil,
                timestamp: Int64.random(in: 1_420_070_400...1_924_991_999, using: &generator))
        }
    }
}
