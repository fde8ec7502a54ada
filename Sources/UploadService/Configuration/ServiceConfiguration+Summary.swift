import Logging

extension ServiceConfiguration {
    /// The effective settings as `(name, value)` pairs for the start-up log, secrets redacted
    /// (local users show their names only).
    package var redactedSummary: [(name: String, value: String)] {
        func joined(_ values: [String]) -> String { values.isEmpty ? "(none)" : values.joined(separator: ",") }
        return [
            ("SECURE_UPLOAD_MODE", mode.rawValue),
            ("HOST", host),
            ("PORT", String(port)),
            ("UPLOAD_BUCKET", uploadBucket),
            ("UPLOAD_URL_EXPIRY", String(uploadURLExpiry)),
            ("MAX_UPLOAD_BYTES", String(maxUploadBytes)),
            (
                "ALLOWED_CONTENT_TYPES",
                allowedContentTypes.isEmpty ? "(any)" : joined(allowedContentTypes.map(\.description))
            ),
            ("CORS_ALLOWED_ORIGINS", joined(corsAllowedOrigins)),
            ("STATIC_DIR", staticDirectory),
            ("S3_ENDPOINT", s3Endpoint ?? "(AWS regional endpoint)"),
            ("S3_FORCE_PATH_STYLE", String(s3ForcePathStyle)),
            ("RATE_LIMIT_PER_MINUTE", String(rateLimitPerMinute)),
            ("TOKEN_CACHE_SIZE", String(tokenCacheSize)),
            ("AWS_REGION", region),
            ("COGNITO_USER_POOL_ID", cognitoUserPoolID ?? "(none)"),
            ("COGNITO_CLIENT_ID", joined(cognitoClientIDs)),
            ("COGNITO_ISSUER", cognitoIssuer ?? "(local)"),
            ("COGNITO_JWKS_URL", cognitoJWKSURL ?? "(none)"),
            ("COGNITO_JWKS_FILE", cognitoJWKSFile ?? "(none)"),
            ("COGNITO_TOKEN_USE", cognitoTokenUse.rawValue),
            ("COGNITO_REQUIRED_GROUPS", joined(cognitoRequiredGroups)),
            ("LOCAL_DATA_DIR", localDataDirectory),
            ("LOCAL_USERS", localUsers.map { joined($0.map(\.description)) } ?? "demo:<generated>"),
            ("LOG_FORMAT", logFormat.rawValue),
            ("LOG_LEVEL", logLevel.rawValue),
            ("TRUSTED_PROXIES", trustedProxies.isEmpty ? "(none)" : trustedProxies),
            ("SHUTDOWN_DELAY", Self.seconds(shutdownDelay)),
            ("SHUTDOWN_GRACE", Self.seconds(shutdownGrace)),
            ("HTTP_HEADER_TIMEOUT", Self.seconds(http.headerTimeout)),
            ("HTTP_BODY_TIMEOUT", Self.seconds(http.bodyTimeout)),
            ("HTTP_IDLE_TIMEOUT", Self.seconds(http.idleTimeout)),
            ("HTTP_WRITE_TIMEOUT", Self.seconds(http.writeTimeout)),
            ("MAX_CONNECTIONS", String(http.maxConnections)),
            ("SEND_BUFFER_BYTES", String(http.sendBufferBytes)),
            ("MAX_BUFFERED_BYTES", String(http.maxBufferedBytes)),
            ("JWKS_REFRESH_INTERVAL", Self.seconds(jwksRefreshInterval)),
            ("JWKS_UNKNOWN_KID_COOLDOWN", Self.seconds(jwksUnknownKeyCooldown)),
            ("COGNITO_ENDPOINT", cognitoEndpoint ?? "(derived from the issuer)"),
        ]
    }

    /// `5s`, `1.5s`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(Double(milliseconds) / 1000)s"
    }
}
