import CFuzzerDriver
import Foundation
import UploadService

/// Fuzzes the file-name sanitiser and the key builder: whatever name a client sends, the key
/// stays under the caller's prefix as exactly one more path segment, with no dot segments, no
/// empty segments and a bounded length.
let builder = ObjectKeyBuilder(randomHex: { "0123456789abcdef" })
let subject = "3f1e2d4c-5b6a-4789-9abc-def012345678"
let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let name = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let sanitized = FilenameSanitizer.sanitize(name)
    precondition(!sanitized.isEmpty, "empty sanitised name")
    precondition(!sanitized.contains("/") && !sanitized.contains("\\"), "separator survived")
    precondition(!sanitized.hasPrefix("."), "leading dot survived")
    precondition(sanitized.utf8.count <= FilenameSanitizer.maximumBytes, "sanitised name too long")
    precondition(FilenameSanitizer.sanitize(sanitized) == sanitized, "sanitising is not idempotent")

    let key = builder.key(subject: subject, filename: name, now: now)
    let prefix = ObjectKeyBuilder.prefix(forSubject: subject)
    precondition(key.hasPrefix(prefix), "key escaped its prefix")
    let segments = key.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
    precondition(segments.count == 4, "the name added path segments")  // yyyy/mm/dd/<stamp>-<name>
    precondition(!segments.contains { $0.isEmpty || $0 == "." || $0 == ".." }, "empty or dot segment")
    precondition(key.utf8.count <= 1024, "key longer than S3 allows")
    return 0
}

@_cdecl("FuzzObjectKey_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    su_fuzz_run(argc, argv) { data, size in fuzz(data!, size) }
}
