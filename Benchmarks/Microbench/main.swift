// Micro-benchmarks of the request hot paths, in release mode:
//   SECURE_UPLOAD_BENCHMARKS=1 swift run -c release --scratch-path .build-bench secure-upload-microbench [filter]
// Each row: median and fastest batch, nanoseconds per call; heap allocations per call. See
// docs/performance.md.
import CryptoPrimitives
import Foundation
import HTTPServer
import JWTAuth
import SigV4
import UploadService

let filter = CommandLine.arguments.dropFirst().first
func bench(_ name: String, batch: Int = 1_000, _ body: () -> Void) {
    if let filter, !name.contains(filter) { return }
    Measure(name, batch: batch).run(body)
}

let now = Date()
let fixtures = try BenchFixtures(tokenCount: 1_000, now: now)
let body = Array(#"{"filename":"photo 1.jpg","contentType":"image/jpeg","size":1048576}"#.utf8)
let requestBytes =
    Array(
        ("POST /upload HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer \(fixtures.tokens[0])\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body

func makeVerifier(cacheCapacity: Int) async throws -> CognitoTokenVerifier {
    let jwks = fixtures.jwks
    let store = JWKSKeyStore(source: .fetcher { jwks })
    try await store.load()
    let configuration = CognitoVerifierConfiguration(
        issuers: [BenchFixtures.issuer], clientIDs: [BenchFixtures.clientID], tokenUse: .id)
    return CognitoTokenVerifier(configuration: configuration, keyStore: store, cacheCapacity: cacheCapacity)
}
let coldVerifier = try await makeVerifier(cacheCapacity: 0)
let cachedVerifier = try await makeVerifier(cacheCapacity: 10_000)

let credentials = AWSCredentials(
    accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
let presigner = S3Presigner(location: S3Location(bucket: "bench-uploads", region: "us-east-1"))
let keyBuilder = ObjectKeyBuilder(randomHex: Application.randomHex)  // as shipped
let issuer = UploadIssuer(
    presigner: presigner, credentials: StaticCredentialsSource(credentials), keyBuilder: keyBuilder, expiry: 300)
let policy = UploadPolicy()
let subject = "0b5f3c4e-8a7d-4a1f-9a57-6f3f8f0f2d11"
let upload = try issuer.issue(subject: subject, request: UploadRequest.decode(body: body, policy: policy), now: now)

Measure.header()
bench("http: parse POST /upload (head + body)") {
    var parser = HTTPRequestParser()
    let input = requestBytes.span
    var offset = 0
    while offset < input.count {
        let (event, consumed) = parser.parse(input.extracting(offset..<input.count))
        offset += consumed
        if case .end = event { break }
        if case .error = event { fatalError("parse error") }
    }
    blackHole(parser)
}
var tokenIndex = 0
bench("jwt: verify, cold (RSA every call)", batch: 200) {
    tokenIndex = (tokenIndex + 1) % fixtures.tokens.count
    blackHole(try? coldVerifier.verify(fixtures.tokens[tokenIndex], now: now))
}
_ = try cachedVerifier.verify(fixtures.tokens[0], now: now)
bench("jwt: verify, cached token") {
    blackHole(try? cachedVerifier.verify(fixtures.tokens[0], now: now))
}
bench("jwt: verify, bad signature", batch: 200) {
    blackHole(try? coldVerifier.verify(fixtures.badToken, now: now))
}
bench("sigv4: presign PUT (4 signed headers)") {
    blackHole(
        try? presigner.presign(
            method: "PUT", key: upload.key,
            headers: [
                ("Content-Type", "image/jpeg"), ("Content-Length", "1048576"), ("If-None-Match", "*"),
            ], expiresIn: 300, credentials: credentials, now: now))
}
bench("sigv4: HMAC-SHA256 of 200 bytes") {
    blackHole(HMACSHA256.authenticate([UInt8](repeating: 0x41, count: 200), key: Array(repeating: 7, count: 32)))
}
bench("random: 8 bytes (SecureRandom)") {
    blackHole(SecureRandom.bytes(count: 8))
}
bench("random: 8 bytes (RandomWordPool)") {
    blackHole(RandomWordPool.shared.next())
}
bench("upload: object key") {
    blackHole(keyBuilder.key(subject: subject, filename: "photo 1.jpg", now: now))
}
bench("upload: issue (key + presign + expiry)") {
    blackHole(
        try? issuer.issue(
            subject: subject,
            request: UploadRequest(filename: "photo 1.jpg", contentType: "image/jpeg", size: 1_048_576), now: now))
}
bench("json: decode upload request body") {
    blackHole(try? UploadRequest.decode(body: body, policy: policy))
}
bench("json: encode upload response (JSONEncoder)") {
    blackHole(JSONBody.encode(upload))
}
bench("json: encode upload response (by hand)") {
    blackHole(upload.jsonBytes)
}
