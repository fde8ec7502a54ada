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
