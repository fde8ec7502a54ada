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
        /// The sign-in name.
        package var name: String
        /// The password (never printed).
        package var password: String
        /// `name:<redacted>`.
        package var description: String { "\(name):<redacted>" }
    }

    /// `SECURE_UPLOAD_MODE`.
    package var mode: Mode
    /// `HOST`: the listening address.
    package var host: String
    /// `PORT` (0: any free port).
    package var port: Int
    /// `UPLOAD_BUCKET`.
    package var uploadBucket: String
    /// Seconds.
    package var uploadURLExpiry: Int
    /// `MAX_UPLOAD_BYTES`.
    package var maxUploadBytes: Int64
    /// `ALLOWED_CONTENT_TYPES`; empty allows any.
    package var allowedContentTypes: [MediaTypePattern]
    /// `CORS_ALLOWED_ORIGINS`: exact origins.
    package var corsAllowedOrigins: [String]
    /// `STATIC_DIR`.
    package var staticDirectory: String
    /// `S3_ENDPOINT`, without a trailing slash; nil for AWS's regional endpoint.
    package var s3Endpoint: String?
    /// `S3_FORCE_PATH_STYLE` (defaults to true when an endpoint is set).
    package var s3ForcePathStyle: Bool
    /// `RATE_LIMIT_PER_MINUTE` per user; 0 disables.
    package var rateLimitPerMinute: Int
    /// `TOKEN_CACHE_SIZE`: verified tokens remembered; 0 verifies every request's signature.
    package var tokenCacheSize: Int = 10_000
    /// `AWS_REGION`.
    package var region: String
    /// `COGNITO_USER_POOL_ID`.
    package var cognitoUserPoolID: String?
    /// `COGNITO_CLIENT_ID`, split on commas.
    package var cognitoClientIDs: [String]
    /// The expected `iss`; nil in local mode (the local identity provider supplies it).
    package var cognitoIssuer: String?
    /// `COGNITO_JWKS_URL`, derived from the issuer in aws mode unless a JWKS file is used.
    package var cognitoJWKSURL: String?
    /// `COGNITO_JWKS_FILE`.
    package var cognitoJWKSFile: String?
    /// `COGNITO_TOKEN_USE`.
    package var cognitoTokenUse: TokenUse
    /// `COGNITO_REQUIRED_GROUPS`; empty requires none.
    package var cognitoRequiredGroups: [String]
    /// `LOCAL_DATA_DIR`.
    package var localDataDirectory: String
    /// nil: one `demo` user with a generated password.
    package var localUsers: [LocalUser]?
    /// `LOG_FORMAT`.
    package var logFormat: LogStyle
    /// `LOG_LEVEL`.
    package var logLevel: Logger.Level
    /// The raw CIDR list; parsed by `TrustedProxies` at start-up.
    package var trustedProxies: String
    /// `SHUTDOWN_DELAY`: from SIGTERM to closing the listener.
    package var shutdownDelay: Duration
    /// `SHUTDOWN_GRACE`: time in-flight requests get after that.
    package var shutdownGrace: Duration
    /// `HTTP_*_TIMEOUT` and `MAX_CONNECTIONS`: the HTTP server's limits.
    package var http = HTTPLimits()
    /// `JWKS_REFRESH_INTERVAL`: time between two scheduled JWKS fetches.
    package var jwksRefreshInterval: Duration = .seconds(3600)
    /// `JWKS_UNKNOWN_KID_COOLDOWN`: the least time between two refetches caused by unknown `kid`s.
    package var jwksUnknownKeyCooldown: Duration = .seconds(10)
    /// `COGNITO_ENDPOINT`: the Cognito endpoint the page signs in against (aws mode); nil derives
    /// it from the issuer's region.
    package var cognitoEndpoint: String?

    /// The HTTP server's timeouts and connection cap.
    package struct HTTPLimits: Sendable, Equatable {
        /// `HTTP_HEADER_TIMEOUT`.
        package var headerTimeout: Duration = .seconds(10)
        /// `HTTP_BODY_TIMEOUT`.
        package var bodyTimeout: Duration = .seconds(30)
        /// `HTTP_IDLE_TIMEOUT`.
        package var idleTimeout: Duration = .seconds(75)
        /// `HTTP_WRITE_TIMEOUT`.
        package var writeTimeout: Duration = .seconds(30)
        /// `MAX_CONNECTIONS`.
        package var maxConnections = 10_000
        /// `SEND_BUFFER_BYTES`: SO_SNDBUF of accepted sockets; 0 leaves the kernel's autotuning.
        package var sendBufferBytes = 128 * 1024
        /// `MAX_BUFFERED_BYTES`: what the process may hold for slow readers before it drops the
        /// most stalled ones.
        package var maxBufferedBytes = 64 << 20

        /// The defaults.
        package init() {}
    }

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
