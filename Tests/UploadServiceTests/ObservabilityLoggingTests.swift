import Foundation
import Logging
import Testing

@testable import UploadService

@Suite("Structured log handler")
struct ObservabilityLoggingTests {
    @Test("text lines read time, level, request id in brackets, message, then sorted key=value")
    func textLine() {
        let capture = CapturedLines()
        var logger = capture.logger(format: .text)
        logger[metadataKey: "request-id"] = "req-42"
        logger.info("upload signed", metadata: ["size": "48213", "key": "uploads/u1/report 2026.pdf"])
        #expect(
            capture.lines == [
                #"2026-11-26T09:00:00.123Z info [req-42] upload signed key="uploads/u1/report 2026.pdf" size=48213"#
            ])
    }

    @Test("text lines without a request id have no brackets, and a message cannot break the line")
    func textLineInjection() {
        let capture = CapturedLines()
        let logger = capture.logger(format: .text)
        logger.warning("bad\nFAKE 2026-01-01T00:00:00.000Z info forged", metadata: ["v": "a\nb"])
        #expect(
            capture.lines == [
                #"2026-11-26T09:00:00.123Z warning bad\nFAKE 2026-01-01T00:00:00.000Z info forged v="a\nb""#
            ])
    }

    @Test("JSON lines parse as one object carrying time, level, message, source, logger and flattened metadata")
    func jsonLine() throws {
        let capture = CapturedLines()
        var logger = capture.logger(format: .json, label: "secure-upload")
        logger[metadataKey: "request-id"] = "req-7"
        logger.notice(
            "ready \"quoted\" \u{1}",
            metadata: [
                "listener": ["host": "0.0.0.0", "port": "8080"],
                "origins": ["https://a.example", "https://b.example"],
                "message": "collides with a reserved key",
            ])
        #expect(capture.lines.count == 1)
        #expect(!capture.lines[0].contains("\n"))
        let object = try capture.singleJSONObject()
        #expect(object["time"] as? String == "2026-11-26T09:00:00.123Z")
        #expect(object["level"] as? String == "notice")
        #expect(object["message"] as? String == "ready \"quoted\" \u{1}")
        #expect(object["source"] as? String == "UploadServiceTests")
        #expect(object["logger"] as? String == "secure-upload")
        #expect(object["request-id"] as? String == "req-7")
        #expect(object["listener.host"] as? String == "0.0.0.0")
        #expect(object["listener.port"] as? String == "8080")
        #expect(object["origins"] as? [String] == ["https://a.example", "https://b.example"])
        #expect(object["metadata.message"] as? String == "collides with a reserved key")
    }

    @Test("handler, provider and call-site metadata merge with the call site winning")
    func metadataMerge() throws {
        let capture = CapturedLines()
        let sink = capture.sink
        let provider = Logger.MetadataProvider { ["from": "provider", "provided": "yes"] }
        var logger = Logger(label: "t") { label in
            StructuredLogHandler(
                label: label, format: .json, level: .info, sink: sink, metadataProvider: provider,
                now: { Date(timeIntervalSince1970: 0) })
        }
        logger[metadataKey: "from"] = "handler"
        logger[metadataKey: "handler"] = "yes"
        logger.info("m", metadata: ["from": "call"])
        let object = try capture.singleJSONObject()
        #expect(object["from"] as? String == "call")
        #expect(object["handler"] as? String == "yes")
        #expect(object["provided"] as? String == "yes")
        #expect(object["time"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test("events below the configured level are not written")
    func levelFilter() {
        let capture = CapturedLines()
        let logger = capture.logger(format: .text, level: .warning)
        logger.info("hidden")
        logger.debug("hidden")
        logger.error("shown")
        #expect(capture.lines.count == 1)
        #expect(capture.lines.first?.hasSuffix("error shown") == true)
    }

    @Test("the error attached to an event is written, redacted")
    func errorField() throws {
        struct Failure: Error, CustomStringConvertible {
            var description: String { "GET https://h/x?X-Amz-Signature=deadbeef failed" }
        }
        let capture = CapturedLines()
        let logger = capture.logger(format: .json)
        logger.error("request failed", error: Failure())
        let object = try capture.singleJSONObject()
        #expect(object["error"] as? String == "GET https://h/x?X-Amz-Signature=<redacted> failed")
    }

    @Test(
        "timestamps are RFC 3339 UTC with milliseconds",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (1_709_208_000.999, "2024-02-29T12:00:00.999Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"),
            (4_102_444_800.5, "2100-01-01T00:00:00.500Z"),
            (1_795_683_600.123, "2026-11-26T09:00:00.123Z"),
        ])
    func timestamps(seconds: Double, expected: String) {
        #expect(LogTimestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("LOG_FORMAT values parse to the two formats and nothing else")
    func logFormatValues() {
        #expect(LogFormat(rawValue: "text") == .text)
        #expect(LogFormat(rawValue: "json") == .json)
        #expect(LogFormat(rawValue: "JSON") == nil)
    }
}
