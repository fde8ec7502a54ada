import ArgumentParser
import UploadService

/// One CLI flag per setting (`--max-upload-bytes` for `MAX_UPLOAD_BYTES`); a flag wins over the
/// environment, which wins over `.env`.
struct SettingsOptions: ParsableArguments {
    @Option(
        name: .customLong("env-file"),
        help: "Read settings from this file (default: .env in the working directory, if present).")
    var envFile: String?

    @Option(name: .customLong("secure-upload-mode"), help: SettingsOptions.help("SECURE_UPLOAD_MODE"))
    var secureUploadMode: String?

    @Option(name: .customLong("host"), help: SettingsOptions.help("HOST"))
    var host: String?

    @Option(name: .customLong("port"), help: SettingsOptions.help("PORT"))
    var port: String?

    @Option(name: .customLong("upload-bucket"), help: SettingsOptions.help("UPLOAD_BUCKET"))
    var uploadBucket: String?

    @Option(name: .customLong("upload-url-expiry"), help: SettingsOptions.help("UPLOAD_URL_EXPIRY"))
    var uploadUrlExpiry: String?

    @Option(name: .customLong("max-upload-bytes"), help: SettingsOptions.help("MAX_UPLOAD_BYTES"))
    var maxUploadBytes: String?

    @Option(name: .customLong("allowed-content-types"), help: SettingsOptions.help("ALLOWED_CONTENT_TYPES"))
    var allowedContentTypes: String?

    @Option(name: .customLong("cors-allowed-origins"), help: SettingsOptions.help("CORS_ALLOWED_ORIGINS"))
    var corsAllowedOrigins: String?

    @Option(name: .customLong("static-dir"), help: SettingsOptions.help("STATIC_DIR"))
    var staticDir: String?

    @Option(name: .customLong("s3-endpoint"), help: SettingsOptions.help("S3_ENDPOINT"))
    var s3Endpoint: String?

    @Option(name: .customLong("s3-force-path-style"), help: SettingsOptions.help("S3_FORCE_PATH_STYLE"))
    var s3ForcePathStyle: String?

    @Option(name: .customLong("rate-limit-per-minute"), help: SettingsOptions.help("RATE_LIMIT_PER_MINUTE"))
    var rateLimitPerMinute: String?

    @Option(name: .customLong("token-cache-size"), help: SettingsOptions.help("TOKEN_CACHE_SIZE"))
    var tokenCacheSize: String?

    @Option(name: .customLong("aws-region"), help: SettingsOptions.help("AWS_REGION"))
    var awsRegion: String?

    @Option(name: .customLong("cognito-user-pool-id"), help: SettingsOptions.help("COGNITO_USER_POOL_ID"))
    var cognitoUserPoolId: String?

    @Option(name: .customLong("cognito-client-id"), help: SettingsOptions.help("COGNITO_CLIENT_ID"))
    var cognitoClientId: String?

    @Option(name: .customLong("cognito-issuer"), help: SettingsOptions.help("COGNITO_ISSUER"))
    var cognitoIssuer: String?

    @Option(name: .customLong("cognito-jwks-url"), help: SettingsOptions.help("COGNITO_JWKS_URL"))
    var cognitoJwksUrl: String?

    @Option(name: .customLong("cognito-jwks-file"), help: SettingsOptions.help("COGNITO_JWKS_FILE"))
    var cognitoJwksFile: String?

    @Option(name: .customLong("cognito-token-use"), help: SettingsOptions.help("COGNITO_TOKEN_USE"))
    var cognitoTokenUse: String?

    @Option(name: .customLong("cognito-required-groups"), help: SettingsOptions.help("COGNITO_REQUIRED_GROUPS"))
    var cognitoRequiredGroups: String?

    @Option(name: .customLong("local-data-dir"), help: SettingsOptions.help("LOCAL_DATA_DIR"))
    var localDataDir: String?

    @Option(name: .customLong("local-users"), help: SettingsOptions.help("LOCAL_USERS"))
    var localUsers: String?

    @Option(name: .customLong("log-format"), help: SettingsOptions.help("LOG_FORMAT"))
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: SettingsOptions.help("LOG_LEVEL"))
    var logLevel: String?

    @Option(name: .customLong("trusted-proxies"), help: SettingsOptions.help("TRUSTED_PROXIES"))
    var trustedProxies: String?

    @Option(name: .customLong("shutdown-delay"), help: SettingsOptions.help("SHUTDOWN_DELAY"))
    var shutdownDelay: String?

    @Option(name: .customLong("shutdown-grace"), help: SettingsOptions.help("SHUTDOWN_GRACE"))
    var shutdownGrace: String?

    @Option(name: .customLong("http-header-timeout"), help: SettingsOptions.help("HTTP_HEADER_TIMEOUT"))
    var httpHeaderTimeout: String?

    @Option(name: .customLong("http-body-timeout"), help: SettingsOptions.help("HTTP_BODY_TIMEOUT"))
    var httpBodyTimeout: String?

    @Option(name: .customLong("http-idle-timeout"), help: SettingsOptions.help("HTTP_IDLE_TIMEOUT"))
    var httpIdleTimeout: String?

    @Option(name: .customLong("http-write-timeout"), help: SettingsOptions.help("HTTP_WRITE_TIMEOUT"))
    var httpWriteTimeout: String?

    @Option(name: .customLong("max-connections"), help: SettingsOptions.help("MAX_CONNECTIONS"))
    var maxConnections: String?

    @Option(name: .customLong("send-buffer-bytes"), help: SettingsOptions.help("SEND_BUFFER_BYTES"))
    var sendBufferBytes: String?

    @Option(name: .customLong("max-buffered-bytes"), help: SettingsOptions.help("MAX_BUFFERED_BYTES"))
    var maxBufferedBytes: String?

    @Option(name: .customLong("jwks-refresh-interval"), help: SettingsOptions.help("JWKS_REFRESH_INTERVAL"))
    var jwksRefreshInterval: String?

    @Option(name: .customLong("jwks-unknown-kid-cooldown"), help: SettingsOptions.help("JWKS_UNKNOWN_KID_COOLDOWN"))
    var jwksUnknownKidCooldown: String?

    @Option(name: .customLong("cognito-endpoint"), help: SettingsOptions.help("COGNITO_ENDPOINT"))
    var cognitoEndpoint: String?

    /// The flags given, keyed by setting name.
    var values: [String: String] {
        let pairs: [(String, String?)] = [
            ("SECURE_UPLOAD_MODE", secureUploadMode),
            ("HOST", host),
            ("PORT", port),
            ("UPLOAD_BUCKET", uploadBucket),
            ("UPLOAD_URL_EXPIRY", uploadUrlExpiry),
            ("MAX_UPLOAD_BYTES", maxUploadBytes),
            ("ALLOWED_CONTENT_TYPES", allowedContentTypes),
            ("CORS_ALLOWED_ORIGINS", corsAllowedOrigins),
            ("STATIC_DIR", staticDir),
            ("S3_ENDPOINT", s3Endpoint),
            ("S3_FORCE_PATH_STYLE", s3ForcePathStyle),
            ("RATE_LIMIT_PER_MINUTE", rateLimitPerMinute),
            ("TOKEN_CACHE_SIZE", tokenCacheSize),
            ("AWS_REGION", awsRegion),
            ("COGNITO_USER_POOL_ID", cognitoUserPoolId),
            ("COGNITO_CLIENT_ID", cognitoClientId),
            ("COGNITO_ISSUER", cognitoIssuer),
            ("COGNITO_JWKS_URL", cognitoJwksUrl),
            ("COGNITO_JWKS_FILE", cognitoJwksFile),
            ("COGNITO_TOKEN_USE", cognitoTokenUse),
            ("COGNITO_REQUIRED_GROUPS", cognitoRequiredGroups),
            ("LOCAL_DATA_DIR", localDataDir),
            ("LOCAL_USERS", localUsers),
            ("LOG_FORMAT", logFormat),
            ("LOG_LEVEL", logLevel),
            ("TRUSTED_PROXIES", trustedProxies),
            ("SHUTDOWN_DELAY", shutdownDelay),
            ("SHUTDOWN_GRACE", shutdownGrace),
            ("HTTP_HEADER_TIMEOUT", httpHeaderTimeout),
            ("HTTP_BODY_TIMEOUT", httpBodyTimeout),
            ("HTTP_IDLE_TIMEOUT", httpIdleTimeout),
            ("HTTP_WRITE_TIMEOUT", httpWriteTimeout),
            ("MAX_CONNECTIONS", maxConnections),
            ("SEND_BUFFER_BYTES", sendBufferBytes),
            ("MAX_BUFFERED_BYTES", maxBufferedBytes),
            ("JWKS_REFRESH_INTERVAL", jwksRefreshInterval),
            ("JWKS_UNKNOWN_KID_COOLDOWN", jwksUnknownKidCooldown),
            ("COGNITO_ENDPOINT", cognitoEndpoint),
        ]
        var values: [String: String] = [:]
        for (name, value) in pairs { if let value { values[name] = value } }
        return values
    }

    /// `--help` text: what the setting does, its variable and its default.
    static func help(_ name: String) -> ArgumentHelp {
        guard let setting = SettingDescription.all.first(where: { $0.name == name }) else { return ArgumentHelp(name) }
        return ArgumentHelp("\(setting.help) [env: \(name); default: \(setting.defaultValue)]", valueName: "value")
    }
}
