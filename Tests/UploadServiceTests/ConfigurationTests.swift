import Foundation
import Logging
import Testing

@testable import UploadService

@Suite("Configuration")
struct ConfigurationTests {
    static let awsBase: [String: String] = [
        "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
        "COGNITO_CLIENT_ID": "abc123def456",
        "UPLOAD_BUCKET": "my-uploads",
    ]

    @Test("with no settings it runs in local mode on loopback with the documented defaults")
    func localDefaults() throws {
        let configuration = try ServiceConfiguration.load(from: [:])
        #expect(configuration.mode == .local)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.uploadURLExpiry == 300)
        #expect(configuration.maxUploadBytes == 5_368_709_120)
        #expect(configuration.allowedContentTypes.isEmpty)
        #expect(configuration.staticDirectory == "frontend")
        #expect(configuration.rateLimitPerMinute == 60)
        #expect(configuration.tokenCacheSize == 10_000)
        #expect(configuration.region == "us-east-1")
        #expect(configuration.cognitoTokenUse == .any)
        #expect(configuration.localDataDirectory == ".data")
        #expect(configuration.localUsers == nil)
        #expect(configuration.logFormat == .text)
        #expect(configuration.logLevel == .info)
        #expect(configuration.shutdownDelay == .zero)
        #expect(configuration.shutdownGrace == .seconds(25))
    }

    @Test("a user pool id switches to aws mode: 0.0.0.0, json logs, issuer and JWKS derived from the pool's region")
    func awsDefaults() throws {
        let configuration = try ServiceConfiguration.load(from: Self.awsBase)
        #expect(configuration.mode == .aws)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.logFormat == .json)
        #expect(configuration.shutdownDelay == .seconds(5))
        #expect(configuration.cognitoIssuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123")
        #expect(
            configuration.cognitoJWKSURL
                == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json")
        #expect(configuration.s3ForcePathStyle == false)
    }

    @Test("an explicit issuer and a loopback http JWKS URL are taken as given (the moto arrangement)")
    func explicitIssuer() throws {
        var settings = Self.awsBase
        settings["COGNITO_USER_POOL_ID"] = nil
        settings["SECURE_UPLOAD_MODE"] = "aws"
        settings["COGNITO_ISSUER"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_0123456789abcdef"
        settings["COGNITO_JWKS_URL"] = "http://127.0.0.1:9229/us-east-1_0123456789abcdef/.well-known/jwks.json"
        settings["S3_ENDPOINT"] = "http://127.0.0.1:9100/"
        let configuration = try ServiceConfiguration.load(from: settings)
        #expect(configuration.cognitoIssuer == settings["COGNITO_ISSUER"])
        #expect(configuration.cognitoJWKSURL == settings["COGNITO_JWKS_URL"])
        #expect(configuration.s3Endpoint == "http://127.0.0.1:9100")
        #expect(configuration.s3ForcePathStyle)
    }

    @Test("wildcard content types, origins, groups and users are parsed into lists")
    func lists() throws {
        let configuration = try ServiceConfiguration.load(from: [
            "ALLOWED_CONTENT_TYPES": "image/*, application/PDF",
            "CORS_ALLOWED_ORIGINS": "https://app.example.com, http://localhost:3000",
            "LOCAL_USERS": "alice:s3cret,bob:pa:ss",
            "SHUTDOWN_DELAY": "1.5",
        ])
        #expect(configuration.allowedContentTypes.map(\.description) == ["image/*", "application/pdf"])
        #expect(configuration.corsAllowedOrigins == ["https://app.example.com", "http://localhost:3000"])
        #expect(configuration.localUsers?.map(\.name) == ["alice", "bob"])
        #expect(configuration.localUsers?.last?.password == "pa:ss")
        #expect(configuration.shutdownDelay == .milliseconds(1500))
    }

    static let badSettings: [(settings: [String: String], setting: String, fragment: String)] = [
        (["SECURE_UPLOAD_MODE": "cloud"], "SECURE_UPLOAD_MODE", "not one of local, aws"),
        (["HOST": "my host"], "HOST", "not an IPv4 or IPv6 address"),
        (["PORT": "80a"], "PORT", "not a whole number"),
        (["PORT": "70000"], "PORT", "out of range"),
        (["PORT": "-1"], "PORT", "out of range"),
        (["UPLOAD_BUCKET": "Bad_Bucket"], "UPLOAD_BUCKET", "may contain only lowercase letters, digits, '.' and '-'"),
        (["UPLOAD_BUCKET": "ab"], "UPLOAD_BUCKET", "not a valid S3 bucket name: it must be 3 to 63 characters, got 2"),
        (["UPLOAD_BUCKET": String(repeating: "a", count: 64)], "UPLOAD_BUCKET", "got 64"),
        (["UPLOAD_BUCKET": "my..bucket"], "UPLOAD_BUCKET", "must not contain two adjacent periods"),
        (["UPLOAD_BUCKET": ".mybucket"], "UPLOAD_BUCKET", "must begin and end with a lowercase letter or digit"),
        (["UPLOAD_BUCKET": "mybucket-"], "UPLOAD_BUCKET", "must begin and end with a lowercase letter or digit"),
        (["UPLOAD_BUCKET": "bücket"], "UPLOAD_BUCKET", "may contain only lowercase letters"),
        (["UPLOAD_URL_EXPIRY": "0"], "UPLOAD_URL_EXPIRY", "out of range"),
        (["UPLOAD_URL_EXPIRY": "604801"], "UPLOAD_URL_EXPIRY", "out of range"),
        (["MAX_UPLOAD_BYTES": "5368709121"], "MAX_UPLOAD_BYTES", "single S3 PUT"),
        (["MAX_UPLOAD_BYTES": "lots"], "MAX_UPLOAD_BYTES", "not a whole number"),
        (["ALLOWED_CONTENT_TYPES": "image"], "ALLOWED_CONTENT_TYPES", "\"image\" is not a media type"),
        (["ALLOWED_CONTENT_TYPES": "*/png"], "ALLOWED_CONTENT_TYPES", "not a media type"),
        (["CORS_ALLOWED_ORIGINS": "*"], "CORS_ALLOWED_ORIGINS", "\"*\" is not allowed"),
        (["CORS_ALLOWED_ORIGINS": "https://app.example.com/path"], "CORS_ALLOWED_ORIGINS", "not an origin"),
        (["CORS_ALLOWED_ORIGINS": "ftp://x.example"], "CORS_ALLOWED_ORIGINS", "not an origin"),
        (["S3_ENDPOINT": "localhost:9000"], "S3_ENDPOINT", "not an absolute http(s) URL"),
        (["S3_FORCE_PATH_STYLE": "maybe"], "S3_FORCE_PATH_STYLE", "not true or false"),
        (["RATE_LIMIT_PER_MINUTE": "-5"], "RATE_LIMIT_PER_MINUTE", "out of range"),
        (["TOKEN_CACHE_SIZE": "-1"], "TOKEN_CACHE_SIZE", "out of range"),
        (["TOKEN_CACHE_SIZE": "1000001"], "TOKEN_CACHE_SIZE", "out of range"),
        (["TOKEN_CACHE_SIZE": "off"], "TOKEN_CACHE_SIZE", "not a whole number"),
        (["AWS_REGION": "US East"], "AWS_REGION", "not an AWS region"),
        (["COGNITO_USER_POOL_ID": "nounderscore"], "COGNITO_USER_POOL_ID", "not a pool id"),
        (["COGNITO_CLIENT_ID": "abc/def"], "COGNITO_CLIENT_ID", "not an app client id"),
        (["COGNITO_ISSUER": "http://cognito.example.com/pool"], "COGNITO_ISSUER", "must use https"),
        (["COGNITO_JWKS_URL": "http://10.0.0.1/jwks.json"], "COGNITO_JWKS_URL", "must use https"),
        (["COGNITO_TOKEN_USE": "refresh"], "COGNITO_TOKEN_USE", "not one of id, access, any"),
        (["LOCAL_USERS": "alice"], "LOCAL_USERS", "entry 1 is not name:password"),
        (["LOCAL_USERS": "alice:"], "LOCAL_USERS", "empty password"),
        (["LOCAL_USERS": "a b:pw"], "LOCAL_USERS", "user name"),
        (["LOCAL_USERS": "al:pw,al:pw2"], "LOCAL_USERS", "listed twice"),
        (["LOG_FORMAT": "xml"], "LOG_FORMAT", "not one of text, json"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL", "not one of trace"),
        (["SHUTDOWN_DELAY": "-1"], "SHUTDOWN_DELAY", "not a number of seconds"),
        (["SHUTDOWN_GRACE": "soon"], "SHUTDOWN_GRACE", "not a number of seconds"),
        (["HTTP_HEADER_TIMEOUT": "0"], "HTTP_HEADER_TIMEOUT", "at least 0.1 seconds"),
        (["HTTP_BODY_TIMEOUT": "forever"], "HTTP_BODY_TIMEOUT", "not a number of seconds"),
        (["HTTP_IDLE_TIMEOUT": "3601"], "HTTP_IDLE_TIMEOUT", "between 0 and 3600"),
        (["HTTP_WRITE_TIMEOUT": "-3"], "HTTP_WRITE_TIMEOUT", "not a number of seconds"),
        (["MAX_CONNECTIONS": "0"], "MAX_CONNECTIONS", "out of range"),
        (["SEND_BUFFER_BYTES": "-1"], "SEND_BUFFER_BYTES", "out of range"),
        (["MAX_BUFFERED_BYTES": "1024"], "MAX_BUFFERED_BYTES", "out of range"),
        (["JWKS_REFRESH_INTERVAL": "5"], "JWKS_REFRESH_INTERVAL", "out of range"),
        (["JWKS_UNKNOWN_KID_COOLDOWN": "0"], "JWKS_UNKNOWN_KID_COOLDOWN", "out of range"),
        (["COGNITO_ENDPOINT": "https://cognito.example.com/"], "COGNITO_ENDPOINT", "only used in aws mode"),
        (
            [
                "COGNITO_USER_POOL_ID": "us-east-1_abc", "COGNITO_CLIENT_ID": "abc", "UPLOAD_BUCKET": "bucket1",
                "COGNITO_ENDPOINT": "http://cognito.example.com/",
            ], "COGNITO_ENDPOINT", "must use https"
        ),
        (
            ["SECURE_UPLOAD_MODE": "aws", "COGNITO_CLIENT_ID": "abc", "UPLOAD_BUCKET": "bucket1"],
            "COGNITO_USER_POOL_ID", "required in aws mode"
        ),
        (
            ["COGNITO_USER_POOL_ID": "us-east-1_abc", "UPLOAD_BUCKET": "bucket1"], "COGNITO_CLIENT_ID",
            "required in aws mode"
        ),
        (
            ["COGNITO_USER_POOL_ID": "us-east-1_abc", "COGNITO_CLIENT_ID": "abc"], "UPLOAD_BUCKET",
            "required in aws mode"
        ),
    ]

    @Test("HTTP limits, JWKS timing and the page's Cognito endpoint default as documented and are read when set")
    func serverAndKeySettings() throws {
        let defaults = try ServiceConfiguration.load(from: [:])
        #expect(defaults.http == ServiceConfiguration.HTTPLimits())
        #expect(defaults.http.idleTimeout == .seconds(75) && defaults.http.maxConnections == 10_000)
        #expect(defaults.jwksRefreshInterval == .seconds(3600) && defaults.jwksUnknownKeyCooldown == .seconds(10))
        #expect(defaults.cognitoEndpoint == nil)
        let set = try ServiceConfiguration.load(from: [
            "COGNITO_USER_POOL_ID": "us-east-1_abc", "COGNITO_CLIENT_ID": "abc", "UPLOAD_BUCKET": "bucket1",
            "HTTP_HEADER_TIMEOUT": "2.5", "HTTP_BODY_TIMEOUT": "12", "HTTP_IDLE_TIMEOUT": "350",
            "HTTP_WRITE_TIMEOUT": "9", "MAX_CONNECTIONS": "512", "SEND_BUFFER_BYTES": "0",
            "MAX_BUFFERED_BYTES": "16777216", "JWKS_REFRESH_INTERVAL": "900",
            "JWKS_UNKNOWN_KID_COOLDOWN": "30", "COGNITO_ENDPOINT": "http://127.0.0.1:5000",
        ])
        #expect(set.http.headerTimeout == .milliseconds(2500) && set.http.bodyTimeout == .seconds(12))
        #expect(set.http.idleTimeout == .seconds(350) && set.http.writeTimeout == .seconds(9))
        #expect(set.http.maxConnections == 512)
        #expect(set.http.sendBufferBytes == 0 && set.http.maxBufferedBytes == 16 << 20)
        #expect(defaults.http.sendBufferBytes == 128 * 1024 && defaults.http.maxBufferedBytes == 64 << 20)
        #expect(set.jwksRefreshInterval == .seconds(900) && set.jwksUnknownKeyCooldown == .seconds(30))
        #expect(set.cognitoEndpoint == "http://127.0.0.1:5000/")
        let summary = Dictionary(uniqueKeysWithValues: set.redactedSummary.map { ($0.name, $0.value) })
        #expect(summary["HTTP_HEADER_TIMEOUT"] == "2.5s" && summary["MAX_CONNECTIONS"] == "512")
    }

    @Test("each bad setting stops start-up with one line naming it and what is wrong", arguments: badSettings)
    func badSetting(settings: [String: String], setting: String, fragment: String) {
        #expect {
            _ = try ServiceConfiguration.load(from: settings)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.setting == setting && error.problem.contains(fragment)
                && error.description.hasPrefix("invalid setting \(setting): ") && !error.description.contains("\n")
        }
    }

    @Test("a bad LOCAL_USERS entry never repeats the password in the error")
    func passwordNotInError() {
        #expect {
            _ = try ServiceConfiguration.load(from: ["LOCAL_USERS": "ok:TopSecret1,bad name:TopSecret2"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("LOCAL_USERS") && !text.contains("TopSecret")
        }
    }

    @Test("the start-up summary lists every setting and redacts local passwords")
    func summaryRedacts() throws {
        let configuration = try ServiceConfiguration.load(from: ["LOCAL_USERS": "alice:hunter22"])
        let summary = configuration.redactedSummary
        #expect(summary.map(\.name) == SettingDescription.names)
        let text = summary.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
        #expect(!text.contains("hunter22"))
        #expect(text.contains("LOCAL_USERS=alice:<redacted>"))
    }

    @Test("every setting has a distinct kebab-case CLI flag")
    func flags() {
        let flags = SettingDescription.all.map(\.flag)
        #expect(Set(flags).count == flags.count)
        #expect(flags.contains("--max-upload-bytes"))
        #expect(flags.allSatisfy { $0.hasPrefix("--") && $0 == $0.lowercased() && !$0.contains("_") })
    }

    @Test("CLI flags win over the environment, which wins over .env")
    func precedence() {
        let merged = SettingsSources.merge(
            dotEnv: ["PORT": "1", "HOST": "127.0.0.2", "UPLOAD_BUCKET": "from-dotenv"],
            environment: ["PORT": "2", "HOST": "127.0.0.3"], flags: ["PORT": "3"])
        #expect(merged["PORT"] == "3")
        #expect(merged["HOST"] == "127.0.0.3")
        #expect(merged["UPLOAD_BUCKET"] == "from-dotenv")
    }
}

@Suite(".env parser")
struct DotEnvParserTests {
    @Test("parses plain, quoted, exported and commented lines")
    func parsesForms() throws {
        let text = """
            # a comment
            PORT=9000
            export HOST=127.0.0.1
            EMPTY=
            SPACED = value with spaces   # trailing comment
            HASH=abc#def
            SINGLE='literal # not a comment \\n'
            DOUBLE="line\\nnext \\"quoted\\""
            CRLF=yes\r

            PORT=9001
            """
        let values = try DotEnvParser.parse(text)
        #expect(values["PORT"] == "9001")
        #expect(values["HOST"] == "127.0.0.1")
        #expect(values["EMPTY"] == "")
        #expect(values["SPACED"] == "value with spaces")
        #expect(values["HASH"] == "abc#def")
        #expect(values["SINGLE"] == "literal # not a comment \\n")
        #expect(values["DOUBLE"] == "line\nnext \"quoted\"")
        #expect(values["CRLF"] == "yes")
    }

    @Test(
        "a malformed line is reported with its file and line number",
        arguments: [
            ("PORT", "expected KEY=VALUE"), ("1PORT=2", "not a valid variable name"), ("A=\"open", "unterminated"),
        ])
    func malformed(line: String, fragment: String) {
        #expect {
            _ = try DotEnvParser.parse("OK=1\n" + line, source: "x.env")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.setting == "x.env:2" && error.problem.contains(fragment)
        }
    }
}

@Suite(".env.example")
struct DotEnvExampleTests {
    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".env.example").path
    }

    @Test("documents every setting, parses, and as-is yields the defaults")
    func complete() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let values = try DotEnvParser.parse(text, source: ".env.example")
        #expect(Set(values.keys) == Set(SettingDescription.names))
        for setting in SettingDescription.all {
            #expect(text.contains("# Default: \(setting.defaultValue)"), "\(setting.name)")
        }
        let configuration = try ServiceConfiguration.load(from: values)
        #expect(configuration.mode == .local && configuration.port == 8080)
    }
}
