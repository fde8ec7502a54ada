/// An HTTP/1.1 request parser (RFC 9112) as a pure state machine: no sockets, no clocks.
///
/// Feed it bytes with `parse(_:)` as they arrive, in pieces of any size. Each call consumes a prefix
/// of the input and reports one event; call again with the rest. It is strict where leniency has
/// enabled request smuggling: CRLF only, no obs-fold, no whitespace before the colon, one
/// `Content-Length` or `Transfer-Encoding: chunked`, never both.
package struct HTTPRequestParser: Sendable {
    private enum State: Sendable {
        case head
        case bodyStart
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkSizeEnd
        case chunkExtension
        case chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailers
        case failed(HTTPParseError)
    }

    private static let maxChunkExtensionBytes = 4096
    private static let maxLeadingEmptyLines = 4

    private let limits: HTTPParserLimits
    private var state: State = .head

    // Head scanning: bytes so far, and where we are in them.
    private var headBuffer: [UInt8] = []
    private var lineStart = 0
    private var requestLineEnd = 0
    private var headerLines = 0
    private var sawCR = false
    private var leadingEmptyLines = 0

    // Body.
    private var framing: HTTPBodyFraming = .none
    private var bodyLimit: Int
    private var bodyReceived = 0
    private var chunkValue = 0
    private var chunkDigits = 0
    private var chunkExtensionBytes = 0
    private var trailerBytes = 0
    private var trailers = HTTPHeaders()

    /// A parser enforcing `limits`.
    package init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        self.bodyLimit = limits.defaultBodyLimit
    }

    /// Frees the head buffer while no request is in progress, so an idle keep-alive connection
    /// holds no heap memory for it; the next request allocates it again.
    package mutating func releaseIdleBuffers() {
        guard isIdle, headBuffer.capacity > 0 else { return }
        headBuffer = []
    }

    /// True between requests: no byte of a next request has been consumed yet.
    package var isIdle: Bool {
        if case .head = state { return headBuffer.isEmpty && !sawCR }
        return false
    }

    /// Bytes reserved for the head buffer (for tests of `releaseIdleBuffers`).
    var headBufferCapacity: Int { headBuffer.capacity }

    /// True while reading a head (some bytes of it consumed), as opposed to a body.
    package var isReadingHead: Bool {
        if case .head = state { return true }
        return false
    }

    /// Sets the body limit for the request whose head was just reported. Returns the 413 error
    /// (and fails the parser) when a declared `Content-Length` already exceeds it.
    package mutating func setBodyLimit(_ limit: Int) -> HTTPParseError? {
        bodyLimit = limit
        if case .length(let length) = framing, length > limit {
            state = .failed(.bodyTooLarge)
            return .bodyTooLarge
        }
        return nil
    }

    /// Consumes a prefix of `input` and reports what it completed.
    package mutating func parse(_ input: Span<UInt8>) -> (event: HTTPParserEvent, consumed: Int) {
        var index = 0
        while true {
            switch state {
            case .failed(let error):
                return (.error(error), index)
            case .head:
                if let event = scanHead(input, &index) { return (event, index) }
                return (.needMoreData, index)
            case .bodyStart:
                switch framing {
                case .none:
                    return (finishMessage(), index)
                case .length(let length):
                    if length > bodyLimit { return (fail(.bodyTooLarge), index) }
                    if length == 0 { return (finishMessage(), index) }
                    state = .fixedBody(remaining: length)
                case .chunked:
                    chunkValue = 0
                    chunkDigits = 0
                    state = .chunkSize
                }
            case .fixedBody(let remaining):
                let available = input.count - index
                if available == 0 { return (.needMoreData, index) }
                let take = min(available, remaining)
                let range = index..<(index + take)
                index += take
                state = remaining == take ? .bodyStart : .fixedBody(remaining: remaining - take)
                if remaining == take { framing = .none }
                return (.body(range), index)
            case .chunkData(let remaining):
                let available = input.count - index
                if available == 0 { return (.needMoreData, index) }
                let take = min(available, remaining)
                let range = index..<(index + take)
                index += take
                state = remaining == take ? .chunkDataCR : .chunkData(remaining: remaining - take)
                return (.body(range), index)
            case .chunkSize, .chunkSizeEnd, .chunkExtension, .chunkSizeLF, .chunkDataCR, .chunkDataLF, .trailers:
                guard index < input.count else { return (.needMoreData, index) }
                let byte = input[index]
                index += 1
                if let event = chunkByte(byte) { return (event, index) }
            }
        }
    }

    // MARK: - Head

    /// Scans for the empty line that ends the head, enforcing the size limits on the way.
    ///
    /// Only CR and LF change the scanner's state, so the bytes between them are skipped eight at a
    /// time (`ByteScan.lineBreak`) and the size limit is checked once per run, at the byte where it
    /// was first exceeded; a token alone is some 1 KB of a typical head.
    private mutating func scanHead(_ input: Span<UInt8>, _ index: inout Int) -> HTTPParserEvent? {
        var pendingStart = index
        var position = headBuffer.count
        var i = index
        let count = input.count
        while i < count {
            if !sawCR {
                let runStart = i
                i = ByteScan.lineBreak(in: input, from: i)
                if i > runStart {
                    let limit =
                        requestLineEnd == 0
                        ? limits.maxRequestLineBytes + 2 : requestLineEnd + limits.maxHeaderBytes
                    let before = position
                    position += i - runStart
                    if position > limit {
                        index = runStart + (limit - before) + 1
                        return fail(requestLineEnd == 0 ? .requestLineTooLong : .headersTooLarge)
                    }
                }
                if i == count { break }
            }
            let byte = input[i]
            i += 1
            position += 1
            if sawCR {
                guard byte == ASCII.lf else {
                    index = i
                    return fail(.bareCR)
                }
                sawCR = false
                if position - lineStart == 2 {
                    if requestLineEnd == 0 {
                        // RFC 9112 §2.2: ignore at least one empty line before the request line.
                        leadingEmptyLines += 1
                        if leadingEmptyLines > Self.maxLeadingEmptyLines {
                            index = i
                            return fail(.tooManyEmptyLines)
                        }
                        headBuffer.removeAll(keepingCapacity: true)
                        pendingStart = i
                        position = 0
                        lineStart = 0
                        continue
                    }
                    index = i
                    // A head that arrived in one read is parsed where it lies; only one split
                    // across reads was collected in (and is parsed from) the head buffer.
                    if headBuffer.isEmpty {
                        return completeHead(
                            Self.parseHead(
                                input.extracting(pendingStart..<i), requestLineEnd: requestLineEnd,
                                fieldCount: headerLines))
                    }
                    append(input, pendingStart..<i)
                    var collected: [UInt8] = []
                    swap(&collected, &headBuffer)
                    let result = Self.parseHead(collected.span, requestLineEnd: requestLineEnd, fieldCount: headerLines)
                    // A large head (up to maxHeaderBytes) must not pin its buffer for the connection's life.
                    collected.removeAll(keepingCapacity: collected.capacity <= 8192)
                    headBuffer = collected
                    return completeHead(result)
                }
                if requestLineEnd == 0 {
                    requestLineEnd = position
                } else {
                    headerLines += 1
                    if headerLines > limits.maxHeaderCount {
                        index = i
                        return fail(.tooManyHeaders)
                    }
                }
                lineStart = position
            } else if byte == ASCII.cr {
                sawCR = true
            } else {
                index = i
                return fail(.bareLF)
            }
            if requestLineEnd == 0 {
                if position > limits.maxRequestLineBytes + 2 {
                    index = i
                    return fail(.requestLineTooLong)
                }
            } else if position - requestLineEnd > limits.maxHeaderBytes {
                index = i
                return fail(.headersTooLarge)
            }
        }
        append(input, pendingStart..<i)
        index = i
        return nil
    }

    private mutating func append(_ input: Span<UInt8>, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        // Only a head split across reads is collected here, so most connections never allocate
        // it; one that does reuses it (most heads fit in 1 KB) until it goes idle.
        if headBuffer.capacity == 0 { headBuffer.reserveCapacity(max(1024, range.count)) }
        unsafe input.extracting(range).withUnsafeBufferPointer { bytes in
            unsafe headBuffer.append(contentsOf: bytes)
        }
    }

    private mutating func completeHead(_ result: Result<HTTPRequestHead, HTTPParseError>) -> HTTPParserEvent {
        lineStart = 0
        requestLineEnd = 0
        headerLines = 0
        leadingEmptyLines = 0
        switch result {
        case .success(let head):
            framing = head.framing
            bodyLimit = limits.defaultBodyLimit
            bodyReceived = 0
            state = .bodyStart
            return .head(head)
        case .failure(let error):
            return fail(error)
        }
    }

    /// Parses a complete head (request line, fields, final CRLF CRLF) already split into lines.
    private static func parseHead(
        _ buffer: Span<UInt8>, requestLineEnd: Int, fieldCount: Int
    ) -> Result<HTTPRequestHead, HTTPParseError> {
        // Request line: method SP request-target SP HTTP-version (RFC 9112 §3).
        let lineEnd = requestLineEnd - 2
        guard let firstSpace = firstIndex(of: ASCII.space, in: buffer, 0..<lineEnd), firstSpace > 0 else {
            return .failure(.malformedRequestLine)
        }
        guard let secondSpace = firstIndex(of: ASCII.space, in: buffer, (firstSpace + 1)..<lineEnd),
            secondSpace > firstSpace + 1
        else { return .failure(.malformedRequestLine) }
        for index in 0..<firstSpace where !ASCII.isToken(buffer[index]) {
            return .failure(.invalidMethod)
        }
        guard let version = parseVersion(buffer.extracting((secondSpace + 1)..<lineEnd)) else {
            return .failure(.malformedRequestLine)
        }
        guard version.major == 1 else { return .failure(.unsupportedVersion) }
        for index in (firstSpace + 1)..<secondSpace where !ASCII.isTargetByte(buffer[index]) {
            return .failure(.invalidTarget)
        }
        guard let method = HTTPMethod.known(buffer.extracting(0..<firstSpace)) else {
            return .failure(.unknownMethod)
        }

        // Header fields (RFC 9112 §5, RFC 9110 §5).
        var headers = HTTPHeaders()
        headers.reserveCapacity(fieldCount)  // the scan counted the lines: one allocation
        var contentLength: Int?
        var contentLengthCount = 0
        var transferEncodings: [String] = []
        var hostCount = 0
        var host = ""
        var close = false
        var keepAliveToken = false
        var expectContinue = false
        var lineStart = requestLineEnd
        let end = buffer.count - 2
        while lineStart < end {
            // The scan left only CRLF pairs in the buffer: the next line break is this line's CR.
            let lineEnd = ByteScan.lineBreak(in: buffer, from: lineStart)
            let field: (name: String, value: String)
            switch parseField(buffer, lineStart..<lineEnd) {
            case .success(let parsed): field = parsed
            case .failure(let error): return .failure(error)
            }
            let nameLength = field.name.utf8.count
            if nameLength == 4, ASCII.equalsIgnoringCase(field.name, "host") {
                hostCount += 1
                host = field.value
            } else if nameLength == 14, ASCII.equalsIgnoringCase(field.name, "content-length") {
                contentLengthCount += 1
                contentLength = parseContentLength(field.value)
                if contentLength == nil { return .failure(.invalidContentLength) }
            } else if nameLength == 17, ASCII.equalsIgnoringCase(field.name, "transfer-encoding") {
                transferEncodings.append(field.value)
            } else if nameLength == 10, ASCII.equalsIgnoringCase(field.name, "connection") {
                for option in field.value.utf8.split(separator: UInt8(ascii: ",")) {
                    let token = trimmed(option)
                    if token.elementsEqual("close".utf8, by: { ASCII.lowercased($0) == $1 }) { close = true }
                    if token.elementsEqual("keep-alive".utf8, by: { ASCII.lowercased($0) == $1 }) {
                        keepAliveToken = true
                    }
                }
            } else if nameLength == 6, ASCII.equalsIgnoringCase(field.name, "expect") {
                guard ASCII.equalsIgnoringCase(field.value, "100-continue") else {
                    return .failure(.unsupportedExpectation)
                }
                // RFC 9110 §10.1.1: an HTTP/1.0 client cannot expect 100 Continue.
                expectContinue = version.minor >= 1
            }
            headers.add(field.name, field.value)
            lineStart = lineEnd + 2
        }

        // Framing (RFC 9112 §6.1-6.3): refuse anything two parties could read differently.
        var framing = HTTPBodyFraming.none
        if !transferEncodings.isEmpty {
            if contentLengthCount > 0 { return .failure(.contentLengthWithTransferEncoding) }
            if version.minor == 0 { return .failure(.transferEncodingInHTTP10) }
            if let error = checkTransferEncoding(transferEncodings) { return .failure(error) }
            framing = .chunked
        } else if contentLengthCount > 1 {
            return .failure(.duplicateContentLength)
        } else if let contentLength {
            framing = .length(contentLength)
        }

        if hostCount > 1 { return .failure(.duplicateHost) }
        if hostCount == 0 && version.minor >= 1 { return .failure(.missingHost) }
        if !isValidHost(host) { return .failure(.invalidHost) }

        // Request target forms (RFC 9112 §3.2).
        let target = string(buffer, (firstSpace + 1)..<secondSpace)
        if firstIndex(of: UInt8(ascii: "#"), in: buffer, (firstSpace + 1)..<secondSpace) != nil {
            return .failure(.invalidTarget)
        }
        let path: String
        let query: String?
        switch buffer[firstSpace + 1] {
        case UInt8(ascii: "/"):
            (path, query) = splitTarget(target)
        case UInt8(ascii: "*") where secondSpace == firstSpace + 2 && method == .options:
            (path, query) = ("*", nil)
        default:
            guard let (authority, rest) = splitAbsoluteForm(target) else { return .failure(.unsupportedTarget) }
            guard hostCount == 1, ASCII.equalsIgnoringCase(authority, host) else {
                return .failure(.foreignAbsoluteTarget)
            }
            (path, query) = splitTarget(rest)
        }

        let keepAlive = version.minor >= 1 ? !close : (keepAliveToken && !close)
        return .success(
            HTTPRequestHead(
                method: method, target: target, path: path, query: query, version: version, headers: headers,
                framing: framing, keepAlive: keepAlive,
                expectContinue: expectContinue && framing != .none && framing != .length(0)))
    }

    private static func parseVersion(_ bytes: Span<UInt8>) -> HTTPVersion? {
        guard bytes.count == 8 else { return nil }
        for (index, expected) in "HTTP/".utf8.enumerated() where bytes[index] != expected { return nil }
        let major = bytes[5]
        let dot = bytes[6]
        let minor = bytes[7]
        guard ASCII.isDigit(major), dot == UInt8(ascii: "."), ASCII.isDigit(minor) else { return nil }
        let majorValue = Int(major - UInt8(ascii: "0"))
        // RFC 9110 §2.5: a higher minor version of HTTP/1 is answered as HTTP/1.1.
        return HTTPVersion(major: majorValue, minor: majorValue == 1 ? min(1, Int(minor - UInt8(ascii: "0"))) : 0)
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    private static func parseField(
        _ buffer: Span<UInt8>, _ range: Range<Int>
    ) -> Result<(name: String, value: String), HTTPParseError> {
        let first = buffer[range.lowerBound]
        if first == ASCII.space || first == ASCII.tab { return .failure(.obsoleteLineFolding) }
        guard let colon = firstIndex(of: ASCII.colon, in: buffer, range) else {
            for index in range where !ASCII.isToken(buffer[index]) { return .failure(.invalidHeaderName) }
            return .failure(.missingColon)
        }
        guard colon > range.lowerBound else { return .failure(.invalidHeaderName) }
        for index in range.lowerBound..<colon where !ASCII.isToken(buffer[index]) {
            return .failure(.invalidHeaderName)
        }
        var valueStart = colon + 1
        var valueEnd = range.upperBound
        while valueStart < valueEnd, buffer[valueStart] == ASCII.space || buffer[valueStart] == ASCII.tab {
            valueStart += 1
        }
        while valueEnd > valueStart, buffer[valueEnd - 1] == ASCII.space || buffer[valueEnd - 1] == ASCII.tab {
            valueEnd -= 1
        }
        guard ByteScan.allFieldValueBytes(buffer.extracting(valueStart..<valueEnd)) else {
            return .failure(.invalidHeaderValue)
        }
        return .success(
            (
                name: string(buffer, range.lowerBound..<colon),
                value: string(buffer, valueStart..<valueEnd)
            ))
    }

    /// The first `byte` in `range` of `bytes`.
    private static func firstIndex(of byte: UInt8, in bytes: Span<UInt8>, _ range: Range<Int>) -> Int? {
        for index in range where bytes[index] == byte { return index }
        return nil
    }

    /// The bytes in `range` as a String (invalid UTF-8, which obs-text allows, is repaired).
    private static func string(_ bytes: Span<UInt8>, _ range: Range<Int>) -> String {
        unsafe bytes.extracting(range).withUnsafeBufferPointer { unsafe String(decoding: $0, as: UTF8.self) }
    }

    /// Content-Length = 1*DIGIT, small enough to be an Int (RFC 9110 §8.6). A list such as
    /// `5, 5` is refused rather than deduplicated.
    private static func parseContentLength(_ value: String) -> Int? {
        var result = 0
        var digits = 0
        for byte in value.utf8 {
            guard ASCII.isDigit(byte) else { return nil }
            digits += 1
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return digits > 0 ? result : nil
    }

    /// Only `chunked`, once, as the final coding; every other coding is unknown here (501).
    private static func checkTransferEncoding(_ values: [String]) -> HTTPParseError? {
        var codings: [ArraySlice<UInt8>] = []
        for value in values {
            for element in Array(value.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let coding = trimmed(element)
                if !coding.isEmpty { codings.append(coding) }
            }
        }
        guard !codings.isEmpty else { return .invalidTransferEncoding }
        var chunkedCount = 0
        for coding in codings {
            if coding.elementsEqual("chunked".utf8, by: { ASCII.lowercased($0) == $1 }) {
                chunkedCount += 1
            } else if coding.allSatisfy(ASCII.isToken) {
                return .unknownTransferCoding
            } else {
                return .invalidTransferEncoding
            }
        }
        let last = codings[codings.count - 1]
        guard chunkedCount == 1, last.elementsEqual("chunked".utf8, by: { ASCII.lowercased($0) == $1 }) else {
            return .invalidTransferEncoding
        }
        return nil
    }

    private static func trimmed<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == ASCII.space || bytes[start] == ASCII.tab {
            start = bytes.index(after: start)
        }
        while end > start {
            let previous = bytes.index(before: end)
            guard bytes[previous] == ASCII.space || bytes[previous] == ASCII.tab else { break }
            end = previous
        }
        return bytes[start..<end]
    }

    /// uri-host [ ":" port ] characters (RFC 3986 §3.2.2); an empty Host is allowed (RFC 9112 §3.2).
    private static func isValidHost(_ host: String) -> Bool {
        for byte in host.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                guard "-._~!$&'()*+,;=:[]%".utf8.contains(byte) else { return false }
            }
        }
        return true
    }

    private static func splitTarget(_ target: String) -> (path: String, query: String?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, nil) }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// `http://authority/path?query` → (authority, "/path?query"); nil for any other form.
    private static func splitAbsoluteForm(_ target: String) -> (authority: String, rest: String)? {
        let utf8 = Array(target.utf8)
        let prefixLength: Int
        if utf8.count > 7, utf8[0..<7].elementsEqual("http://".utf8, by: { ASCII.lowercased($0) == $1 }) {
            prefixLength = 7
        } else if utf8.count > 8, utf8[0..<8].elementsEqual("https://".utf8, by: { ASCII.lowercased($0) == $1 }) {
            prefixLength = 8
        } else {
            return nil
        }
        let authorityEnd =
            utf8[prefixLength...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? utf8.count
        let authority = String(decoding: utf8[prefixLength..<authorityEnd], as: UTF8.self)
        guard !authority.isEmpty, !authority.utf8.contains(UInt8(ascii: "@")) else { return nil }
        var rest = String(decoding: utf8[authorityEnd...], as: UTF8.self)
        if rest.isEmpty || rest.utf8.first == UInt8(ascii: "?") { rest = "/" + rest }
        return (authority, rest)
    }

    // MARK: - Chunked body (RFC 9112 §7.1)

    private mutating func chunkByte(_ byte: UInt8) -> HTTPParserEvent? {
        switch state {
        case .chunkSize:
            if let digit = ASCII.hexValue(byte) {
                guard chunkValue <= (Int.max >> 4) else { return fail(.invalidChunkSize) }
                chunkValue = chunkValue << 4 | Int(digit)
                chunkDigits += 1
                return nil
            }
            guard chunkDigits > 0 else { return fail(.invalidChunkSize) }
            return afterChunkSize(byte)
        case .chunkSizeEnd:
            return afterChunkSize(byte)
        case .chunkExtension:
            if byte == ASCII.cr {
                state = .chunkSizeLF
                return nil
            }
            chunkExtensionBytes += 1
            guard ASCII.isFieldValue(byte), chunkExtensionBytes <= Self.maxChunkExtensionBytes else {
                return fail(.invalidChunkExtension)
            }
            return nil
        case .chunkSizeLF:
            guard byte == ASCII.lf else { return fail(.bareCR) }
            if chunkValue == 0 {
                trailers = HTTPHeaders()
                trailerBytes = 0
                headBuffer.removeAll(keepingCapacity: true)
                state = .trailers
                return nil
            }
            guard bodyLimit - bodyReceived >= chunkValue else { return fail(.bodyTooLarge) }
            bodyReceived += chunkValue
            state = .chunkData(remaining: chunkValue)
            return nil
        case .chunkDataCR:
            guard byte == ASCII.cr else { return fail(.missingChunkTerminator) }
            state = .chunkDataLF
            return nil
        case .chunkDataLF:
            guard byte == ASCII.lf else { return fail(.missingChunkTerminator) }
            chunkValue = 0
            chunkDigits = 0
            chunkExtensionBytes = 0
            state = .chunkSize
            return nil
        case .trailers:
            return trailerByte(byte)
        default:
            return nil
        }
    }

    /// After the size: BWS, then `;` extensions or CRLF.
    private mutating func afterChunkSize(_ byte: UInt8) -> HTTPParserEvent? {
        switch byte {
        case ASCII.space, ASCII.tab:
            state = .chunkSizeEnd
            return nil
        case UInt8(ascii: ";"):
            state = .chunkExtension
            return nil
        case ASCII.cr:
            state = .chunkSizeLF
            return nil
        default:
            return fail(byte == ASCII.lf ? .bareLF : .invalidChunkSize)
        }
    }

    /// trailer-section = *( field-line CRLF ), then CRLF.
    private mutating func trailerByte(_ byte: UInt8) -> HTTPParserEvent? {
        trailerBytes += 1
        if trailerBytes > limits.maxHeaderBytes { return fail(.headersTooLarge) }
        if byte == ASCII.lf {
            guard headBuffer.last == ASCII.cr else { return fail(.bareLF) }
            headBuffer.removeLast()
            if headBuffer.isEmpty { return finishMessage() }
            let line = headBuffer
            headBuffer.removeAll(keepingCapacity: true)
            switch Self.parseField(line.span, 0..<line.count) {
            case .success(let field):
                trailers.add(field.name, field.value)
                if trailers.count > limits.maxHeaderCount { return fail(.tooManyHeaders) }
                return nil
            case .failure(let error):
                return fail(error == .obsoleteLineFolding ? error : .invalidTrailer)
            }
        }
        if headBuffer.last == ASCII.cr { return fail(.bareCR) }
        headBuffer.append(byte)
        return nil
    }

    // MARK: - Transitions

    private mutating func finishMessage() -> HTTPParserEvent {
        let finished = trailers
        trailers = HTTPHeaders()
        headBuffer.removeAll(keepingCapacity: true)
        framing = .none
        bodyReceived = 0
        bodyLimit = limits.defaultBodyLimit
        state = .head
        return .end(trailers: finished)
    }

    private mutating func fail(_ error: HTTPParseError) -> HTTPParserEvent {
        state = .failed(error)
        return .error(error)
    }
}
