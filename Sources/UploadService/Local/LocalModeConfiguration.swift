/// What local mode needs to run its Cognito-compatible identity endpoint and its S3-compatible
/// receiver inside the service. Built by the application from the settings; validated by
/// `validate()` (the provider and the receiver call it).
package struct LocalModeConfiguration: Sendable {
    /// `LOCAL_DATA_DIR`: objects go to `<dataDirectory>/<bucket>/<key>`, internal state to
    /// `<dataDirectory>/.secure-upload/`.
    package var dataDirectory: String
    /// `LOCAL_USERS` parsed by `parseUsers(_:)`; nil means one `demo` user with a random password.
    package var users: [(name: String, password: String)]?
    /// The AWS region the local pool pretends to live in (`AWS_REGION`); part of the pool id and
    /// of the SigV4 credential scope.
    package var region: String
    /// `UPLOAD_BUCKET`: the only bucket the receiver knows.
    package var bucket: String
    /// Where the server is reachable, without a trailing slash (`http://127.0.0.1:8080`).
    package var baseURL: String
    /// `MAX_UPLOAD_BYTES`: larger bodies get S3's `EntityTooLarge`.
    package var maxUploadBytes: Int64

    /// Stores the settings as given; `validate()` checks them.
    package init(
        dataDirectory: String, users: [(name: String, password: String)]?, region: String, bucket: String,
        baseURL: String, maxUploadBytes: Int64
    ) {
        self.dataDirectory = dataDirectory
        self.users = users
        self.region = region
        self.bucket = bucket
        self.baseURL = baseURL
        self.maxUploadBytes = maxUploadBytes
    }

    /// `baseURL` without trailing slashes.
    var normalizedBaseURL: String {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Checks every field, naming the setting that is wrong.
    package func validate() throws(LocalModeError) {
        if dataDirectory.isEmpty { throw .invalidSetting("LOCAL_DATA_DIR", "must not be empty") }
        if dataDirectory.utf8.contains(0) { throw .invalidSetting("LOCAL_DATA_DIR", "must not contain NUL") }
        if let reason = S3BucketName.problem(bucket) { throw .invalidSetting("UPLOAD_BUCKET", reason) }
        let regionOK =
            !region.isEmpty && region.utf8.count <= 32
            && region.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        if !regionOK {
            throw .invalidSetting("AWS_REGION", "must be lowercase letters, digits and '-' (e.g. us-east-1)")
        }
        let base = normalizedBaseURL
        if !(base.hasPrefix("http://") || base.hasPrefix("https://")) || base.contains("?") || base.contains("#") {
            throw .invalidSetting("base URL", "must be an http(s) origin such as http://127.0.0.1:8080, got \(base)")
        }
        if maxUploadBytes < 0 { throw .invalidSetting("MAX_UPLOAD_BYTES", "must not be negative") }
        if let users { try Self.validate(users: users) }
    }

    /// Parses `LOCAL_USERS`: `name:password` pairs separated by commas. The password is everything
    /// after the first colon. Names must be non-empty, unique, and free of whitespace and control
    /// characters; passwords must be non-empty. Errors never echo a password.
    package static func parseUsers(_ list: String) throws(LocalModeError) -> [(name: String, password: String)] {
        var users: [(name: String, password: String)] = []
        for (index, entry) in list.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmed = entry.trimmingWhitespace()
            if trimmed.isEmpty { throw .invalidSetting("LOCAL_USERS", "entry \(index + 1) is empty") }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw .invalidSetting("LOCAL_USERS", "entry \(index + 1) has no ':' between name and password")
            }
            users.append((String(trimmed[..<colon]), String(trimmed[trimmed.index(after: colon)...])))
        }
        try validate(users: users)
        return users
    }

    static func validate(users: [(name: String, password: String)]) throws(LocalModeError) {
        if users.isEmpty { throw .invalidSetting("LOCAL_USERS", "names no user") }
        var seen: Set<String> = []
        for (index, user) in users.enumerated() {
            if user.name.isEmpty { throw .invalidSetting("LOCAL_USERS", "entry \(index + 1) has an empty user name") }
            if user.name.utf8.count > 128 {
                throw .invalidSetting("LOCAL_USERS", "user name in entry \(index + 1) is longer than 128 bytes")
            }
            if user.name.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            }) {
                throw .invalidSetting(
                    "LOCAL_USERS", "user name in entry \(index + 1) contains whitespace or control characters")
            }
            if user.password.isEmpty {
                throw .invalidSetting("LOCAL_USERS", "user \(user.name) has an empty password")
            }
            if !seen.insert(user.name).inserted {
                throw .invalidSetting("LOCAL_USERS", "user \(user.name) is listed twice")
            }
        }
    }
}
