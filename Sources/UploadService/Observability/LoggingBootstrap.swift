package import Logging

/// Installs the service's log handler as swift-log's process-wide backend.
package enum LoggingBootstrap {
    /// Routes every `Logger` in the process to a ``StructuredLogHandler`` writing to standard output.
    ///
    /// swift-log allows one bootstrap per process: call this once, first thing in `main`.
    ///
    /// - Parameters:
    ///   - format: `text` or `json` (the `LOG_FORMAT` setting).
    ///   - level: the lowest level written (the `LOG_LEVEL` setting).
    package static func bootstrap(format: LogFormat, level: Logger.Level) {
        let sink = LogSink.standardOutput
        LoggingSystem.bootstrap { label in
            StructuredLogHandler(label: label, format: format, level: level, sink: sink)
        }
    }
}
