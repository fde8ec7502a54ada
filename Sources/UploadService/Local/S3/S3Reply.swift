/// An answer of the local receiver before it becomes an `HTTPResponse`: status, headers, body.
struct S3Reply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The XML error answer for `error`, with `x-amz-request-id` and the CORS headers given.
    static func error(
        _ error: S3Error, key: String?, requestID: String, cors: [(name: String, value: String)]
    ) -> S3Reply {
        S3Reply(
            status: error.status,
            headers: [("Content-Type", "application/xml"), ("x-amz-request-id", requestID)] + cors,
            body: error.xmlBody(key: key, requestID: requestID))
    }

    /// The value of the first header called `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What the receiver needs to know about a request head, independent of the HTTP library.
struct S3RequestHead: Sendable {
    /// The method, as sent (`PUT`).
    var method: String
    /// The full path as received, still percent-encoded (`/local/s3/bucket/key`).
    var rawPath: String
    /// The raw query after `?`, or nil.
    var rawQuery: String?
    /// Header fields as received.
    var headers: [(name: String, value: String)]

    /// The first value of `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Every value of `name` (case-insensitive).
    func values(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }
}
