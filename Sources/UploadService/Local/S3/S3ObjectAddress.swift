import HTTPServer

/// The bucket and key of a path-style request (`/<bucket>/<key>` after the receiver's prefix),
/// percent-decoded exactly once, with the key checked so that it maps to a file strictly inside
/// the bucket folder: no empty, `.` or `..` segments, no NUL, no segment longer than a file name
/// may be. S3 itself allows such keys; a file system cannot hold them safely, so they get 400.
struct S3ObjectAddress: Sendable, Equatable {
    let bucket: String
    let key: String

    /// S3's limit on key length, in UTF-8 bytes.
    static let maximumKeyBytes = 1024
    /// The longest file name Linux file systems accept (NAME_MAX).
    static let maximumSegmentBytes = 255

    /// Parses `rawPath`, the request path after the receiver prefix and its slash
    /// (`bucket/uploads/a%20b.txt`). The bucket alone (no key) is an error: the receiver serves
    /// object operations only.
    static func parse(rawPath: String) throws(S3Error) -> S3ObjectAddress {
        guard let slash = rawPath.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            throw .invalidArgument("The request names a bucket but no object key.")
        }
        let bucketBytes = try percentDecode(rawPath.utf8[rawPath.utf8.startIndex..<slash])
        let keyBytes = try percentDecode(rawPath.utf8[rawPath.utf8.index(after: slash)...])
        guard let bucket = String(validating: bucketBytes, as: UTF8.self),
            let key = String(validating: keyBytes, as: UTF8.self)
        else { throw .invalidURI }
        if keyBytes.isEmpty { throw .invalidArgument("The request names a bucket but no object key.") }
        if keyBytes.count > maximumKeyBytes { throw .keyTooLong }
        if keyBytes.contains(0) { throw .invalidArgument("Object keys may not contain NUL characters.") }
        for segment in keyBytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty {
                throw .invalidArgument("Object keys may not begin or end with '/' or contain '//' in local mode.")
            }
            if segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) {
                throw .invalidArgument("Object keys may not contain '.' or '..' segments in local mode.")
            }
            if segment.count > maximumSegmentBytes {
                throw .invalidArgument("Each '/'-separated part of a key must be at most 255 bytes in local mode.")
            }
        }
        return S3ObjectAddress(bucket: bucket, key: key)
    }

    /// RFC 3986 §2.1 percent-decoding, once. `+` stays `+` (it is not a space in a path).
    static func percentDecode(_ bytes: some Collection<UInt8>) throws(S3Error) -> [UInt8] {
        guard let decoded = PercentDecoding.decodeBytes(bytes, plusAsSpace: false) else { throw .invalidURI }
        return decoded
    }
}
