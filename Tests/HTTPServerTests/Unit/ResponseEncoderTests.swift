import Testing

@testable import HTTPServer

@Suite("Response encoder")
struct ResponseEncoderTests {
    static let encoder = ResponseEncoder(
        contentSecurityPolicy: "default-src 'self'; script-src 'self'; frame-ancestors 'none'")
    static let dateLine = Array("Date: Thu, 26 Nov 2026 14:00:00 GMT\r\n".utf8)

    static let responses: [HTTPResponse] = [
        HTTPResponse(status: .ok),
        HTTPResponse(status: .noContent),
        HTTPResponse(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array("<p>".utf8)),
        HTTPResponse(
            status: HTTPStatus(code: 599, reason: String(repeating: "R", count: 300)),
            headers: HTTPHeaders((0..<40).map { ("X-Header-\($0)", String(repeating: "v", count: $0 * 7)) })),
        .jsonError(.tooManyRequests, code: "rate_limited", message: "Slow down.", headers: ["Retry-After": "60"]),
    ]

    @Test(
        "the capacity reserved for a head is never less than the head written, so it takes one allocation",
        arguments: responses.indices)
    func headCapacityCoversTheHead(index: Int) {
        let response = Self.responses[index]
        for connection in [ResponseEncoder.ConnectionHeader.none, .close, .keepAlive] {
            for requestID in ["r", String(repeating: "i", count: 128)] {
                var bytes: [UInt8] = []
                let capacity = Self.encoder.headCapacity(for: response, requestID: requestID, dateLine: Self.dateLine)
                #expect(
                    Self.encoder.encode(
                        response, contentLength: 1_234_567_890, requestID: requestID, dateLine: Self.dateLine,
                        connection: connection, into: &bytes))
                #expect(bytes.count <= capacity, "head of \(bytes.count) bytes, \(capacity) reserved")
                #expect(capacity - bytes.count < 400, "the reservation is far larger than the head")
            }
        }
    }
}
