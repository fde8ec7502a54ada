import CFuzzerDriver
import Foundation
import SigV4

/// Fuzzes the local S3 receiver's front door: the pre-signed query parser and verifier. The
/// input is the raw query string (and, after a NUL, the raw path). Nothing the fuzzer writes can
/// carry a valid signature for our secret, so every request must be refused — and never crash.
let verifier = PresignedRequestVerifier(region: "us-east-1")
let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0) ?? size
    let query = String(decoding: bytes[..<split], as: UTF8.self)
    let path = split < size ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : "/local/s3/bucket/key.txt"
    let result = verifier.verify(
        method: "PUT", rawPath: path, rawQuery: query,
        headers: [("Host", "127.0.0.1:8080"), ("Content-Length", "5"), ("Content-Type", "text/plain")], now: now,
        secretFor: { $0 == "LOCALKEYFUZZ" ? "fuzz-secret-access-key" : nil })
    if case .success = result { preconditionFailure("a request the fuzzer made up was accepted") }
    return 0
}

@_cdecl("FuzzS3Query_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
