package import SigV4

/// Reads one HTTP/1.1 response from the bytes a connection delivers (RFC 9112), written for a
/// hostile peer: a bounded head (size and field count), strict status line and field syntax (no
/// obs-fold, no whitespace before the colon, no bare CR or NUL), framing by RFC 9112 §6.3
/// (`Transfer-Encoding: chunked` with overflow-checked sizes, or one agreed `Content-Length`, or
/// the connection's close; both at once is an error), interim 1xx responses skipped, and a body
/// cap checked before any byte is stored. A pure state machine: no sockets, so tests split input
/// at every byte.
package struct HTTPResponseParser {
    /// Bounds on what the peer may send.
    package struct Limits: Sendable {
        /// Largest body accepted.
        var maximumBodyBytes: Int
        /// Largest head (status line and fields), per response.
        var maximumHeadBytes = 32 * 1024
        /// Most fields in one head.
        var maximumFieldCount = 100
        /// Most 1xx responses before the final one.
        var maximumInterimResponses = 8
        /// Longest chunk-size line, extensions included.
        var maximumChunkLineBytes = 4096
        /// Most trailer bytes after the last chunk.
        var maximumTrailerBytes = 16 * 1024

        /// Limits with a body cap of `maximumBodyBytes`.
        package init(maximumBodyBytes: Int) {
            self.maximumBodyBytes = maximumBodyBytes
        }
    }

    private enum State {
        case head
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd(sawCR: Bool)
        case trailers(total: Int)
        case untilClose
        case done
    }

    private let limits: Limits
    private let bodyless: Bool
    private let tunnel: Bool
    private var state = State.head
    private var line: [UInt8] = []
    private var headLines: [[UInt8]] = []
    private var headBytes = 0
    private var interimResponses = 0
    private var receivedAny = false
    private var status = 0
    private var headers: [(String, String)] = []
    private var body: [UInt8] = []

    /// The bytes of the last `consume` call that came after the end of the response (for a
    /// CONNECT answer: the first tunnelled bytes, which must be none).
    private(set) var unconsumedByteCount = 0

    /// A parser for the answer to a `method` request. `tunnel` marks the answer to CONNECT, whose
    /// 2xx ends at its head (RFC 9112 §6.3 rule 2).
    package init(method: String, limits: Limits, tunnel: Bool = false) {
        self.limits = limits
        self.bodyless = method.uppercased() == "HEAD"
        self.tunnel = tunnel
    }

    /// Whether the response is complete.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// The response, once complete.
    package var response: OutboundHTTPResponse? {
        isComplete ? OutboundHTTPResponse(status: status, headers: headers, body: body) : nil
    }

    /// Takes the next bytes from the connection; whether the response is now complete.
    @discardableResult
    package mutating func consume(_ bytes: ArraySlice<UInt8>) throws(OutboundHTTPError) -> Bool {
        if !bytes.isEmpty { receivedAny = true }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .done:
                unconsumedByteCount = bytes.endIndex - index
                return true
            case .head:
                let byte = bytes[index]
                index += 1
                headBytes += 1
                guard headBytes <= limits.maximumHeadBytes else {
                    throw Self.error("the response head is larger than \(limits.maximumHeadBytes) bytes")
                }
                try takeHeadByte(byte)
            case .fixedBody(let remaining):
                let count = min(remaining, bytes.endIndex - index)
                body.append(contentsOf: bytes[index..<(index + count)])
                index += count
                state = remaining == count ? .done : .fixedBody(remaining: remaining - count)
            case .chunkSizeLine:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\n") {
                    try finishChunkSizeLine()
                } else {
                    line.append(byte)
                    guard line.count <= limits.maximumChunkLineBytes else {
                        throw Self.error("a chunk-size line is longer than \(limits.maximumChunkLineBytes) bytes")
                    }
                }
            case .chunkData(let remaining):
                let count = min(remaining, bytes.endIndex - index)
                body.append(contentsOf: bytes[index..<(index + count)])
                index += count
                state = remaining == count ? .chunkDataEnd(sawCR: false) : .chunkData(remaining: remaining - count)
            case .chunkDataEnd(let sawCR):
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\r") && !sawCR {
                    state = .chunkDataEnd(sawCR: true)
                } else if byte == UInt8(ascii: "\n") {
                    state = .chunkSizeLine
                } else {
                    throw Self.error("a chunk's data is not followed by CRLF (its size is wrong)")
                }
            case .trailers(let total):
                let byte = bytes[index]
                index += 1
                guard total + 1 <= limits.maximumTrailerBytes else {
                    throw Self.error("the chunked trailer section is larger than \(limits.maximumTrailerBytes) bytes")
                }
                state = .trailers(total: total + 1)
                if byte == UInt8(ascii: "\n") {
                    // RFC 9112 §7.1.2: trailer fields are not needed here and are discarded.
                    if line.isEmpty || line == [UInt8(ascii: "\r")] { state = .done }
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            case .untilClose:
                let count = bytes.endIndex - index
                try checkBodyRoom(count)
                body.append(contentsOf: bytes[index...])
                index = bytes.endIndex
            }
        }
        unconsumedByteCount = 0
        return isComplete
    }

    /// The connection ended (`cleanly`: a TLS close_notify, or plain TCP's FIN). Completes a
    /// close-delimited body; anything else unfinished is an error, never a truncated success.
    package mutating func finish(cleanly: Bool) throws(OutboundHTTPError) {
        switch state {
        case .done:
            return
        case .untilClose:
            guard cleanly else {
                throw Self.error("the connection closed without a TLS close_notify; the body may be truncated")
            }
            state = .done
        case .head:
            throw Self.error(
                receivedAny && headBytes > 0
                    ? "the connection closed before the response head was complete"
                    : "the connection closed before any response")
        case .fixedBody(let remaining):
            throw Self.error("the connection closed \(remaining) bytes before the end of the body")
        case .chunkSizeLine, .chunkData, .chunkDataEnd, .trailers:
            throw Self.error("the connection closed in the middle of a chunked body")
        }
    }

    // MARK: - Head

    private mutating func takeHeadByte(_ byte: UInt8) throws(OutboundHTTPError) {
        guard byte == UInt8(ascii: "\n") else {
            line.append(byte)
            return
        }
        // RFC 9112 §2.2: a bare LF may end a line; the CR before it is dropped.
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.isEmpty {
            guard !headLines.isEmpty else { throw Self.error("the response starts with an empty line") }
            try finishHead()
        } else {
            guard headLines.count <= limits.maximumFieldCount else {
                throw Self.error("the response has more than \(limits.maximumFieldCount) header fields")
            }
            headLines.append(line)
        }
        line.removeAll(keepingCapacity: true)
    }

    private mutating func finishHead() throws(OutboundHTTPError) {
        let (version, code) = try Self.parseStatusLine(headLines[0])
        var fields: [(String, String)] = []
        for fieldLine in headLines.dropFirst() { fields.append(try Self.parseField(fieldLine)) }
        headLines.removeAll()
        headBytes = 0

        if (100...199).contains(code) {
            // RFC 9110 §15.2: interim answers precede the real one. 101 would switch protocols,
            // which this client never asks for.
            guard code != 101 else { throw Self.error("the server switched protocols (101) unasked") }
            interimResponses += 1
            guard interimResponses <= limits.maximumInterimResponses else {
                throw Self.error("the server sent more than \(limits.maximumInterimResponses) interim responses")
            }
            return
        }
        status = code
        headers = fields
        if tunnel || bodyless || code == 204 || code == 304 {
            state = .done
            return
        }
        state = try Self.framing(of: fields, version: version, limits: limits)
    }

    /// RFC 9112 §6.3: how the body's end is known.
    private static func framing(
        of fields: [(String, String)], version: Int, limits: Limits
    ) throws(OutboundHTTPError) -> State {
        var codings: [String] = []
        var sawTransferEncoding = false
        var lengths: [String] = []
        for (name, value) in fields {
            switch name.lowercased() {
            case "transfer-encoding":
                sawTransferEncoding = true
                codings += elements(of: value).map { $0.lowercased() }
            case "content-length":
                lengths += elements(of: value)
                if elements(of: value).isEmpty { lengths.append("") }
            default:
                continue
            }
        }
        if sawTransferEncoding {
            // §6.1: both framings at once is how requests are smuggled; never guess which one wins.
            guard lengths.isEmpty else { throw error("the response has both Transfer-Encoding and Content-Length") }
            guard version == 1 else { throw error("an HTTP/1.0 response uses Transfer-Encoding") }
            guard codings == ["chunked"] else {
                throw error("the response uses a transfer coding other than chunked")
            }
            return .chunkSizeLine
        }
        if let first = lengths.first {
            // §6.3 rule 5: repeated identical values are one length; differing ones are an error.
            guard lengths.allSatisfy({ $0 == first }) else {
                throw error("the response has conflicting Content-Length values")
            }
            guard !first.isEmpty, first.count <= 18, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let length = Int(first)
            else { throw error("the response's Content-Length is not a number") }
            guard length <= limits.maximumBodyBytes else { throw tooLarge(limits) }
            return length == 0 ? .done : .fixedBody(remaining: length)
        }
        return .untilClose
    }

    private static func elements(of value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4): the minor version and the code.
    private static func parseStatusLine(_ line: [UInt8]) throws(OutboundHTTPError) -> (Int, Int) {
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), line[7] == 0x30 || line[7] == 0x31, line[8] == 0x20,
            line[9...11].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), line.count == 12 || line[12] == 0x20,
            line.dropFirst(12).allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) })
        else { throw error("the response does not start with an HTTP/1.x status line") }
        let code = Int(line[9] - 0x30) * 100 + Int(line[10] - 0x30) * 10 + Int(line[11] - 0x30)
        guard (100...599).contains(code) else { throw error("the response's status code \(code) is not valid") }
        return (Int(line[7] - 0x30), code)
    }

    /// `token ":" OWS value OWS` (RFC 9112 §5). The error names no value: it may be a secret.
    private static func parseField(_ line: [UInt8]) throws(OutboundHTTPError) -> (String, String) {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw error("the response folds a header line (obs-fold), which RFC 9112 §5.2 forbids here")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            line[..<colon].allSatisfy(isTokenByte)
        else { throw error("the response has a malformed header line") }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw error("a response header value contains a control character")
        }
        return (
            String(decoding: line[..<colon], as: UTF8.self),
            String(decoding: value, as: UTF8.self).trimmingASCIIWhitespace()
        )
    }

    // MARK: - Chunked body

    /// `chunk-size [ BWS ";" chunk-ext ] CRLF` (RFC 9112 §7.1); extensions are ignored.
    private mutating func finishChunkSizeLine() throws(OutboundHTTPError) {
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        var size = 0
        var digits = 0
        var index = 0
        while index < line.count, let digit = Self.hexValue(line[index]) {
            // A size that does not fit (or exceeds the body cap) is refused before it can overflow.
            guard size <= (Int.max - digit) / 16 else { throw Self.error("a chunk size overflows") }
            size = size * 16 + digit
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw Self.error("a chunk-size line does not start with a hexadecimal size") }
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index == line.count || line[index] == UInt8(ascii: ";") else {
            throw Self.error("a chunk-size line has characters after the size")
        }
        guard line[index...].allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw Self.error("a chunk extension contains a control character")
        }
        line.removeAll(keepingCapacity: true)
        if size == 0 {
            state = .trailers(total: 0)
        } else {
            try checkBodyRoom(size)
            state = .chunkData(remaining: size)
        }
    }

    private func checkBodyRoom(_ count: Int) throws(OutboundHTTPError) {
        guard count <= limits.maximumBodyBytes - body.count else { throw Self.tooLarge(limits) }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// RFC 9110 §5.6.2 tchar.
    package static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static func tooLarge(_ limits: Limits) -> OutboundHTTPError {
        error("response larger than \(limits.maximumBodyBytes) bytes")
    }

    private static func error(_ message: String) -> OutboundHTTPError {
        OutboundHTTPError(message: message)
    }
}
