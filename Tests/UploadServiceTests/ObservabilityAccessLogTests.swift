import Foundation
import Logging
import Testing

@testable import HTTPServer
@testable import UploadService

@Suite("Access log")
struct ObservabilityAccessLogTests {
    @Test("writes one text line with request id, method, path, status, bytes, duration, client and sub")
    func textLine() {
        let capture = CapturedLines()
        let access = AccessLogger(logger: capture.logger(format: .text))
        access.log(
            requestID: "req-1", method: "POST", path: "/upload", route: "/upload", status: 200, bytesSent: 512,
            duration: .microseconds(1500), clientAddress: "203.0.113.9", user: "1f2e-user")
        #expect(
            capture.lines == [
                "2026-11-26T09:00:00.123Z info [req-1] POST /upload 200 bytes=512 client=203.0.113.9 duration_ms=1.500 method=POST path=/upload route=/upload status=200 sub=1f2e-user"
            ])
    }

    @Test("logs an HTTPServer access record with the user's sub from its attributes and never its other attributes")
    func accessRecord() throws {
        let capture = CapturedLines()
        let record = HTTPAccessRecord(
            requestID: "req-9", method: "POST", path: "/upload", route: "/upload", status: 200, bytesSent: 77,
            duration: .milliseconds(4), remoteAddress: "10.0.0.5",
            attributes: HTTPLogAttributes(
                user: "user-sub-1", errorCode: "invalid_token",
                reason: "bad_signature eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF"))
        AccessLogger(logger: capture.logger(format: .json)).log(record, clientAddress: "198.51.100.7")
        let object = try capture.singleJSONObject()
        #expect(object["sub"] as? String == "user-sub-1")
        #expect(object["client"] as? String == "198.51.100.7")
        #expect(object["route"] as? String == "/upload")
        #expect(object["bytes"] as? String == "77")
        #expect(object["duration_ms"] as? String == "4.000")
        #expect(!capture.lines[0].contains("eyJ"))
        #expect(!capture.lines[0].contains("invalid_token"))
        #expect(!capture.lines[0].contains("10.0.0.5"))
    }

    @Test("writes a JSON line whose fields parse back to the request's values")
    func jsonLine() throws {
        let capture = CapturedLines()
        let access = AccessLogger(logger: capture.logger(format: .json))
        access.log(
            requestID: "req-2", method: "GET", path: "/healthz", route: nil, status: 404, bytesSent: 0,
            duration: .milliseconds(12) + .microseconds(345), clientAddress: "2001:db8::7", user: nil)
        let object = try capture.singleJSONObject()
        #expect(object["request-id"] as? String == "req-2")
        #expect(object["method"] as? String == "GET")
        #expect(object["path"] as? String == "/healthz")
        #expect(object["status"] as? String == "404")
        #expect(object["bytes"] as? String == "0")
        #expect(object["duration_ms"] as? String == "12.345")
        #expect(object["client"] as? String == "2001:db8::7")
        #expect(object["sub"] == nil)
        #expect(object["route"] == nil)
        #expect(object["level"] as? String == "info")
    }

    @Test(
        "never writes a token, signature or password carried in the request target",
        arguments: [LogFormat.text, .json],
        [
            "/upload?access_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF",
            "/local/s3/b/k?X-Amz-Credential=AKIDSECRETPART%2Fx&X-Amz-Signature=SIGNATURESECRET&X-Amz-Security-Token=SESSIONSECRET",
            "/login?password=SECRETPASSWORD#id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF",
            "/callback/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2In0.U0lHTkFUVVJF/done",
            "/files/token=SECRETINPATH",
        ])
    func neverLogsSecretsFromTheTarget(format: LogFormat, target: String) {
        let capture = CapturedLines()
        let access = AccessLogger(logger: capture.logger(format: format))
        access.log(
            requestID: "r", method: "PUT", path: target, route: nil, status: 403, bytesSent: 10, duration: .zero,
            clientAddress: "192.0.2.1", user: "u")
        let line = capture.lines.joined()
        for secret in [
            "eyJ", "U0lHTkFUVVJF", "AKIDSECRETPART", "SIGNATURESECRET", "SESSIONSECRET", "SECRETPASSWORD",
            "SECRETINPATH", "?",
        ] {
            #expect(!line.contains(secret), "\(secret) leaked into: \(line)")
        }
    }

    @Test("caps very long paths")
    func longPath() throws {
        let capture = CapturedLines()
        AccessLogger(logger: capture.logger(format: .json)).log(
            requestID: "r", method: "GET", path: "/" + String(repeating: "a", count: 10_000), route: nil, status: 414,
            bytesSent: 0, duration: .zero, clientAddress: "192.0.2.1", user: nil)
        let path = try #require(try capture.singleJSONObject()["path"] as? String)
        #expect(path.count == AccessLogger.maximumPathLength + 1)
        #expect(path.hasSuffix("…"))
    }

    @Test(
        "formats durations as milliseconds with three decimals",
        arguments: [
            (Duration.zero, "0.000"), (.nanoseconds(999), "0.000"), (.microseconds(1), "0.001"),
            (.milliseconds(250), "250.000"), (.seconds(3) + .microseconds(42), "3000.042"),
        ])
    func durations(duration: Duration, expected: String) {
        #expect(AccessLogger.milliseconds(duration) == expected)
    }
}
