package import FoundationEssentials
package import Logging

/// The service's swift-log backend: one line per event, as human text or as a JSON object, with
/// secrets redacted before anything is written.
///
/// Text: `2026-11-26T09:00:00.123Z info [request-id] message key=value` (metadata sorted by key,
/// values quoted when they hold spaces or quotes). JSON: `{"time","level","message","source",
/// "logger", …metadata}` with nested metadata flattened to dotted keys.
///
/// Redaction: a metadata key named like a secret (see ``LogRedaction/isSecretKey(_:)``) has its
/// whole value replaced by `<redacted>`; every other string, and the message itself, goes through
/// ``LogRedaction/redactText(_:)`` (signed URL query values, bearer credentials, JWTs).
package struct StructuredLogHandler: LogHandler {
    /// The metadata key whose value the text format shows in brackets after the level.
    package static let requestIDKey = "request-id"

    private static let reservedJSONKeys: Set<String> = ["time", "level", "message", "source", "logger", "error"]

    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package var logLevel: Logger.Level

    private let label: String
    private let format: LogFormat
    private let sink: LogSink
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: the `Logger`'s label, written as `logger` in JSON.
    ///   - format: text or JSON lines.
    ///   - level: the lowest level written.
    ///   - sink: receives each finished line.
    ///   - metadataProvider: contextual metadata added to each event.
    ///   - now: the clock stamped on each line.
    package init(
        label: String, format: LogFormat, level: Logger.Level, sink: LogSink,
        metadataProvider: Logger.MetadataProvider? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
        self.metadataProvider = metadataProvider
        self.now = now
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        let message = LogRedaction.redactText(event.message.description)
        let errorText = event.error.map { LogRedaction.redactText(String(describing: $0)) }
        let time = LogTimestamp.format(now())
        switch format {
        case .text:
            sink.write(textLine(time: time, level: event.level, message: message, error: errorText, metadata: merged))
        case .json:
            sink.write(
                jsonLine(
                    time: time, level: event.level, message: message, error: errorText, source: event.source,
                    metadata: merged))
        }
    }

    private func textLine(
        time: String, level: Logger.Level, message: String, error: String?, metadata: Logger.Metadata
    ) -> String {
        var line = time + " " + level.rawValue
        var fields = MetadataFlattener.flatten(metadata)
        if let index = fields.firstIndex(where: { $0.key == StructuredLogHandler.requestIDKey }) {
            line += " [" + TextEscaping.escapeControlCharacters(fields[index].value.text) + "]"
            fields.remove(at: index)
        }
        line += " " + TextEscaping.escapeControlCharacters(message)
        if let error {
            line += " error=" + TextEscaping.quoteIfNeeded(error)
        }
        for field in fields {
            line += " " + field.key + "=" + TextEscaping.quoteIfNeeded(field.value.text)
        }
        return line
    }

    private func jsonLine(
        time: String, level: Logger.Level, message: String, error: String?, source: String,
        metadata: Logger.Metadata
    ) -> String {
        var json = JSONLineWriter()
        json.add("time", time)
        json.add("level", level.rawValue)
        json.add("message", message)
        json.add("source", source)
        json.add("logger", label)
        if let error {
            json.add("error", error)
        }
        for field in MetadataFlattener.flatten(metadata) {
            let key = StructuredLogHandler.reservedJSONKeys.contains(field.key) ? "metadata." + field.key : field.key
            switch field.value {
            case .string(let value): json.add(key, value)
            case .array(let values): json.add(key, values)
            }
        }
        return json.finish()
    }
}
