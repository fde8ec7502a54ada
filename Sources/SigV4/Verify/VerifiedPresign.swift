package import FoundationEssentials

/// What a valid pre-signed request proved.
package struct VerifiedPresign: Sendable, Equatable {
    /// The access key id that signed it.
    package let accessKeyID: String
    /// The lowercase names in `X-Amz-SignedHeaders` (always includes `host`).
    package let signedHeaders: [String]
    /// `X-Amz-Date`.
    package let signedAt: Date
    /// `X-Amz-Date` + `X-Amz-Expires`.
    package let expiresAt: Date
    /// `X-Amz-Security-Token`, when the URL carried one (this verifier does not judge it).
    package let securityToken: String?
    /// The decoded path (for path-style, `/<bucket>/<key>`).
    package let decodedPath: String
    /// The query parameters other than the `X-Amz-*` auth ones, decoded, in order.
    package let parameters: [(name: String, value: String)]

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.accessKeyID == rhs.accessKeyID && lhs.signedHeaders == rhs.signedHeaders && lhs.signedAt == rhs.signedAt
            && lhs.expiresAt == rhs.expiresAt && lhs.securityToken == rhs.securityToken
            && lhs.decodedPath == rhs.decodedPath && lhs.parameters.elementsEqual(rhs.parameters, by: { $0 == $1 })
    }
}
