import Glibc

/// Why local mode could not start or could not keep its state: a bad setting, or a file-system
/// operation on the data folder that failed. Messages name the setting or the path, never a
/// secret.
package struct LocalModeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One sentence saying what is wrong.
    package let description: String

    init(_ description: String) { self.description = description }

    /// A setting that is missing or malformed, named as the user spells it.
    static func invalidSetting(_ name: String, _ reason: String) -> LocalModeError {
        LocalModeError("\(name) \(reason)")
    }

    /// A system call on the data folder failed.
    static func fileSystem(_ operation: String, path: String, errno code: Int32) -> LocalModeError {
        LocalModeError("\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
