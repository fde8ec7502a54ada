/// The answer to a successful `POST /upload`: where and how to PUT the file.
package struct PresignedUpload: Sendable, Equatable, Encodable {
    /// The pre-signed URL.
    package var uploadUrl: String
    /// Always `PUT`.
    package var method: String
    /// The object key, under `uploads/<sub>/`.
    package var key: String
    /// The original file name, as the user gave it.
    package var filename: String
    /// Every header the PUT must carry with exactly these values (all signed, beyond `host`).
    package var headers: [String: String]
    /// RFC 3339 UTC time after which the URL is refused.
    package var expiresAt: String
    /// Seconds the URL is valid from signing.
    package var expiresIn: Int
}
