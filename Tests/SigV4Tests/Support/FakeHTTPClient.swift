import Foundation
import SigV4
import Synchronization

/// An in-process `OutboundHTTPClient`: a handler answers each request, and every request is kept
/// so tests can assert what was sent (no sockets).
final class FakeHTTPClient: OutboundHTTPClient {
    typealias Handler = @Sendable (OutboundHTTPRequest) throws -> OutboundHTTPResponse
    private let handler: Handler
    private let log = Mutex<[OutboundHTTPRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    func send(_ request: OutboundHTTPRequest) async throws -> OutboundHTTPResponse {
        log.withLock { $0.append(request) }
        return try handler(request)
    }

    var requests: [OutboundHTTPRequest] { log.withLock { $0 } }
    var summary: [String] { requests.map { "\($0.method) \($0.url)" } }
}

struct ConnectionRefused: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let time: Mutex<Date>
    init(_ start: Date) { time = Mutex(start) }
    func now() -> Date { time.withLock { $0 } }
    func advance(by seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The documented JSON of the ECS/EKS container endpoint and of IMDS credentials.
func credentialsJSON(
    accessKeyID: String, secret: String, token: String, expiration: String, imds: Bool = false
) -> [UInt8] {
    var object: [String: String] = [
        "AccessKeyId": accessKeyID, "SecretAccessKey": secret, "Token": token, "Expiration": expiration,
    ]
    if imds {
        object["Code"] = "Success"
        object["LastUpdated"] = "2026-11-26T09:00:00Z"
        object["Type"] = "AWS-HMAC"
    } else {
        object["RoleArn"] = "arn:aws:iam::123456789012:role/secure-upload"
    }
    return Array(try! JSONSerialization.data(withJSONObject: object))
}

/// RFC 3339 for a date, as credential endpoints write it.
func rfc3339(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
