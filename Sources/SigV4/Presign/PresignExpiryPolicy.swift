package import FoundationEssentials

/// How long a pre-signed URL lives: min(requested, 604800, credentials' remaining lifetime − safety
/// margin). A URL signed with temporary credentials dies with them whatever its `X-Amz-Expires`
/// says (boto/boto3#2392), so when the credentials leave less than `minimumExpiry` the request
/// fails (`credentialsExpireTooSoon`, an HTTP 503) instead of handing out a URL that dies in seconds.
package struct PresignExpiryPolicy: Sendable, Equatable {
    /// S3's limit for `X-Amz-Expires`: seven days.
    package static let maximumExpiry = 604_800

    /// Seconds kept between a URL's expiry and its credentials' expiry (clock skew, upload time).
    package var safetyMargin: Int
    /// The shortest URL lifetime worth handing out when the credentials force a cut.
    package var minimumExpiry: Int

    /// A policy; the defaults keep one minute of margin and refuse URLs shorter than one minute.
    package init(safetyMargin: Int = 60, minimumExpiry: Int = 60) {
        self.safetyMargin = max(0, safetyMargin)
        self.minimumExpiry = max(1, minimumExpiry)
    }

    /// The `X-Amz-Expires` to sign for `requested` seconds with `credentials` at `now`.
    package func effectiveExpiry(requested: Int, credentials: AWSCredentials, now: Date) throws(SigV4Error) -> Int {
        guard (1...Self.maximumExpiry).contains(requested) else { throw .invalidExpiry(requested) }
        guard let remaining = credentials.remainingLifetime(at: now) else { return requested }
        let usable = Int(remaining.rounded(.down)) - safetyMargin
        if usable >= requested { return requested }
        guard usable >= minimumExpiry else {
            throw .credentialsExpireTooSoon(remaining: max(0, usable), minimum: minimumExpiry)
        }
        return usable
    }
}
