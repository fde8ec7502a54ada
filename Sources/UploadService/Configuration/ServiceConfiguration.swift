package import Logging

/// Every setting of SecureUpload, validated. Built once at start-up by
/// `ServiceConfiguration.load(from:)` from the merged environment, `.env` and CLI flags.
package struct ServiceConfiguration: Sendable {
    /// Where identities and storage come from.
    package enum Mode: String, Sendable, CaseIterable {
        /// Built-in Cognito and S3 stand-ins; no AWS account.
        case local
        /// Real Cognito and S3.
        case aws
    }

    /// Which Cognito token kinds `POST /upload` accepts.
    package enum TokenUse: String, Sendable, CaseIterable {
        case id, access, any
    }

    /// Log output format.
    package enum LogStyle: String, Sendable, CaseIterable {
        case text, json
    }

    /// A local-mode sign-in user. The password never appears in `description`.
    package struct LocalUser: Sendable, Equatable, CustomStringConvertible {
        package var name: String
        package var password: String
        package var description: String { "\(name):<redacted>" }
    }

    package var mode: Mode
    package var host: String
    package var port: Int
    package var uploadBucket: String
    /// Seconds.
    package var uploadURLExpiry: Int
    package var maxUploadBytes: Int64
    package var allowedContentTypes: [MediaTypePattern]
    package var corsAllowedOrigins: [String]
    package var staticDirectory: String
    package var s3Endpoint: String?
    package var s3ForcePathStyle: Bool
    package var rateLimitPerMinute: Int
    package var region: String
    package var cognitoUserPoolID: String?
    package var cognitoClientIDs: [String]
    /// The expected `iss`; nil in local mode (the local identity provider supplies it).
    package var cognitoIssuer: String?
    package var cognitoJWKSURL: String?
    package var cognitoJWKSFile: String?
    package var cognitoTokenUse: TokenUse
    package var cognitoRequiredGroups: [String]
    package var localDataDirectory: String
    /// nil: one `demo` user with a generated password.
    package var localUsers: [LocalUser]?
    package var logFormat: LogStyle
    package var logLevel: Logger.Level
    /// The raw CIDR list; parsed by `TrustedProxies` at start-up.
    package var trustedProxies: String
    package var shutdownDelay: Duration
    package var shutdownGrace: Duration

    /// The upload limits as a policy value.
    package var uploadPolicy: UploadPolicy {
        UploadPolicy(maxUploadBytes: maxUploadBytes, allowedContentTypes: allowedContentTypes)
    }

    /// The address clients use to reach the server (`0.0.0.0`/`::` become loopback).
    package func baseURL(port actualPort: Int) -> String {
        let reachable: String
        switch host {
        case "0.0.0.0", "": reachable = "127.0.0.1"
        case "::": reachable = "[::1]"
        default: reachable = host.contains(":") ? "[\(host)]" : host
        }
        return "http://\(reachable):\(actualPort)"
    }
}
