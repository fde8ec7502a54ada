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
