import CryptoPrimitives
import FoundationEssentials
import Logging

/// Checks a request the way S3 checks it before it touches storage: the pre-signed query
/// signature, its expiry and signed headers. Returns nil when the request may proceed.
typealias S3Authenticator = @Sendable (_ head: S3RequestHead, _ now: Date) -> S3Error?

/// One pre-signed PUT to the local receiver, driven by the HTTP library's streaming callbacks:
/// `head` checks everything S3 checks before the body (bucket, signature, expiry, length, checksum
/// syntax, `If-None-Match`), `body` streams into a temporary file while hashing, `end` compares
/// length and checksum and commits atomically, `abort` removes the temporary file. Used on one
/// connection's loop thread only.
final class LocalS3PutExchange {
    struct Context: Sendable {
        let store: LocalObjectStore
        let pathPrefix: String
        let maxUploadBytes: Int64
        let cors: LocalS3CORS
        let authenticate: S3Authenticator
        let now: @Sendable () -> Date
        /// Where internal failures (errno and path) are logged; the client only sees `InternalError`.
        var logger: Logger? = nil

        /// Logs `error` if it is internal, tagged with the request id S3-style clients show.
        func logIfInternal(_ error: S3Error, requestID: String) {
            guard error.status >= 500 else { return }
            logger?.error(
                "local S3 receiver failed",
                metadata: ["request_id": "\(requestID)", "detail": "\(error.internalDetail ?? error.message)"])
        }
    }

    /// S3's single-PUT ceiling (5 GiB), whatever the configuration says.
    static let s3MaximumPutBytes: Int64 = 5 * 1024 * 1024 * 1024

    private let context: Context
    private let requestID: String
    private var key: String?
    private var corsHeaders: [(name: String, value: String)] = []
    private var upload: ObjectUpload?
    private var expectedLength: Int64 = 0
    private var expectedChecksum: (base64: String, digest: [UInt8])?
    private var expectedMD5: [UInt8]?
    private var noOverwrite = false
    private var contentType: String?

    init(context: Context, requestID: String = LocalS3PutExchange.newRequestID()) {
        self.context = context
        self.requestID = requestID
    }

    /// A request id in S3's style (16 uppercase hex digits).
    static func newRequestID() -> String { Hex.encode(SecureRandom.bytes(count: 8)).uppercased() }

    /// Checks the head; returns the answer when the request is refused (the body is then not read).
    func head(_ head: S3RequestHead) -> S3Reply? {
        corsHeaders = context.cors.responseHeaders(origin: head.header("Origin"))
        do {
            try start(head)
            return nil
        } catch {
            upload?.discard()
            upload = nil
            return errorReply(error)
        }
    }

    private func start(_ head: S3RequestHead) throws(S3Error) {
        guard head.rawPath.hasPrefix(context.pathPrefix + "/") else { throw .invalidURI }
        let address = try S3ObjectAddress.parse(rawPath: String(head.rawPath.dropFirst(context.pathPrefix.count + 1)))
        guard address.bucket == context.store.bucket else { throw .noSuchBucket }
        key = address.key
        guard head.method == "PUT" else { throw .methodNotAllowed(head.method) }
        if let failure = context.authenticate(head, context.now()) { throw failure }
        try checkUnsupportedFeatures(head)
        // S3 needs the length up front for a pre-signed PUT; chunked bodies carry none.
        guard let lengthText = head.header("Content-Length") else { throw .missingContentLength }
        guard let length = Int64(lengthText), length >= 0, lengthText.allSatisfy(\.isASCII) else {
            throw .invalidArgument("Content-Length must be a non-negative integer.")
        }
        let limit = min(context.maxUploadBytes, Self.s3MaximumPutBytes)
        if length > limit { throw .entityTooLarge(maximum: limit, proposed: length) }
        expectedLength = length
        if let checksum = head.header("x-amz-checksum-sha256") {
            guard let digest = Data(base64Encoded: checksum), digest.count == SHA256.byteCount else {
                throw .invalidRequest("Value for x-amz-checksum-sha256 header is invalid.")
            }
            expectedChecksum = (checksum, Array(digest))
        }
        if let contentMD5 = head.header("Content-MD5") {
            guard let digest = Data(base64Encoded: contentMD5), digest.count == MD5.byteCount else {
                throw .invalidDigest
            }
            expectedMD5 = Array(digest)
        }
        let conditions = head.values("If-None-Match")
        if !conditions.isEmpty {
            // S3 supports only `*` on PUT: "create only if absent".
            guard conditions.count == 1, conditions[0].trimmingWhitespace() == "*" else {
                throw .notImplemented(header: "If-None-Match")
            }
            noOverwrite = true
            // Cheap early refusal; the commit decides again, atomically.
            if context.store.exists(address.key) { throw .preconditionFailed }
        }
        contentType = head.header("Content-Type")
        upload = try context.store.beginUpload()
    }

    private func checkUnsupportedFeatures(_ head: S3RequestHead) throws(S3Error) {
        if head.header("Transfer-Encoding") != nil { throw .missingContentLength }
        if let encoding = head.header("Content-Encoding"), encoding.lowercased().contains("aws-chunked") {
            throw .invalidRequest("aws-chunked uploads are not supported with pre-signed URLs; send the body as is.")
        }
        if let payload = head.header("x-amz-content-sha256"), payload.uppercased().hasPrefix("STREAMING-") {
            throw .invalidRequest("Streaming (aws-chunked) payloads are not supported with pre-signed URLs.")
        }
        if head.header("x-amz-decoded-content-length") != nil {
            throw .invalidRequest("aws-chunked uploads are not supported with pre-signed URLs; send the body as is.")
        }
        if head.header("If-Match") != nil { throw .notImplemented(header: "If-Match") }
        for name in [
            "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1",
        ]
        where head.header(name) != nil {
            throw .notImplemented(header: name)
        }
        if let algorithm = head.header("x-amz-sdk-checksum-algorithm"), algorithm.uppercased() != "SHA256" {
            throw .notImplemented(header: "x-amz-sdk-checksum-algorithm")
        }
    }

    /// Writes the next piece of the body; returns an answer when the upload must stop.
    func body(_ chunk: UnsafeRawBufferPointer) -> S3Reply? {
        guard let upload else { return errorReply(.internalError) }
        if upload.byteCount + Int64(chunk.count) > expectedLength {
            return fail(.invalidRequest("The body is longer than Content-Length."))
        }
        do { try upload.append(chunk) } catch { return fail(error) }
        return nil
    }

    /// The body is complete: verifies it and makes it visible.
    func end() -> S3Reply {
        guard let upload else { return errorReply(.internalError) }
        guard upload.byteCount == expectedLength else { return fail(.incompleteBody) }
        let digests: ObjectUpload.Digests
        do { digests = try upload.finishWriting() } catch { return fail(error) }
        // S3 checks Content-MD5 before the flexible checksum.
        if let expectedMD5, !constantTimeEquals(digests.md5, expectedMD5) { return fail(.badContentMD5) }
        if let expectedChecksum, !constantTimeEquals(digests.sha256, expectedChecksum.digest) {
            return fail(.badDigest)
        }
        // S3's ETag for a single, unencrypted or SSE-S3 PUT: the MD5 of the body, hex, quoted.
        let eTag = "\"" + Hex.encode(digests.md5) + "\""
        let metadata = LocalObjectStore.Metadata(
            bucket: context.store.bucket, key: key ?? "", size: expectedLength, contentType: contentType,
            checksumSHA256: expectedChecksum?.base64, eTag: eTag)
        do { try upload.commit(key: key ?? "", noOverwrite: noOverwrite, metadata: metadata) } catch {
            return fail(error)
        }
        self.upload = nil
        var headers: [(name: String, value: String)] = [("ETag", eTag), ("x-amz-request-id", requestID)]
        if let expectedChecksum { headers.append(("x-amz-checksum-sha256", expectedChecksum.base64)) }
        return S3Reply(status: 200, headers: headers + corsHeaders, body: [])
    }

    /// The client went away: nothing of this upload may remain.
    func abort() {
        upload?.discard()
        upload = nil
    }

    private func fail(_ error: S3Error) -> S3Reply {
        upload?.discard()
        upload = nil
        return errorReply(error)
    }

    private func errorReply(_ error: S3Error) -> S3Reply {
        context.logIfInternal(error, requestID: requestID)
        return .error(error, key: key, requestID: requestID, cors: corsHeaders)
    }

    deinit { upload?.discard() }
}
