/// One setting of SecureUpload: its environment name, CLI flag, default and meaning. The list
/// drives the CLI's `--help`, the start-up summary and the README/.env.example documentation.
package struct SettingDescription: Sendable {
    /// Environment variable name, e.g. `MAX_UPLOAD_BYTES`.
    package let name: String
    /// The default, as documentation (`8080`, `aws: 0.0.0.0, local: 127.0.0.1`, or empty).
    package let defaultValue: String
    /// One sentence for `--help`.
    package let help: String
    /// Whether the value must never be printed.
    package let isSecret: Bool

    /// A setting description.
    package init(_ name: String, default defaultValue: String, _ help: String, secret: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.isSecret = secret
    }

    /// The CLI flag: `--max-upload-bytes`.
    package var flag: String { "--" + name.lowercased().replacingUnderscores() }

    /// Every setting, in the order the documentation lists them.
    package static let all: [SettingDescription] = [
        SettingDescription(
            "SECURE_UPLOAD_MODE", default: "aws if COGNITO_USER_POOL_ID is set, else local",
            "local (built-in Cognito and S3 stand-ins, no AWS account) or aws (real Cognito and S3)."),
        SettingDescription(
            "HOST", default: "127.0.0.1 in local mode, 0.0.0.0 in aws mode",
            "Address to listen on (IPv4 or IPv6 literal)."),
        SettingDescription("PORT", default: "8080", "TCP port to listen on (0 picks a free port)."),
        SettingDescription(
            "UPLOAD_BUCKET", default: "uploads in local mode; required in aws mode", "S3 bucket that receives uploads."),
        SettingDescription(
            "UPLOAD_URL_EXPIRY", default: "300",
            "Lifetime of a pre-signed URL in seconds (1-604800; never past the credentials' own expiry)."),
        SettingDescription(
            "MAX_UPLOAD_BYTES", default: "5368709120",
            "Largest file accepted, in bytes (at most 5 GiB, S3's single-PUT limit)."),
        SettingDescription(
            "ALLOWED_CONTENT_TYPES", default: "(any)",
            "Comma-separated media types that may be uploaded; wildcards like image/* allowed. Empty allows any."),
        SettingDescription(
            "CORS_ALLOWED_ORIGINS", default: "(none)",
            "Comma-separated origins (https://app.example.com) allowed to call POST /upload from a browser."),
        SettingDescription("STATIC_DIR", default: "frontend", "Folder with the upload page served at /."),
        SettingDescription(
            "S3_ENDPOINT", default: "(AWS regional endpoint)",
            "Custom S3 endpoint URL for S3-compatible stores (implies path-style unless S3_FORCE_PATH_STYLE=false)."),
        SettingDescription(
            "S3_FORCE_PATH_STYLE", default: "false (true when S3_ENDPOINT is set)",
            "Use path-style URLs (endpoint/bucket/key) instead of virtual-hosted ones."),
        SettingDescription(
            "RATE_LIMIT_PER_MINUTE", default: "60", "Upload requests per minute per user (token bucket); 0 disables."),
        SettingDescription(
            "TOKEN_CACHE_SIZE", default: "10000",
            "Verified tokens remembered so a reused token skips the RSA check (until its exp); 0 checks every request."),
        SettingDescription("AWS_REGION", default: "us-east-1", "AWS region of the bucket (and of Cognito by default)."),
        SettingDescription(
            "COGNITO_USER_POOL_ID", default: "(none)", "Cognito user pool id, e.g. us-east-1_AbCdEf123 (aws mode)."),
        SettingDescription(
            "COGNITO_CLIENT_ID", default: "(none; required in aws mode)",
            "Cognito app client id(s) accepted in tokens, comma-separated."),
        SettingDescription(
            "COGNITO_ISSUER", default: "https://cognito-idp.<region>.amazonaws.com/<pool>",
            "Expected iss claim of tokens."),
        SettingDescription(
            "COGNITO_JWKS_URL", default: "<issuer>/.well-known/jwks.json",
            "Where the signing keys are fetched (https; plain http only for loopback hosts)."),
        SettingDescription(
            "COGNITO_JWKS_FILE", default: "(none)",
            "Read the signing keys from this JSON file instead of fetching them."),
        SettingDescription(
            "COGNITO_TOKEN_USE", default: "any", "Which Cognito tokens are accepted: id, access or any."),
        SettingDescription(
            "COGNITO_REQUIRED_GROUPS", default: "(none)",
            "Comma-separated Cognito groups; a token must carry at least one of them (403 otherwise)."),
        SettingDescription(
            "LOCAL_DATA_DIR", default: ".data", "Local mode: where uploaded objects and the local keys are stored."),
        SettingDescription(
            "LOCAL_USERS", default: "one user demo with a random password printed at start-up",
            "Local mode: sign-in users as name:password,name:password.", secret: true),
        SettingDescription("LOG_FORMAT", default: "text in local mode, json in aws mode", "Log format: text or json."),
        SettingDescription(
            "LOG_LEVEL", default: "info", "Log level: trace, debug, info, notice, warning, error or critical."),
        SettingDescription(
            "TRUSTED_PROXIES", default: "(none)",
            "Comma-separated CIDRs of proxies whose X-Forwarded-For / X-Forwarded-Proto are believed."),
        SettingDescription(
            "SHUTDOWN_DELAY", default: "5 in aws mode, 0 in local mode",
            "Seconds between SIGTERM (readiness turns 503) and closing the listener."),
        SettingDescription(
            "SHUTDOWN_GRACE", default: "25", "Seconds in-flight requests get to finish after the listener closes."),
        SettingDescription(
            "HTTP_HEADER_TIMEOUT", default: "10",
            "Seconds a client gets to send a whole request head (slow-loris guard); 408 after."),
        SettingDescription(
            "HTTP_BODY_TIMEOUT", default: "30", "Seconds a request body may make no progress before 408 and close."),
        SettingDescription(
            "HTTP_IDLE_TIMEOUT", default: "75",
            "Seconds an idle keep-alive connection stays open; keep it above the load balancer's (ALB: 60)."),
        SettingDescription(
            "HTTP_WRITE_TIMEOUT", default: "30",
            "Seconds a client that stops reading a response gets before its connection is closed."),
        SettingDescription(
            "MAX_CONNECTIONS", default: "10000", "Open connections beyond this are answered 503 and closed."),
        SettingDescription(
            "SEND_BUFFER_BYTES", default: "131072",
            "Kernel send buffer per connection (0: the kernel's autotuning, which lets a client that reads nothing park MBs)."
        ),
        SettingDescription(
            "MAX_BUFFERED_BYTES", default: "67108864",
            "Bytes the process may hold for slow readers; above it the most stalled non-readers are dropped."),
        SettingDescription(
            "JWKS_REFRESH_INTERVAL", default: "3600", "Seconds between scheduled JWKS fetches (60-86400)."),
        SettingDescription(
            "JWKS_UNKNOWN_KID_COOLDOWN", default: "10",
            "Least seconds between two JWKS refetches caused by tokens with an unknown kid (1-3600)."),
        SettingDescription(
            "COGNITO_ENDPOINT", default: "https://cognito-idp.<pool region>.amazonaws.com/",
            "Aws mode: the Cognito endpoint the page signs in against (an emulator, or a proxy)."),
    ]

    /// Names of every setting.
    package static var names: [String] { all.map(\.name) }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
