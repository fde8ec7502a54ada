import Foundation
import Logging
import Synchronization
import Testing

@testable import UploadService

/// Collects the lines a ``StructuredLogHandler`` writes, for assertions.
final class CapturedLines: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    var sink: LogSink {
        LogSink { line in self.storage.withLock { $0.append(line) } }
    }

    /// A logger writing to this capture in `format`, stamped with a fixed time.
    func logger(format: LogFormat, level: Logger.Level = .trace, label: String = "test") -> Logger {
        let sink = self.sink
        return Logger(label: label) { label in
            StructuredLogHandler(
                label: label, format: format, level: level, sink: sink,
                now: { Date(timeIntervalSince1970: 1_795_683_600.123) })
        }
    }

    /// The only line captured, parsed as a JSON object.
    func singleJSONObject() throws -> [String: Any] {
        let captured = lines
        try #require(captured.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(captured[0].utf8))
        return try #require(object as? [String: Any])
    }
}
