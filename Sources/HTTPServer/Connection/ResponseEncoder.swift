/// Writes a response head as bytes, without String formatting: constant lines are precomputed,
/// numbers are written digit by digit, header fields are copied byte by byte and checked so a
/// handler can never inject a CR or LF into the head.
struct ResponseEncoder: Sendable {
    enum ConnectionHeader {
        case none
        case close
        case keepAlive
    }

    private let securityLines: [UInt8]
    private let cspLine: [UInt8]

    init(contentSecurityPolicy: String) {
        securityLines = Array("X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n".utf8)
        cspLine = Array("Content-Security-Policy: \(contentSecurityPolicy)\r\n".utf8)
    }

    /// At least the size of the head `encode` writes for `response`, so that it is built in one
    /// allocation (a fixed guess of 512 bytes was outgrown by every static file's head).
    func headCapacity(for response: HTTPResponse, requestID: String, dateLine: [UInt8]) -> Int {
        // Status line, Content-Length and Connection lines, the blank line: at most 80 bytes
        // beyond the reason phrase.
        var size = 80 + response.status.reason.utf8.count + dateLine.count + securityLines.count + cspLine.count
        size += "X-Request-Id: \r\n".utf8.count + requestID.utf8.count
        for field in response.headers { size += field.name.utf8.count + field.value.utf8.count + 4 }
        return size
    }

    /// The head bytes, or nil when a header name or value is invalid (the caller answers 500).
    func encode(
        _ response: HTTPResponse, contentLength: Int, requestID: String, dateLine: [UInt8],
        connection: ConnectionHeader, into out: inout [UInt8]
    ) -> Bool {
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        let code = response.status.code
        out.append(UInt8(truncatingIfNeeded: 48 + code / 100))
        out.append(UInt8(truncatingIfNeeded: 48 + code / 10 % 10))
        out.append(UInt8(truncatingIfNeeded: 48 + code % 10))
        out.append(ASCII.space)
        guard response.status.reason.utf8.allSatisfy(ASCII.isFieldValue) else { return false }
        out.append(contentsOf: response.status.reason.utf8)
        out.append(contentsOf: "\r\n".utf8)

        var isHTML = false
        var hasCSP = false
        for field in response.headers {
            let name = field.name.utf8
            if Self.isServerOwned(field.name) { continue }
            if name.count == 12, ASCII.equalsIgnoringCase(field.name, "content-type") {
                isHTML = field.value.utf8.starts(with: "text/html".utf8) || Self.startsWithHTML(field.value)
            } else if name.count == 23, ASCII.equalsIgnoringCase(field.name, "content-security-policy") {
                hasCSP = true
            }
            // Validate first, then copy in bulk: one append per part instead of one per byte.
            guard !name.isEmpty, name.allSatisfy(ASCII.isToken), field.value.utf8.allSatisfy(ASCII.isFieldValue)
            else { return false }
            out.append(contentsOf: name)
            out.append(ASCII.colon)
            out.append(ASCII.space)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if !response.status.forbidsBody {
            out.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(contentLength, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: dateLine)
        out.append(contentsOf: "X-Request-Id: ".utf8)
        out.append(contentsOf: requestID.utf8)
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: securityLines)
        if isHTML && !hasCSP { out.append(contentsOf: cspLine) }
        switch connection {
        case .none: break
        case .close: out.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        return true
    }

    /// Fields the server writes itself; a handler's copies are dropped.
    private static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return ASCII.equalsIgnoringCase(name, "date")
        case 10: return ASCII.equalsIgnoringCase(name, "connection")
        case 12: return ASCII.equalsIgnoringCase(name, "x-request-id")
        case 14: return ASCII.equalsIgnoringCase(name, "content-length")
        case 15: return ASCII.equalsIgnoringCase(name, "referrer-policy")
        case 17: return ASCII.equalsIgnoringCase(name, "transfer-encoding")
        case 22: return ASCII.equalsIgnoringCase(name, "x-content-type-options")
        default: return false
        }
    }

    private static func startsWithHTML(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count >= 9 else { return false }
        return utf8.prefix(9).elementsEqual("text/html".utf8) { ASCII.lowercased($0) == $1 }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 + value / divisor % 10))
            divisor /= 10
        }
    }
}
