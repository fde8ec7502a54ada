import FoundationEssentials

/// Merges the places settings come from, lowest precedence first: the `.env` file, then the
/// process environment, then CLI flags. The result is also what the AWS credential chain reads,
/// so `AWS_ACCESS_KEY_ID` and friends may come from `.env` too.
package enum SettingsSources {
    /// Reads `.env` at `path`; a missing file is fine unless `required` (an explicit `--env-file`).
    package static func readDotEnv(path: String, required: Bool) throws(ConfigurationError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required || FileManager.default.fileExists(atPath: path) {
                throw ConfigurationError(setting: "--env-file", problem: "cannot read \(path)")
            }
            return [:]
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(setting: path, problem: "is not UTF-8 text")
        }
        return try DotEnvParser.parse(text, source: path)
    }

    /// `environment` over `dotEnv`, then `flags` over both.
    package static func merge(
        dotEnv: [String: String], environment: [String: String], flags: [String: String]
    ) -> [String: String] {
        var merged = dotEnv
        merged.merge(environment) { _, real in real }
        merged.merge(flags) { _, flag in flag }
        return merged
    }
}
