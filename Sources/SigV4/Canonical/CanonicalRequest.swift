import CryptoPrimitives

/// Stage 1 of the AWS document ("Create a canonical request"): six lines joined by `\n`, with no
/// trailing newline; the canonical headers block ends with its own `\n`, so a blank line precedes
/// the signed headers.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
package struct CanonicalRequest: Sendable {
    /// The HTTP method, uppercase.
    package let method: String
    /// The encoded path (see `CanonicalPath`).
    package let canonicalURI: String
    /// The sorted, encoded query (see `CanonicalQuery`).
    package let canonicalQuery: String
    /// The canonical headers (see `CanonicalHeaders`).
    package let headers: CanonicalHeaders
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` for pre-signed S3 URLs.
    package let hashedPayload: String

    /// Assembles a canonical request from its canonical parts.
    package init(
        method: String, canonicalURI: String, canonicalQuery: String, headers: CanonicalHeaders, hashedPayload: String
    ) {
        self.method = method
        self.canonicalURI = canonicalURI
        self.canonicalQuery = canonicalQuery
        self.headers = headers
        self.hashedPayload = hashedPayload
    }

    /// The canonical request text that gets hashed.
    package var text: String {
        method + "\n" + canonicalURI + "\n" + canonicalQuery + "\n" + headers.block + "\n" + headers.signedHeaders
            + "\n" + hashedPayload
    }

    /// Lowercase hex SHA-256 of `text`: the last line of the string to sign.
    package var hashHex: String { Hex.encode(SHA256.hash(text)) }

    /// The literal payload hash of pre-signed S3 URLs: the payload is unknown when signing.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Hex SHA-256 of an empty body.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
