import FoundationEssentials
import Glibc

/// Answers pre-signed `GET` and `HEAD` of an object, as S3 does for a URL signed for that method:
/// the signature is checked like a PUT's, then the object is returned whole with its content type,
/// ETag and Last-Modified. Ranges are not supported (the whole object is answered with 200), and
/// objects above `maximumBytes` are refused with 501, since a response body is held in memory.
struct LocalS3ObjectReader: Sendable {
    let context: LocalS3PutExchange.Context

    /// The largest object served (64 MiB).
    static let maximumBytes: Int64 = 64 * 1024 * 1024

    func answer(_ head: S3RequestHead, requestID: String = LocalS3PutExchange.newRequestID()) -> S3Reply {
        let cors = context.cors.responseHeaders(origin: head.header("Origin"))
        var key: String?
        do throws(S3Error) {
            guard head.rawPath.hasPrefix(context.pathPrefix + "/") else { throw .invalidURI }
            let address = try S3ObjectAddress.parse(
                rawPath: String(head.rawPath.dropFirst(context.pathPrefix.count + 1)))
            guard address.bucket == context.store.bucket else { throw .noSuchBucket }
            key = address.key
            if let failure = context.authenticate(head, context.now()) { throw failure }
            return try read(address.key, head: head, requestID: requestID, cors: cors)
        } catch {
            context.logIfInternal(error, requestID: requestID)
            return .error(error, key: key, requestID: requestID, cors: cors)
        }
    }

    private func read(
        _ key: String, head: S3RequestHead, requestID: String, cors: [(name: String, value: String)]
    )
        throws(S3Error) -> S3Reply
    {
        guard let path = context.store.resolvedObjectPath(key) else { throw .noSuchKey }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw .noSuchKey }
        guard Int64(info.st_size) <= Self.maximumBytes else {
            throw S3Error(
                status: 501, code: "NotImplemented",
                message: "The local receiver serves objects up to 64 MiB; read larger ones from the data folder.")
        }
        let content: [UInt8]
        do { content = try SecureFiles.read(path) ?? [] } catch { throw .internalError(error.description) }
        let metadata = context.store.metadata(of: key)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", metadata?.contentType ?? "application/octet-stream"),
            ("Last-Modified", Self.httpDate(seconds: Int(info.st_mtim.tv_sec))),
            ("x-amz-request-id", requestID),
        ]
        if let eTag = metadata?.eTag { headers.append(("ETag", eTag)) }
        if head.header("x-amz-checksum-mode")?.uppercased() == "ENABLED", let checksum = metadata?.checksumSHA256 {
            headers.append(("x-amz-checksum-sha256", checksum))
        }
        return S3Reply(status: 200, headers: headers + cors, body: content)
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), as `Last-Modified` carries it.
    static func httpDate(seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
