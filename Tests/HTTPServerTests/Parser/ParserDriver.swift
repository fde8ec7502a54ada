@testable import HTTPServer

/// Feeds a parser pieces of input and writes down what it reports, merging body events, so that
/// two different splits of the same bytes can be compared.
struct ParserDriver {
    var parser: HTTPRequestParser
    var events: [String] = []
    private var body: [UInt8] = []
    private(set) var failed: HTTPParseError?

    init(limits: HTTPParserLimits = HTTPParserLimits()) {
        parser = HTTPRequestParser(limits: limits)
    }

    static func transcript(_ pieces: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> [String] {
        var driver = ParserDriver(limits: limits)
        for piece in pieces { driver.feed(piece) }
        return driver.events
    }

    static func transcript(_ text: String, splitAt split: Int) -> [String] {
        let bytes = Array(text.utf8)
        return transcript([Array(bytes[..<split]), Array(bytes[split...])])
    }

    mutating func feed(_ piece: [UInt8]) {
        guard failed == nil else { return }
        var offset = 0
        var guardCount = 0
        while true {
            guardCount += 1
            precondition(guardCount < 1_000_000, "the parser made no progress")
            let slice = piece.span.extracting(offset..<piece.count)
            let (event, consumed) = parser.parse(slice)
            switch event {
            case .needMoreData:
                precondition(offset + consumed == piece.count, "needMoreData must consume everything")
                return
            case .head(let head):
                events.append(Self.describe(head))
            case .body(let range):
                body.append(contentsOf: piece[(offset + range.lowerBound)..<(offset + range.upperBound)])
            case .end(let trailers):
                events.append("body \(String(decoding: body, as: UTF8.self))")
                body = []
                events.append("end " + trailers.map { "\($0.name)=\($0.value)" }.joined(separator: ","))
            case .error(let error):
                events.append("error \(error.status.code) \(error.code)")
                failed = error
                return
            }
            offset += consumed
        }
    }

    static func describe(_ head: HTTPRequestHead) -> String {
        let fields = head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        return
            "head \(head.method.rawValue) \(head.target) path=\(head.path) query=\(head.query ?? "-") \(head.version) "
            + "[\(fields)] framing=\(head.framing) keepAlive=\(head.keepAlive) continue=\(head.expectContinue)"
    }
}
