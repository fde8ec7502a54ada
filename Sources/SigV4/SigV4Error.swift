/// A request SigV4 cannot sign: the message says what is wrong, never with a secret in it.
package struct SigV4Error: Error, Equatable, CustomStringConvertible {
    /// What kind of problem, for the one place that maps errors to HTTP.
    package enum Kind: Sendable, Equatable {
        /// `X-Amz-Expires` outside 1…604800.
        case invalidExpiry
        /// The signing credentials expire too soon to hand out a useful URL (map to 503).
        case credentialsExpireTooSoon
        /// A header name or value that cannot be signed.
        case invalidHeader
        /// A query parameter that cannot be added.
        case invalidQuery
        /// An object key S3 would not accept.
        case invalidKey
        /// The bucket, region or endpoint is unusable.
        case invalidLocation
        /// A URL or method that cannot be signed.
        case invalidRequest
    }

    /// The kind of problem.
    package let kind: Kind
    /// A sentence saying what is wrong.
    package let message: String

    package var description: String { message }

    static func invalidExpiry(_ seconds: Int) -> Self {
        Self(kind: .invalidExpiry, message: "X-Amz-Expires must be between 1 and 604800 seconds; got \(seconds)")
    }

    static func credentialsExpireTooSoon(remaining: Int, minimum: Int) -> Self {
        Self(
            kind: .credentialsExpireTooSoon,
            message:
                "the signing credentials expire in \(remaining) s (after the safety margin), less than the minimum "
                + "useful URL lifetime of \(minimum) s; waiting for refreshed credentials")
    }

    static func invalidHeader(_ name: String, _ reason: String) -> Self {
        Self(kind: .invalidHeader, message: "header '\(name.prefix(64))' cannot be signed: \(reason)")
    }

    static func invalidQuery(_ name: String, _ reason: String) -> Self {
        Self(kind: .invalidQuery, message: "query parameter '\(name.prefix(64))' cannot be added: \(reason)")
    }

    static func invalidKey(_ reason: String) -> Self {
        Self(kind: .invalidKey, message: "object key is not valid: \(reason)")
    }

    static func invalidLocation(_ reason: String) -> Self {
        Self(kind: .invalidLocation, message: "S3 location is not valid: \(reason)")
    }

    static func invalidRequest(_ reason: String) -> Self {
        Self(kind: .invalidRequest, message: "request cannot be signed: \(reason)")
    }
}
