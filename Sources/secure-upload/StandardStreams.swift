import Glibc

/// Messages to standard output and error, written straight to their file descriptors.
enum StandardStreams {
    /// Writes `text` whole to standard error.
    static func error(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Writes `text` whole to standard output.
    static func output(_ text: String) { write(text, to: STDOUT_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) {
        var rest = Array(text.utf8)[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            // Nowhere left to report a failed write to.
            guard written > 0 else { return }
            rest = rest.dropFirst(written)
        }
    }
}
