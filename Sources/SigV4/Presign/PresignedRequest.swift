package import FoundationEssentials

/// A pre-signed request: the URL, and the headers the client must send with exactly these values.
package struct PresignedRequest: Sendable {
    /// The full URL, `X-Amz-Signature` last.
    package let url: String
    /// The method the URL is signed for.
    package let method: String
    /// Every header the client must send beyond `host`, in the caller's spelling and order, with the
    /// values that were signed.
    package let headers: [(name: String, value: String)]
    /// When S3 stops accepting the URL: `X-Amz-Date` + `X-Amz-Expires`.
    package let expiresAt: Date
    /// The signed `X-Amz-Expires`, possibly shorter than asked (see `PresignExpiryPolicy`).
    package let expiresIn: Int
}
