import FoundationEssentials
import Synchronization

/// A directory served read-only: `Content-Type` by extension, strong `ETag` with `If-None-Match`,
/// `Last-Modified` with `If-Modified-Since`, `Cache-Control`, and gzip compressed once per file
/// version. `/` and `/dir/` serve `index.html`. No request path can reach outside the root:
/// `..`, encoded dots, NUL, backslashes and dotfiles are refused, and every file's real path
/// (symlinks resolved) must lie under the root's.
package struct StaticFiles: Sendable {
    /// The root directory's real path.
    package let root: String
    let cacheControl: String
    let store: StaticFileStore

    /// Serves the directory at `root`. Throws when it is not a readable directory.
    /// - Parameters:
    ///   - cacheControl: `Cache-Control` for assets other than HTML (HTML always gets `no-cache`,
    ///     so a new deploy is seen at once; the ETag makes that revalidation cheap).
    ///   - maxCachedFileBytes: larger files are read on each request and sent uncompressed.
    package init(
        root: String, cacheControl: String = "public, max-age=300", maxCachedFileBytes: Int = 32 << 20
    ) throws(StaticFilesError) {
        guard let resolved = System.realPath(root) else { throw .rootNotFound(root) }
        guard (try? FileManager.default.contentsOfDirectory(atPath: resolved)) != nil else {
            throw .rootNotDirectory(root)
        }
        guard !cacheControl.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .invalidCacheControl
        }
        self.root = resolved == "/" ? "" : resolved
        self.cacheControl = cacheControl
        self.store = StaticFileStore(maxCachedFileBytes: maxCachedFileBytes)
    }

    /// How long a loop trusts a file version before checking it with `stat` again.
    static let revalidationNanoseconds: Int64 = 1_000_000_000

    /// Answers a `GET` or `HEAD` for `path` (raw, percent-encoded), using the loop's `cache`.
    func respond(path: String, headers: HTTPHeaders, cache: StaticFileCache, now: Int64) -> HTTPResponse {
        let file: StaticFile
        if let cached = cache.lookup(path, store: store), now - cached.checkedAt < Self.revalidationNanoseconds {
            file = cached.file
        } else {
            switch locate(path) {
            case .failure(let refusal):
                cache.remove(path)
                return refusal.response
            case .success(let located):
                file = located
                cache.insert(path, file: located, store: store, now: now)
            }
        }
        return Self.response(for: file, headers: headers)
    }

    private func locate(_ rawPath: String) -> Result<StaticFile, StaticRefusal> {
        let relative: String
        switch Self.sanitize(rawPath) {
        case .success(let path): relative = path
        case .failure(let refusal): return .failure(refusal)
        }
        let candidate = root + relative
        guard let identity = System.stat(candidate), identity.isRegularFile else { return .failure(.notFound) }
        // The realpath check: a symlink inside the root must not lead outside it.
        guard let real = System.realPath(candidate), real.hasPrefix(root + "/") else { return .failure(.notFound) }
        guard let file = store.file(realPath: real, identity: identity, cacheControl: cacheControl) else {
            return .failure(.notFound)
        }
        return .success(file)
    }

    /// The decoded path relative to the root (starting with `/`), or why it is refused.
    static func sanitize(_ rawPath: String) -> Result<String, StaticRefusal> {
        if rawPath.utf8.contains(UInt8(ascii: "\\")) { return .failure(.badPath) }
        guard var decoded = PercentDecoding.decodeBytes(rawPath.utf8, plusAsSpace: false) else {
            return .failure(.badPath)
        }
        if decoded.contains(0) || decoded.contains(UInt8(ascii: "\\")) { return .failure(.badPath) }
        guard decoded.first == UInt8(ascii: "/") else { return .failure(.notFound) }
        let segments = decoded.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment.elementsEqual("..".utf8) || segment.elementsEqual(".".utf8) { return .failure(.badPath) }
            if segment.isEmpty && index != segments.count - 1 { return .failure(.notFound) }
            // Dotfiles (.env, .git) are never served.
            if segment.first == UInt8(ascii: ".") { return .failure(.notFound) }
        }
        if decoded.last == UInt8(ascii: "/") { decoded.append(contentsOf: "index.html".utf8) }
        guard let text = String(validating: decoded, as: UTF8.self) else { return .failure(.badPath) }
        return .success(text)
    }

    static func response(for file: StaticFile, headers: HTTPHeaders) -> HTTPResponse {
        let gzip = file.gzip != nil && acceptsGzip(headers["accept-encoding"])
        let etag = gzip ? file.gzipETag : file.etag
        var notModified = false
        if let condition = headers["if-none-match"] {
            notModified = matches(condition, etag: etag)
        } else if let since = headers["if-modified-since"], let seconds = System.parseHTTPDate(since) {
            notModified = file.modifiedSeconds <= seconds
        }
        if notModified {
            return HTTPResponse(
                status: .notModified, headers: gzip ? file.notModifiedGzipHeaders : file.notModifiedHeaders)
        }
        if gzip, let compressed = file.gzip {
            return HTTPResponse(status: .ok, headers: file.gzipHeaders, body: compressed)
        }
        return HTTPResponse(status: .ok, headers: file.headers, body: file.body)
    }

    /// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2): `W/` is ignored.
    private static func matches(_ condition: String, etag: String) -> Bool {
        for element in condition.split(separator: ",") {
            var tag = element.trimmingOWS()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == etag { return true }
        }
        return false
    }

    /// True when `Accept-Encoding` lists gzip (or `*`) without `q=0` (RFC 9110 §12.5.3).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var accepted = false
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";")
            guard let first = parts.first else { continue }
            let coding = first.trimmingOWS().lowercased()
            guard coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingOWS().lowercased()
                if pair.hasPrefix("q="), let value = Double(pair.dropFirst(2)) { quality = value }
            }
            if coding == "*" {
                accepted = accepted || quality > 0
            } else {
                return quality > 0
            }
        }
        return accepted
    }
}

/// Why a static path is not served.
enum StaticRefusal: Error {
    case badPath
    case notFound

    var response: HTTPResponse {
        switch self {
        case .badPath:
            HTTPResponse.jsonError(.badRequest, code: "invalid_path", message: "The path is not a valid file path.")
        case .notFound:
            HTTPResponse.jsonError(.notFound, code: "not_found", message: "There is nothing at this path.")
        }
    }
}

/// Why a static directory cannot be served.
package enum StaticFilesError: Error, CustomStringConvertible, Equatable {
    /// The root path does not exist.
    case rootNotFound(String)
    /// The root path is not a directory.
    case rootNotDirectory(String)
    /// The Cache-Control value would break the response head.
    case invalidCacheControl

    /// A sentence for the operator.
    package var description: String {
        switch self {
        case .rootNotFound(let path): "The static files directory \(path) does not exist."
        case .rootNotDirectory(let path): "The static files path \(path) is not a directory."
        case .invalidCacheControl: "The static Cache-Control value contains control characters."
        }
    }
}

extension Substring {
    /// Without leading and trailing optional whitespace (spaces and tabs, RFC 9110 §5.6.3).
    fileprivate func trimmingOWS() -> Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
