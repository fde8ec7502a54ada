import Foundation
import Logging
import Testing

@testable import UploadService

@Suite("Access line fast path")
struct ObservabilityAccessLineTests {
    static let time = Date(timeIntervalSince1970: 1_795_683_600.123)

    static func entry(
        method: String = "POST", path: String = "/upload", route: String? = "/upload", status: Int = 200,
        bytes: Int64 = 1234, duration: Duration = .microseconds(2345), requestID: String = "1f3a-0007",
        client: String = "127.0.0.1", user: String? = "6b1c0d9e-user"
    ) -> AccessLogEntry {
        AccessLogEntry(
            requestID: requestID, method: method, path: path, route: route, status: status, bytesSent: bytes,
            duration: duration, clientAddress: client, user: user)
    }

    /// Ordinary requests and hostile ones: quotes, backslashes, control characters, invalid UTF-8
    /// (as the parser hands it on: repaired to U+FFFD), C1 controls and line separators, JWTs and
    /// `name=value` secrets, a method or path the redaction reads as an authorization scheme,
    /// combining marks after `?`, CRLF, and paths around the length cap.
    static let entries: [AccessLogEntry] = [
        entry(),
        entry(method: "GET", path: "/index.html", route: "static", bytes: 4066, user: nil),
        entry(method: "GET", path: "/healthz", route: nil, status: 404, bytes: 0, duration: .zero, user: ""),
        entry(route: "", user: ""),
        entry(path: "/upload?access_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF&x=1"),
        entry(path: "/upload#id_token=abc"),
        entry(path: "?only=query"),
        entry(path: "/a\"b\\c"),
        entry(path: "/a\u{1}b\nc\td\u{7F}e\r"),
        entry(path: "/a\r\nb"),
        entry(path: String(decoding: [0x2F, 0xFF, 0xFE, 0x61, 0xC3, 0x28] as [UInt8], as: UTF8.self)),
        entry(path: "/caf\u{E9}/\u{85}/\u{2028}/\u{2029}/\u{9F}"),
        entry(path: "/x?\u{301}abc=secret"),
        entry(path: "/x#\u{308}"),
        entry(path: "/callback/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF/done"),
        entry(path: "/EYJ.a.b"),
        entry(path: "/files/token=SECRETINPATH"),
        entry(path: "/a b c"),
        entry(path: "bearer"),
        entry(path: "/bearer"),
        entry(path: "BASIC"),
        entry(method: "BEARER", path: "/secret-word"),
        entry(method: "Basic", path: "/x"),
        entry(method: "M-SEARCH", path: "*"),
        entry(method: "GET", path: "http://example.com/abs?q=1"),
        entry(path: "/" + String(repeating: "a", count: 511)),
        entry(path: "/" + String(repeating: "a", count: 512)),
        entry(path: "/" + String(repeating: "a", count: 10_000)),
        entry(path: "/" + String(repeating: "\u{E9}", count: 600)),
        entry(path: "/" + String(repeating: "a", count: 505) + "?q=\u{E9}"),
        entry(requestID: "req\nFAKE 2026-01-01T00:00:00.000Z info forged"),
        entry(requestID: "r e q"),
        entry(client: "::ffff:10.0.0.1"),
        entry(client: "2001:db8::7"),
        entry(user: "user=eyJhbGciOiJIUzI1NiJ9.e30.sig"),
        entry(user: "sub with \"quotes\" and \\ back"),
        entry(user: "\u{E9}t\u{E9}"),
        entry(status: 999, bytes: 0, duration: .seconds(3) + .microseconds(42)),
        entry(status: 101, bytes: 9_223_372_036_854_775_807, duration: .nanoseconds(999)),
        entry(method: "", path: ""),
    ]

    static let cases: [(LogFormat, Int)] = [LogFormat.text, .json].flatMap { format in
        entries.indices.map { (format, $0) }
    }

    @Test(
        "writes byte for byte the line the swift-log handler writes for the same request",
        arguments: cases)
    func identicalToHandler(format: LogFormat, index: Int) {
        let entry = Self.entries[index]
        let capture = CapturedLines()
        AccessLogger(logger: capture.logger(format: format, label: AccessLogger.label)).log(
            requestID: entry.requestID, method: entry.method, path: entry.path, route: entry.route,
            status: entry.status, bytesSent: entry.bytesSent, duration: entry.duration,
            clientAddress: entry.clientAddress, user: entry.user)
        var bytes: [UInt8] = []
        AccessLineFormatter(format: format, label: AccessLogger.label).append(entry, time: Self.time, to: &bytes)
        #expect(capture.lines.count == 1)
        #expect(String(decoding: bytes, as: UTF8.self) == capture.lines.first)
        #expect(!bytes.contains(UInt8(ascii: "\n")))
    }

    @Test("takes the copying path only for values nothing would quote, escape or redact")
    func plainValues() {
        #expect(AccessLineFormatter.isPlain("/upload"))
        #expect(AccessLineFormatter.isPlain("6b1c0d9e-8a4f-4b1e-9c1d-0e2f3a4b5c6d"))
        for text in ["", "a b", "a\"b", "a\\b", "a=b", "a\u{1}", "a\u{7F}", "caf\u{E9}", "xEyJ", "eyj"] {
            #expect(!AccessLineFormatter.isPlain(text), "\(text.debugDescription)")
        }
        #expect(!AccessLineFormatter.isPlain("/x/Bearer", messageWord: true))
        #expect(!AccessLineFormatter.isPlain("basic", messageWord: true))
        #expect(AccessLineFormatter.isPlain("/x/Bearer"))
    }

    @Test(
        "timestamps as bytes equal the string form",
        arguments: [
            0.0, -0.001, -86_400.5, 951_782_400.999, 1_795_683_600.123, 253_402_300_799.999, 1e-4, 4_102_444_800.5,
        ])
    func timestamps(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        var bytes: [UInt8] = []
        LogTimestamp.append(date, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == LogTimestamp.format(date))
    }

    @Test(
        "durations as bytes equal the string form",
        arguments: [
            Duration.zero, .nanoseconds(999), .microseconds(1), .milliseconds(250), .seconds(3) + .microseconds(42),
            .seconds(86_400), .nanoseconds(-5),
        ])
    func durations(duration: Duration) {
        var bytes: [UInt8] = []
        AccessLineFormatter.appendMilliseconds(duration, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == AccessLogger.milliseconds(duration))
    }

    @Test("an access logger on a writer honours the level and writes the handler's line")
    func directLogger() throws {
        let file = try TemporaryOutputFile()
        let writer = BufferedLineWriter(fileDescriptor: file.descriptor, flushInterval: nil)
        let quiet = AccessLogger(format: .json, level: .warning, writer: writer, now: { Self.time })
        let chatty = AccessLogger(format: .json, level: .info, writer: writer, now: { Self.time })
        let entry = Self.entries[0]
        for logger in [quiet, chatty] {
            logger.log(
                requestID: entry.requestID, method: entry.method, path: entry.path, route: entry.route,
                status: entry.status, bytesSent: entry.bytesSent, duration: entry.duration,
                clientAddress: entry.clientAddress, user: entry.user)
        }
        #expect(try file.contents().isEmpty, "buffered until a flush")
        writer.flush()
        var expected: [UInt8] = []
        AccessLineFormatter(format: .json, label: AccessLogger.label).append(entry, time: Self.time, to: &expected)
        #expect(try file.contents() == String(decoding: expected, as: UTF8.self) + "\n")
    }
}
