/// A setting that stops start-up: names the setting and says what is wrong with its value
/// (never the value itself when the setting is secret).
package struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The environment variable name (`PORT`), or the file for `.env` syntax errors.
    package var setting: String
    /// What is wrong, as a sentence fragment.
    package var problem: String

    /// An error for `setting`.
    package init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    /// `invalid setting NAME: problem`, one line.
    package var description: String { "invalid setting \(setting): \(problem)" }
}
