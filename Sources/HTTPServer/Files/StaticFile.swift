import FoundationEssentials

/// One version of a file, with everything a response needs computed once.
final class StaticFile: Sendable {
    let identity: FileIdentity
    let body: [UInt8]
    let gzip: [UInt8]?
    let etag: String
    let gzipETag: String
    let modifiedSeconds: Int64
    let headers: HTTPHeaders
    let gzipHeaders: HTTPHeaders
    let notModifiedHeaders: HTTPHeaders
    let notModifiedGzipHeaders: HTTPHeaders

    init(realPath: String, identity: FileIdentity, body: [UInt8], cacheControl: String, compress: Bool) {
        self.identity = identity
        self.body = body
        let contentType = MediaTypes.contentType(forFileName: realPath)
        var compressed: [UInt8]?
        if compress, body.count >= 256, MediaTypes.isCompressible(contentType), let gzip = Gzip.compress(body),
            gzip.count < body.count
        {
            compressed = gzip
        }
        gzip = compressed
        // A strong validator from the content itself (FNV-1a), so equal bytes get equal tags on
        // every instance behind a load balancer.
        let tag = Self.fnv1a(body)
        etag = "\"\(String(body.count, radix: 16))-\(String(tag, radix: 16))\""
        gzipETag = "\"\(String(body.count, radix: 16))-\(String(tag, radix: 16))-gz\""
        modifiedSeconds = identity.modifiedSeconds
        let lastModified = String(decoding: System.httpDate(identity.modifiedSeconds), as: UTF8.self)
        let cache = MediaTypes.isHTML(contentType) ? "no-cache" : cacheControl
        var common = HTTPHeaders()
        common.add("Last-Modified", lastModified)
        common.add("Cache-Control", cache)
        if compressed != nil { common.add("Vary", "Accept-Encoding") }
        var plain = common
        plain.add("ETag", etag)
        notModifiedHeaders = plain
        plain.add("Content-Type", contentType)
        headers = plain
        var zipped = common
        zipped.add("ETag", gzipETag)
        notModifiedGzipHeaders = zipped
        zipped.add("Content-Type", contentType)
        zipped.add("Content-Encoding", "gzip")
        gzipHeaders = zipped
    }

    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
