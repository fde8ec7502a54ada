import FoundationEssentials

/// Writes one access line straight into a byte buffer: the same bytes that
/// ``StructuredLogHandler`` writes for ``AccessLogger``'s swift-log event (field names and order,
/// escaping, redaction), without the metadata dictionary, its merge and flattening, and the
/// intermediate strings. The access line was the largest piece of application work per request.
///
/// Values that are plain printable ASCII with nothing for quoting, escaping or redaction to act on
/// (the usual request) are copied as they are. Anything else takes the general path, which runs
/// the handler's own functions (``LogRedaction``, ``TextEscaping``, ``JSONLineWriter``) on the
/// values, so hostile paths are treated exactly as before.
struct AccessLineFormatter: Sendable {
    /// The module swift-log reports as the `source` of ``AccessLogger``'s events.
    static let source = "UploadService"

    /// Text or JSON.
    let format: LogFormat
    /// The logger label written as `logger` (JSON only).
    let label: String
    /// `,"source":"UploadService","logger":"<label>"`, built once.
    private let jsonSourceAndLogger: [UInt8]

    /// A formatter writing `format` lines that name `label` as their logger.
    init(format: LogFormat, label: String) {
        self.format = format
        self.label = label
        var fields: [UInt8] = Array(",\"source\":".utf8)
        JSONLineWriter.appendString(AccessLineFormatter.source, to: &fields)
        fields.append(contentsOf: ",\"logger\":".utf8)
        JSONLineWriter.appendString(label, to: &fields)
        jsonSourceAndLogger = fields
    }

    /// Appends the line for `entry`, stamped `time`, without its newline.
    func append(_ entry: AccessLogEntry, time: Date, to output: inout [UInt8]) {
        let path = AccessLineFormatter.pathBeforeQuery(entry.path)
        if let path, AccessLineFormatter.isPlainEntry(entry, path: path) {
            switch format {
            case .json: appendPlainJSON(entry, path: path, time: time, to: &output)
            case .text: appendPlainText(entry, path: path, time: time, to: &output)
            }
        } else {
            appendGeneral(entry, time: time, to: &output)
        }
    }

    // MARK: - Plain values

    private func appendPlainJSON(_ entry: AccessLogEntry, path: Substring, time: Date, to output: inout [UInt8]) {
        output.appendStatic(Fragments.jsonOpen)
        LogTimestamp.append(time, to: &output)
        output.appendStatic(Fragments.jsonLevelMessage)
        Self.appendMessage(entry, path: path, to: &output)
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: jsonSourceAndLogger)
        output.appendStatic(Fragments.jsonBytes)
        LogTimestamp.appendPadded(Int(entry.bytesSent), 1, to: &output)
        output.appendStatic(Fragments.jsonClient)
        output.append(contentsOf: entry.clientAddress.utf8)
        output.appendStatic(Fragments.jsonDuration)
        Self.appendMilliseconds(entry.duration, to: &output)
        output.appendStatic(Fragments.jsonMethod)
        output.append(contentsOf: entry.method.utf8)
        output.appendStatic(Fragments.jsonPath)
        output.append(contentsOf: path.utf8)
        output.appendStatic(Fragments.jsonRequestID)
        output.append(contentsOf: entry.requestID.utf8)
        if let route = entry.route {
            output.appendStatic(Fragments.jsonRoute)
            output.append(contentsOf: route.utf8)
        }
        output.appendStatic(Fragments.jsonStatus)
        LogTimestamp.appendPadded(entry.status, 1, to: &output)
        if let user = entry.user, !user.isEmpty {
            output.appendStatic(Fragments.jsonSub)
            output.append(contentsOf: user.utf8)
        }
        output.appendStatic(Fragments.jsonClose)
    }

    private func appendPlainText(_ entry: AccessLogEntry, path: Substring, time: Date, to output: inout [UInt8]) {
        LogTimestamp.append(time, to: &output)
        output.appendStatic(Fragments.textLevel)
        output.append(contentsOf: entry.requestID.utf8)
        output.appendStatic(Fragments.textAfterID)
        Self.appendMessage(entry, path: path, to: &output)
        output.appendStatic(Fragments.textBytes)
        LogTimestamp.appendPadded(Int(entry.bytesSent), 1, to: &output)
        output.appendStatic(Fragments.textClient)
        output.append(contentsOf: entry.clientAddress.utf8)
        output.appendStatic(Fragments.textDuration)
        Self.appendMilliseconds(entry.duration, to: &output)
        output.appendStatic(Fragments.textMethod)
        output.append(contentsOf: entry.method.utf8)
        output.appendStatic(Fragments.textPath)
        output.append(contentsOf: path.utf8)
        if let route = entry.route {
            output.appendStatic(Fragments.textRoute)
            output.append(contentsOf: route.utf8)
        }
        output.appendStatic(Fragments.textStatus)
        LogTimestamp.appendPadded(entry.status, 1, to: &output)
        if let user = entry.user, !user.isEmpty {
            output.appendStatic(Fragments.textSub)
            output.append(contentsOf: user.utf8)
        }
    }

    /// `METHOD PATH STATUS`, the event's message.
    private static func appendMessage(_ entry: AccessLogEntry, path: Substring, to output: inout [UInt8]) {
        output.append(contentsOf: entry.method.utf8)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: path.utf8)
        output.append(UInt8(ascii: " "))
        LogTimestamp.appendPadded(entry.status, 1, to: &output)
    }

    /// The target up to its query or fragment, when the byte cut agrees with
    /// ``AccessLogger/sanitizePath(_:)``'s cut by `Character` (nil otherwise: a combining mark
    /// after `?` makes one character of the two, which that function does not cut at).
    static func pathBeforeQuery(_ target: String) -> Substring? {
        let utf8 = target.utf8
        guard let cut = utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return target[...]
        }
        let next = utf8.index(after: cut)
        guard next == utf8.endIndex || utf8[next] < 0x80 else { return nil }
        return target[..<cut]
    }

    /// Whether every value of `entry` is written unchanged by the general path.
    static func isPlainEntry(_ entry: AccessLogEntry, path: Substring) -> Bool {
        guard path.utf8.count <= AccessLogger.maximumPathLength, isPlain(path, messageWord: true),
            isPlain(entry.method, messageWord: true), isPlain(entry.requestID), isPlain(entry.clientAddress)
        else { return false }
        if let route = entry.route, !isPlain(route) { return false }
        if let user = entry.user, !user.isEmpty, !isPlain(user) { return false }
        return true
    }

    /// Whether `text` is non-empty printable ASCII without space, `"`, `\` or `=`, and without
    /// `eyJ` in any case: nothing quoting, escaping or ``LogRedaction/redactText(_:)`` acts on.
    /// A word of the message (`METHOD PATH STATUS`) must also not end in `bearer` or `basic`,
    /// which with the following space would hide the next word.
    static func isPlain(_ text: some StringProtocol, messageWord: Bool = false) -> Bool {
        let checked = text.utf8.withContiguousStorageIfAvailable { isPlain(bytes: $0, messageWord: messageWord) }
        return checked ?? Array(text.utf8).withUnsafeBufferPointer { isPlain(bytes: $0, messageWord: messageWord) }
    }

    private static func isPlain(bytes: UnsafeBufferPointer<UInt8>, messageWord: Bool) -> Bool {
        guard !bytes.isEmpty else { return false }
        // One pass without branches over a table (bit 0: a byte that is never plain, bit 1: `j`
        // or `J`), then the `eyJ` search only where a `j` was seen: rare in paths, ids and addresses.
        let seen = byteClasses.withUnsafeBufferPointer { table in
            var seen: UInt8 = 0
            for byte in bytes { seen |= table[Int(byte)] }
            return seen
        }
        guard seen & 1 == 0 else { return false }
        if seen & 2 != 0 {
            var previous: UInt8 = 0
            var beforePrevious: UInt8 = 0
            for byte in bytes {
                // Folding with 0x20 lowers ASCII letters; no other plain byte folds onto e, y or j.
                let folded = byte | 0x20
                if folded == UInt8(ascii: "j") && previous == UInt8(ascii: "y")
                    && beforePrevious == UInt8(ascii: "e")
                {
                    return false
                }
                beforePrevious = previous
                previous = folded
            }
        }
        guard messageWord else { return true }
        return !endsWithFolded(bytes, "bearer") && !endsWithFolded(bytes, "basic")
    }

    /// For each byte: 1 when it is not printable ASCII or is a space, `"`, `\` or `=`; 2 for `j`/`J`.
    private static let byteClasses: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            || byte == UInt8(ascii: "=")
        {
            return 1
        }
        return byte | 0x20 == UInt8(ascii: "j") ? 2 : 0
    }

    private static func endsWithFolded(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let start = bytes.count - count
        for offset in 0..<count where bytes[start + offset] | 0x20 != word.utf8Start[offset] {
            return false
        }
        return true
    }

    /// A duration in milliseconds with three decimals, as ``AccessLogger/milliseconds(_:)``.
    static func appendMilliseconds(_ duration: Duration, to output: inout [UInt8]) {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        LogTimestamp.appendPadded(Int(microseconds / 1000), 1, to: &output)
        output.append(UInt8(ascii: "."))
        LogTimestamp.appendPadded(Int(microseconds % 1000), 3, to: &output)
    }

    // MARK: - General path

    /// The handler's own steps on every value: sanitise the path, redact each value and the
    /// message, then quote and escape as the format does.
    private func appendGeneral(_ entry: AccessLogEntry, time: Date, to output: inout [UInt8]) {
        let loggedPath = AccessLogger.sanitizePath(entry.path)
        let message = LogRedaction.redactText("\(entry.method) \(loggedPath) \(entry.status)")
        // Sorted by key, as the handler flattens metadata; no key is secret-like.
        var fields: [(key: String, value: String)] = [
            ("bytes", String(entry.bytesSent)), ("client", entry.clientAddress),
            ("duration_ms", AccessLogger.milliseconds(entry.duration)), ("method", entry.method),
            ("path", loggedPath), (StructuredLogHandler.requestIDKey, entry.requestID),
        ]
        if let route = entry.route { fields.append(("route", route)) }
        fields.append(("status", String(entry.status)))
        if let user = entry.user, !user.isEmpty { fields.append(("sub", user)) }
        for index in fields.indices {
            fields[index].value = LogRedaction.redactText(fields[index].value)
        }
        switch format {
        case .json:
            output.append(contentsOf: "{\"time\":\"".utf8)
            LogTimestamp.append(time, to: &output)
            output.append(contentsOf: "\",\"level\":\"info\",\"message\":".utf8)
            JSONLineWriter.appendString(message, to: &output)
            output.append(contentsOf: jsonSourceAndLogger)
            for field in fields {
                output.append(UInt8(ascii: ","))
                JSONLineWriter.appendString(field.key, to: &output)
                output.append(UInt8(ascii: ":"))
                JSONLineWriter.appendString(field.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .text:
            LogTimestamp.append(time, to: &output)
            output.append(contentsOf: " info".utf8)
            if let requestID = fields.first(where: { $0.key == StructuredLogHandler.requestIDKey }) {
                output.append(contentsOf: " [".utf8)
                output.append(contentsOf: TextEscaping.escapeControlCharacters(requestID.value).utf8)
                output.append(UInt8(ascii: "]"))
            }
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: TextEscaping.escapeControlCharacters(message).utf8)
            for field in fields where field.key != StructuredLogHandler.requestIDKey {
                output.append(UInt8(ascii: " "))
                output.append(contentsOf: field.key.utf8)
                output.append(UInt8(ascii: "="))
                output.append(contentsOf: TextEscaping.quoteIfNeeded(field.value).utf8)
            }
        }
    }
}

/// The fixed pieces of the plain lines as byte arrays: appending an array is one copy, appending a
/// string literal's UTF-8 view goes through a generic path per call.
/// The fixed pieces of an access line. Static strings, not byte arrays: both event loops append
/// them to every line, and a shared array's reference count bounced between their cores on every
/// append (a retain and a release each); a static string has none.
private enum Fragments {
    static let jsonOpen: StaticString = "{\"time\":\""
    static let jsonLevelMessage: StaticString = "\",\"level\":\"info\",\"message\":\""
    static let jsonBytes: StaticString = ",\"bytes\":\""
    static let jsonClient: StaticString = "\",\"client\":\""
    static let jsonDuration: StaticString = "\",\"duration_ms\":\""
    static let jsonMethod: StaticString = "\",\"method\":\""
    static let jsonPath: StaticString = "\",\"path\":\""
    static let jsonRequestID: StaticString = "\",\"request-id\":\""
    static let jsonRoute: StaticString = "\",\"route\":\""
    static let jsonStatus: StaticString = "\",\"status\":\""
    static let jsonSub: StaticString = "\",\"sub\":\""
    static let jsonClose: StaticString = "\"}"
    static let textLevel: StaticString = " info ["
    static let textAfterID: StaticString = "] "
    static let textBytes: StaticString = " bytes="
    static let textClient: StaticString = " client="
    static let textDuration: StaticString = " duration_ms="
    static let textMethod: StaticString = " method="
    static let textPath: StaticString = " path="
    static let textRoute: StaticString = " route="
    static let textStatus: StaticString = " status="
    static let textSub: StaticString = " sub="
}

extension [UInt8] {
    /// Appends the UTF-8 bytes of a string literal, with no reference counting.
    fileprivate mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
