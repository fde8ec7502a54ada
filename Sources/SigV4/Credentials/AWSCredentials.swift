package import FoundationEssentials

/// An AWS access key pair, with the session token and expiry of temporary credentials.
///
/// Printing never shows the secret or the token: `description`, `debugDescription` and the mirror
/// (`dump`, `String(reflecting:)`) show only the start of the access key id.
///
/// A class, immutable: every pre-signed URL takes the current credentials from a store both event
/// loops read, and copying a struct of five reference-counted fields bounced five counts between
/// their cores per request; a reference is one.
package final class AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id (`AKIA…` long-term, `ASIA…` temporary).
    package let accessKeyID: String
    /// The secret access key. Never log it.
    package let secretAccessKey: String
    /// The session token of temporary credentials. Never log it.
    package let sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    package let expiration: Date?
    /// The access key id and session token SigV4-encoded once, for the presigner's hot path.
    let encodedAccessKeyID: [UInt8]
    let encodedSessionToken: [UInt8]?

    /// Credentials from their parts.
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        var encodedAccessKeyID: [UInt8] = []
        URIEncoding.append(accessKeyID, keepingSlash: false, to: &encodedAccessKeyID)
        self.encodedAccessKeyID = encodedAccessKeyID
        self.encodedSessionToken = sessionToken.map { token in
            var encoded: [UInt8] = []
            URIEncoding.append(token, keepingSlash: false, to: &encoded)
            return encoded
        }
    }

    package static func == (lhs: AWSCredentials, rhs: AWSCredentials) -> Bool {
        lhs.accessKeyID == rhs.accessKeyID && lhs.secretAccessKey == rhs.secretAccessKey
            && lhs.sessionToken == rhs.sessionToken && lhs.expiration == rhs.expiration
    }

    /// Seconds left before `expiration` at `now`; nil when the credentials do not expire.
    package func remainingLifetime(at now: Date) -> TimeInterval? {
        expiration.map { $0.timeIntervalSince(now) }
    }

    /// The first characters of the access key id, enough to tell which key is in use.
    package var redactedAccessKeyID: String {
        accessKeyID.count <= 8 ? accessKeyID : String(accessKeyID.prefix(8)) + "…"
    }

    package var description: String {
        var text = "AWSCredentials(accessKeyID: \(redactedAccessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": redactedAccessKeyID,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "none" : "<redacted>",
                "expiration": expiration.map { "\($0)" } ?? "none",
            ],
            displayStyle: .struct)
    }
}
