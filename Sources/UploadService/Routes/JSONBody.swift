import FoundationEssentials
import HTTPServer

/// JSON responses: sorted keys (stable output for tests and caches), no escaped slashes in URLs,
/// `Cache-Control: no-store` unless the caller sets its own. Package-visible for the micro-benchmarks.
package enum JSONBody {
    /// The JSON bytes of `value`.
    package static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and integers cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func response(status: HTTPStatus, body: some Encodable, headers: HTTPHeaders = .init()) -> HTTPResponse {
        response(status: status, json: encode(body), headers: headers)
    }

    /// A response whose body is already JSON.
    static func response(status: HTTPStatus, json: [UInt8], headers: HTTPHeaders = .init()) -> HTTPResponse {
        var all = headers
        all.reserveCapacity(headers.count + 2)
        all.replaceOrAdd("Content-Type", "application/json")
        if !all.contains("Cache-Control") { all.add("Cache-Control", "no-store") }
        return HTTPResponse(status: status, headers: all, body: json)
    }
}
