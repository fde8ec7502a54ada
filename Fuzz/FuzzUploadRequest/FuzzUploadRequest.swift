import CFuzzerDriver
import Foundation
import UploadService

/// Fuzzes the `POST /upload` body decoder. Whatever it accepts must satisfy the policy: a
/// non-empty file name of at most 255 bytes with no control characters, a size within the limit,
/// an allowed content type, and a checksum that is base64 of exactly 32 bytes.
let policy = UploadPolicy(
    maxUploadBytes: 1_000_000, allowedContentTypes: [MediaTypePattern("image/*")!, MediaTypePattern("text/plain")!])

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    guard let request = try? UploadRequest.decode(body: body, policy: policy) else { return 0 }
    precondition(!request.filename.isEmpty && request.filename.utf8.count <= 255, "file name out of bounds")
    precondition(
        !request.filename.unicodeScalars.contains { $0.properties.generalCategory == .control },
        "control character accepted in a file name")
    precondition(request.size >= 0 && request.size <= 1_000_000, "size out of bounds")
    precondition(policy.allowedContentTypes.contains { $0.matches(request.contentType) }, "type not allowed")
    if let checksum = request.checksumSHA256 {
        precondition(Data(base64Encoded: checksum)?.count == 32, "checksum is not base64 of 32 bytes")
    }
    return 0
}

@_cdecl("FuzzUploadRequest_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
