import CFuzzerDriver
import HTTPServer

/// Fuzzes the HTTP/1.1 request parser. Properties checked on every input:
/// - it never crashes, never consumes more than it was given, and consumes everything when it
///   asks for more data;
/// - the outcome does not depend on how the bytes were split (one piece, or pieces of a size
///   taken from the input): the same heads, the same body bytes, the same end or error.
struct Outcome: Equatable {
    var heads: [String] = []
    var bodyBytes: [UInt8] = []
    var ends = 0
    var error: String?
}

/// What must not depend on the split: the request line, every header, the framing. Cheaper than
/// `"\(head)"`, which cost most of the harness's time.
func summary(_ head: HTTPRequestHead) -> String {
    var text = head.method.rawValue + " " + head.target + " " + head.path + "?" + (head.query ?? "-")
    text += " \(head.version.major).\(head.version.minor) \(head.keepAlive) \(head.expectContinue) \(head.framing)"
    for (name, value) in head.headers { text += "\n" + name + ":" + value }
    return text
}

func run(_ input: [UInt8], pieceSize: Int) -> Outcome {
    var parser = HTTPRequestParser()
    var outcome = Outcome()
    var offset = 0
    repeat {
        let piece = Array(input[offset..<min(input.count, offset + pieceSize)])
        offset += piece.count
        var start = 0
        var steps = 0
        feeding: while true {
            steps += 1
            // Each step either consumes bytes or reports an event; a parser that does neither
            // thousands of times in a row is stuck.
            precondition(steps < 100_000, "parser made no progress")
            let (event, consumed) = piece.withUnsafeBufferPointer { buffer in
                parser.parse(Span(_unsafeElements: UnsafeBufferPointer(rebasing: buffer[start...])))
            }
            precondition(consumed >= 0 && consumed <= piece.count - start, "parser consumed bytes it was not given")
            switch event {
            case .needMoreData:
                precondition(consumed == piece.count - start, "needMoreData must consume the whole input")
                break feeding
            case .head(let head):
                outcome.heads.append(summary(head))
                // A small limit, so the 413 paths are reached too.
                if let error = parser.setBodyLimit(4096) {
                    outcome.error = "\(error)"
                    return outcome
                }
            case .body(let range):
                outcome.bodyBytes += piece[(start + range.lowerBound)..<(start + range.upperBound)]
            case .end:
                outcome.ends += 1
            case .error(let error):
                outcome.error = "\(error)"
                return outcome
            }
            start += consumed
        }
    } while offset < input.count
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let pieceSize = Int(data[0] % 16) + 1
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = run(input, pieceSize: max(1, input.count))
    let split = run(input, pieceSize: pieceSize)
    precondition(whole == split, "parse result depends on how the input was split")
    return 0
}

@_cdecl("FuzzHTTPParser_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
