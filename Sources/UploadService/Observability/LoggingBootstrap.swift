package import Logging
import Synchronization

/// Installs the service's log handler as swift-log's process-wide backend.
package enum LoggingBootstrap {
    private static let installed = Mutex<AccessLogger?>(nil)

    /// Routes every `Logger` in the process to a ``StructuredLogHandler`` writing to standard output,
    /// and makes ``accessLogger`` format access lines itself into the same, buffered, output.
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
        installed.withLock {
            $0 = AccessLogger(format: format, level: level, writer: .standardOutput)
        }
    }

    /// The access logger to use: after ``bootstrap(format:level:)`` one that writes the same lines
    /// as the handler without going through swift-log; before it (tests), one on swift-log.
    package static var accessLogger: AccessLogger {
        installed.withLock { $0 } ?? AccessLogger(logger: Logger(label: AccessLogger.label))
    }
}
