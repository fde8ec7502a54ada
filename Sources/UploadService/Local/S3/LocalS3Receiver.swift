package import FoundationEssentials
package import Logging
package import SigV4

/// Local mode's stand-in for S3: a path-style receiver for pre-signed PUTs under
/// `<base>/local/s3/<bucket>/<key>` that checks what S3 checks (the SigV4 query signature with the
/// local credentials, expiry, signed headers, `Content-Length`, `x-amz-checksum-sha256`,
/// `If-None-Match: *`), answers with S3's XML errors and status codes, and stores objects
/// atomically under `<LOCAL_DATA_DIR>/<bucket>/`.
package final class LocalS3Receiver: Sendable {
    /// `<base>/local/s3`: the S3 endpoint to presign against (path-style).
    package let endpoint: String
    /// The one bucket this receiver holds.
    package let bucket: String

    static let pathPrefix = "/local/s3"

    let context: LocalS3PutExchange.Context

    /// A receiver accepting URLs signed with `credentials` (from `loadOrCreateCredentials`) for
    /// `configuration.region`. Creates the bucket folder if needed. `logger` receives internal
    /// failures (disk full, permissions) with their request id.
    package init(
        configuration: LocalModeConfiguration, credentials: AWSCredentials, now: @escaping @Sendable () -> Date,
        logger: Logger? = nil
    ) throws {
        try configuration.validate()
        let layout = LocalDataLayout(root: configuration.dataDirectory)
        try layout.prepareStateDirectories()
        // The store keeps the lock; the routes keep the store, so it is held while the server runs.
        let directoryLock = DataDirectoryLock(layout: layout)
        if directoryLock == nil {
            logger?.warning(
                "another process uses this LOCAL_DATA_DIR; its temporary upload files are removed only once an hour old",
                metadata: ["path": "\(configuration.dataDirectory)"])
        }
        let store = try LocalObjectStore(
            layout: layout, bucket: configuration.bucket, lock: directoryLock, now: now())
        endpoint = configuration.normalizedBaseURL + Self.pathPrefix
        bucket = configuration.bucket
        let verifier = PresignedRequestVerifier(region: configuration.region)
        context = LocalS3PutExchange.Context(
            store: store, pathPrefix: Self.pathPrefix, maxUploadBytes: configuration.maxUploadBytes,
            cors: LocalS3CORS(baseURL: configuration.normalizedBaseURL),
            authenticate: { head, now in
                Self.authenticate(head, now: now, verifier: verifier, credentials: credentials)
            },
            now: now, logger: logger)
    }

    /// The local access key pair, generated on first use into
    /// `<dataDirectory>/.secure-upload/local-credentials.json` (0600) and reused after.
    package static func loadOrCreateCredentials(dataDirectory: String) throws -> AWSCredentials {
        let file = try LocalS3CredentialsFile.loadOrCreate(layout: LocalDataLayout(root: dataDirectory))
        return AWSCredentials(accessKeyID: file.accessKeyID, secretAccessKey: file.secretAccessKey)
    }

    static func authenticate(
        _ head: S3RequestHead, now: Date, verifier: PresignedRequestVerifier, credentials: AWSCredentials
    ) -> S3Error? {
        let result = verifier.verify(
            method: head.method, rawPath: head.rawPath, rawQuery: head.rawQuery ?? "",
            headers: head.headers.map { ($0.name, $0.value) }, now: now,
            secretFor: { $0 == credentials.accessKeyID ? credentials.secretAccessKey : nil })
        switch result {
        case .success(let verified):
            // The local key pair is long-term; S3 refuses a session token it did not issue.
            if verified.securityToken != nil, credentials.sessionToken == nil {
                return S3Error(
                    status: 400, code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.")
            }
            return nil
        case .failure(let error):
            return S3Error(status: error.httpStatus, code: error.code, message: error.message)
        }
    }

    /// A PUT state machine for one request (the streaming routes make one per request).
    func makeExchange() -> LocalS3PutExchange { LocalS3PutExchange(context: context) }

    /// The pre-signed GET/HEAD answerer.
    var reader: LocalS3ObjectReader { LocalS3ObjectReader(context: context) }
}
