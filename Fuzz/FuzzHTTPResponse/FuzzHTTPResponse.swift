import CFuzzerDriver
import SigV4
import UploadService

/// Fuzzes the outbound client's response parser, which reads whatever a JWKS, STS or credentials
/// endpoint (or anyone between) sends. The first byte picks the piece size; the rest is the
/// response, parsed once whole and once in pieces, then ended by a clean close. Both readings must
/// agree (same response, or the same error), and any response must keep the parser's promises:
/// body within the cap, field names that are tokens, values without CR, LF or NUL, no body on a
/// 204 or 304, a body as long as a lone Content-Length says.
let cap = 4096

enum Outcome: Equatable {
    case response(status: Int, fields: [String], body: [UInt8])
    case failed(String)
}

func parse(_ bytes: ArraySlice<UInt8>, pieceSize: Int) -> Outcome {
    var parser = HTTPResponseParser(method: "GET", limits: HTTPResponseParser.Limits(maximumBodyBytes: cap))
    do {
        var start = bytes.startIndex
        var complete = false
        while start < bytes.endIndex && !complete {
            let end = min(start + pieceSize, bytes.endIndex)
            complete = try parser.consume(bytes[start..<end])
            start = end
        }
        try parser.finish(cleanly: true)
    } catch {
        return .failed(error.message)
    }
    guard let response = parser.response else { return .failed("finished without a response") }
    return .response(
        status: response.status, fields: response.headers.map { "\($0.0): \($0.1)" }, body: response.body)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let pieceSize = Int(input[0] % 16) + 1
    let bytes = input[1...]
    let whole = parse(bytes, pieceSize: max(bytes.count, 1))
    let pieces = parse(bytes, pieceSize: pieceSize)
    precondition(whole == pieces, "whole: \(whole), in pieces of \(pieceSize): \(pieces)")
    guard case .response(let status, _, let body) = whole else { return 0 }
    var parser = HTTPResponseParser(method: "GET", limits: HTTPResponseParser.Limits(maximumBodyBytes: cap))
    _ = try? parser.consume(bytes)
    try? parser.finish(cleanly: true)
    let headers = parser.response?.headers ?? []
    precondition((100...999).contains(status), "status \(status)")
    precondition(body.count <= cap, "body of \(body.count) bytes over the cap")
    for (name, value) in headers {
        precondition(!name.isEmpty && name.utf8.allSatisfy(HTTPResponseParser.isTokenByte), "field name \(name)")
        precondition(!value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }, "field value with CR, LF or NUL")
    }
    if status == 204 || status == 304 { precondition(body.isEmpty, "a body on \(status)") }
    let lengths = headers.filter { $0.0.lowercased() == "content-length" }
    let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" }
    if lengths.count == 1, !chunked, status != 204, status != 304, let length = Int(lengths[0].1) {
        precondition(body.count == length, "Content-Length \(length), body \(body.count)")
    }
    return 0
}

@_cdecl("FuzzHTTPResponse_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
