/// Stage 2 of the AWS document ("Create a string to sign"):
/// `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex SHA-256 of the canonical request>`.
package enum StringToSign {
    /// The only algorithm SigV4 (not SigV4a) defines.
    package static let algorithm = "AWS4-HMAC-SHA256"

    /// The string to sign.
    package static func build(amzDate: String, scope: String, canonicalRequestHash: String) -> String {
        algorithm + "\n" + amzDate + "\n" + scope + "\n" + canonicalRequestHash
    }
}
