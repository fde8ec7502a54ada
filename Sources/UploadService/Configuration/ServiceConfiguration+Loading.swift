import FoundationEssentials
import Logging

extension ServiceConfiguration {
    /// Reads and validates every setting from `settings` (the real environment merged over the
    /// `.env` file, with CLI flags merged over both). Empty values count as unset. The first bad
    /// setting throws an error naming it.
    package static func load(from settings: [String: String]) throws(ConfigurationError) -> ServiceConfiguration {
        let reader = SettingsReader(settings: settings)
        let poolID = try reader.string("COGNITO_USER_POOL_ID")
        let mode: Mode = try reader.choice("SECURE_UPLOAD_MODE") ?? (poolID != nil ? .aws : .local)
        let region = try reader.region("AWS_REGION") ?? "us-east-1"
        let host = try reader.host("HOST") ?? (mode == .aws ? "0.0.0.0" : "127.0.0.1")
        let port = try reader.integer("PORT", in: 0...65535) ?? 8080
        let bucket = try reader.bucket("UPLOAD_BUCKET")
        let expiry = try reader.integer("UPLOAD_URL_EXPIRY", in: 1...604_800) ?? 300
        let maxBytes =
            try reader.integer(
                "MAX_UPLOAD_BYTES", in: 1...UploadPolicy.singlePutLimit,
                tooLarge: "is over 5368709120 bytes, the largest object a single S3 PUT can store")
            ?? UploadPolicy.singlePutLimit
        let contentTypes = try reader.list("ALLOWED_CONTENT_TYPES").map { (entry) throws(ConfigurationError) in
            guard let pattern = MediaTypePattern(entry) else {
                throw ConfigurationError(
                    setting: "ALLOWED_CONTENT_TYPES",
                    problem: "\"\(entry)\" is not a media type like image/png, image/* or */*")
            }
            return pattern
        }
        let origins = try reader.list("CORS_ALLOWED_ORIGINS").map { (entry) throws(ConfigurationError) in
            try validateOrigin(entry)
        }
        let staticDirectory = try reader.string("STATIC_DIR") ?? "frontend"
        let endpoint = try reader.url("S3_ENDPOINT", allowHTTP: true)
        let pathStyle = try reader.bool("S3_FORCE_PATH_STYLE") ?? (endpoint != nil)
        let rateLimit = try reader.integer("RATE_LIMIT_PER_MINUTE", in: 0...1_000_000) ?? 60
        let tokenCacheSize = try reader.integer("TOKEN_CACHE_SIZE", in: 0...1_000_000) ?? 10_000
        let clientIDs = try reader.list("COGNITO_CLIENT_ID")
        for clientID in clientIDs where !clientID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw ConfigurationError(
                setting: "COGNITO_CLIENT_ID", problem: "\"\(clientID)\" is not an app client id (letters and digits)")
        }
        if let poolID { try validatePoolID(poolID) }
        var issuer = try reader.url("COGNITO_ISSUER", allowHTTP: false, loopbackHTTP: true)
        var jwksURL = try reader.url("COGNITO_JWKS_URL", allowHTTP: false, loopbackHTTP: true)
        let jwksFile = try reader.string("COGNITO_JWKS_FILE")
        let tokenUse: TokenUse = try reader.choice("COGNITO_TOKEN_USE") ?? .any
        let groups = try reader.list("COGNITO_REQUIRED_GROUPS")
        let dataDirectory = try reader.string("LOCAL_DATA_DIR") ?? ".data"
        let users = try reader.string("LOCAL_USERS").map { (text) throws(ConfigurationError) in try parseUsers(text) }
        let logFormat: LogStyle = try reader.choice("LOG_FORMAT") ?? (mode == .aws ? .json : .text)
        let logLevel = try reader.logLevel("LOG_LEVEL") ?? .info
        let trustedProxies = try reader.string("TRUSTED_PROXIES") ?? ""
        let delay = try reader.seconds("SHUTDOWN_DELAY") ?? (mode == .aws ? .seconds(5) : .zero)
        let grace = try reader.seconds("SHUTDOWN_GRACE") ?? .seconds(25)
        var http = HTTPLimits()
        http.headerTimeout = try reader.timeout("HTTP_HEADER_TIMEOUT") ?? http.headerTimeout
        http.bodyTimeout = try reader.timeout("HTTP_BODY_TIMEOUT") ?? http.bodyTimeout
        http.idleTimeout = try reader.timeout("HTTP_IDLE_TIMEOUT") ?? http.idleTimeout
        http.writeTimeout = try reader.timeout("HTTP_WRITE_TIMEOUT") ?? http.writeTimeout
        http.maxConnections = try reader.integer("MAX_CONNECTIONS", in: 1...1_000_000) ?? http.maxConnections
        http.sendBufferBytes = try reader.integer("SEND_BUFFER_BYTES", in: 0...(64 << 20)) ?? http.sendBufferBytes
        http.maxBufferedBytes =
            try reader.integer("MAX_BUFFERED_BYTES", in: (1 << 20)...(1 << 40)) ?? http.maxBufferedBytes
        let refreshInterval = try reader.integer("JWKS_REFRESH_INTERVAL", in: 60...86_400).map { Duration.seconds($0) }
        let cooldown = try reader.integer("JWKS_UNKNOWN_KID_COOLDOWN", in: 1...3600).map { Duration.seconds($0) }
        let cognitoEndpoint = try reader.url("COGNITO_ENDPOINT", allowHTTP: false, loopbackHTTP: true)
        if cognitoEndpoint != nil, mode == .local {
            throw ConfigurationError(
                setting: "COGNITO_ENDPOINT", problem: "is only used in aws mode (local mode serves its own)")
        }

        if mode == .aws {
            if issuer == nil {
                guard let poolID else {
                    throw ConfigurationError(
                        setting: "COGNITO_USER_POOL_ID", problem: "is required in aws mode (or set COGNITO_ISSUER)")
                }
                // A pool id starts with its own region, which may differ from the bucket's.
                let poolRegion = poolID.split(separator: "_").first.map(String.init) ?? region
                issuer = "https://cognito-idp.\(poolRegion).amazonaws.com/\(poolID)"
            }
            if jwksURL == nil, jwksFile == nil, let issuer { jwksURL = issuer + "/.well-known/jwks.json" }
            guard !clientIDs.isEmpty else {
                throw ConfigurationError(setting: "COGNITO_CLIENT_ID", problem: "is required in aws mode")
            }
            guard bucket != nil else {
                throw ConfigurationError(setting: "UPLOAD_BUCKET", problem: "is required in aws mode")
            }
        }
        var configuration = ServiceConfiguration(
            mode: mode, host: host, port: port, uploadBucket: bucket ?? "uploads", uploadURLExpiry: expiry,
            maxUploadBytes: maxBytes, allowedContentTypes: contentTypes, corsAllowedOrigins: origins,
            staticDirectory: staticDirectory, s3Endpoint: endpoint, s3ForcePathStyle: pathStyle,
            rateLimitPerMinute: rateLimit, tokenCacheSize: tokenCacheSize, region: region, cognitoUserPoolID: poolID,
            cognitoClientIDs: clientIDs,
            cognitoIssuer: issuer, cognitoJWKSURL: jwksURL, cognitoJWKSFile: jwksFile, cognitoTokenUse: tokenUse,
            cognitoRequiredGroups: groups, localDataDirectory: dataDirectory, localUsers: users,
            logFormat: logFormat, logLevel: logLevel, trustedProxies: trustedProxies, shutdownDelay: delay,
            shutdownGrace: grace)
        configuration.http = http
        configuration.jwksRefreshInterval = refreshInterval ?? configuration.jwksRefreshInterval
        configuration.jwksUnknownKeyCooldown = cooldown ?? configuration.jwksUnknownKeyCooldown
        configuration.cognitoEndpoint = cognitoEndpoint.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        return configuration
    }

    static func validateOrigin(_ entry: String) throws(ConfigurationError) -> String {
        let setting = "CORS_ALLOWED_ORIGINS"
        guard entry != "*" else {
            throw ConfigurationError(setting: setting, problem: "\"*\" is not allowed; list each origin exactly")
        }
        guard let url = URLComponents(string: entry), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw ConfigurationError(
                setting: setting,
                problem:
                    "\"\(entry)\" is not an origin like https://app.example.com (scheme, host, optional port; no path)")
        }
        return entry
    }

    static func validatePoolID(_ poolID: String) throws(ConfigurationError) {
        let parts = poolID.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, SettingsReader.isRegion(String(parts[0])),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw ConfigurationError(
                setting: "COGNITO_USER_POOL_ID", problem: "\"\(poolID)\" is not a pool id like us-east-1_AbCdEf123")
        }
    }

    static func parseUsers(_ text: String) throws(ConfigurationError) -> [LocalUser] {
        var users: [LocalUser] = []
        for (position, entry) in text.split(separator: ",").enumerated() {
            let trimmed = String(entry).trimmingASCIIWhitespace()
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw ConfigurationError(setting: "LOCAL_USERS", problem: "entry \(position + 1) is not name:password")
            }
            let name = String(trimmed[..<colon])
            let password = String(trimmed[trimmed.index(after: colon)...])
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) })
            else {
                throw ConfigurationError(
                    setting: "LOCAL_USERS",
                    problem: "entry \(position + 1) has a user name other than letters, digits and . _ @ -")
            }
            guard !password.isEmpty else {
                throw ConfigurationError(setting: "LOCAL_USERS", problem: "user \(name) has an empty password")
            }
            guard !users.contains(where: { $0.name == name }) else {
                throw ConfigurationError(setting: "LOCAL_USERS", problem: "user \(name) is listed twice")
            }
            users.append(LocalUser(name: name, password: password))
        }
        guard !users.isEmpty else { throw ConfigurationError(setting: "LOCAL_USERS", problem: "lists no user") }
        return users
    }
}
