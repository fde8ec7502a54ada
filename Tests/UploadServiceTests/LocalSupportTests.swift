import Foundation
import Glibc
import Synchronization

@testable import UploadService

// Shared helpers for the Local*Tests suites (the file name keeps them inside local mode's tests).

/// A clock the test moves by hand.
final class LocalTestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    var function: @Sendable () -> Date { { self.now } }
}

/// A fresh, empty folder under the system temporary folder, removed by `remove()`.
struct LocalTemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/secure-upload-local-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Regular files under `relative` (recursive), as paths relative to it; empty if it is missing.
    func files(under relative: String) -> [String] {
        let root = path + "/" + relative
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let next = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + next, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(next)
            }
        }
        return found.sorted()
    }

    /// The permission bits of `relative`.
    func mode(of relative: String) -> mode_t? {
        var info = stat()
        guard stat(path + "/" + relative, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}

func localConfiguration(
    dataDirectory: String, users: [(name: String, password: String)]? = [("alice", "correct horse")],
    maxUploadBytes: Int64 = 1024 * 1024
) -> LocalModeConfiguration {
    LocalModeConfiguration(
        dataDirectory: dataDirectory, users: users, region: "eu-west-1", bucket: "local-bucket",
        baseURL: "http://127.0.0.1:8080/", maxUploadBytes: maxUploadBytes)
}

/// The decoded JSON of a reply body.
func localJSON(_ bytes: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
}

/// The claims of a JWT (unverified), for checking what was minted.
func localClaims(of token: String) -> [String: Any] {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3 else { return [:] }
    return localJSON(localBase64URLDecode(String(parts[1])) ?? [])
}

func localBase64URLDecode(_ text: String) -> [UInt8]? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { Array($0) }
}
