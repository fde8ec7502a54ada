/// Maps method and path to handlers: exact paths, path prefixes for streaming bodies, and static
/// files as the `GET`/`HEAD` fallback. A `GET` route also answers `HEAD` (without the body).
package struct Router: Sendable {
    struct Route: Sendable {
        let pattern: String
        let bodyLimit: Int?
        let handler: HTTPHandler
    }

    struct StreamingRoute: Sendable {
        let method: HTTPMethod
        let prefix: String
        let bodyLimit: Int
        let factory: @Sendable () -> any HTTPStreamingHandler
    }

    enum Resolution {
        case handler(Route)
        case streaming(StreamingRoute)
        case staticFiles(StaticFiles)
        case methodNotAllowed(allow: String)
        case notFound
    }

    private var exact: [String: [HTTPMethod: Route]] = [:]
    private var streaming: [StreamingRoute] = []
    private var staticFiles: StaticFiles?

    /// An empty router: every request is answered 404.
    package init() {}

    /// Routes `method` on exactly `path` (compared percent-encoded, without query) to `handler`.
    /// `bodyLimit` overrides the server's default body limit for this route.
    package mutating func add(
        _ method: HTTPMethod, _ path: String, bodyLimit: Int? = nil, _ handler: @escaping HTTPHandler
    ) {
        exact[path, default: [:]][method] = Route(pattern: path, bodyLimit: bodyLimit, handler: handler)
    }

    /// Routes `method` on every path starting with `prefix` to a fresh streaming handler per
    /// request. Exact routes win over prefixes; longer prefixes win over shorter ones.
    package mutating func addStreaming(
        _ method: HTTPMethod, prefix: String, bodyLimit: Int,
        _ factory: @escaping @Sendable () -> any HTTPStreamingHandler
    ) {
        streaming.append(StreamingRoute(method: method, prefix: prefix, bodyLimit: bodyLimit, factory: factory))
        streaming.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    /// Serves `files` for `GET` and `HEAD` requests no other route matched.
    package mutating func serveStatic(_ files: StaticFiles) {
        staticFiles = files
    }

    func resolve(_ method: HTTPMethod, _ path: String) -> Resolution {
        if let byMethod = exact[path] {
            if let route = byMethod[method] { return .handler(route) }
            if method == .head, let route = byMethod[.get] { return .handler(route) }
            return .methodNotAllowed(allow: Self.allowHeader(Set(byMethod.keys)))
        }
        var allowed: Set<HTTPMethod> = []
        for route in streaming where path.hasPrefix(route.prefix) {
            if route.method == method { return .streaming(route) }
            allowed.insert(route.method)
        }
        if !allowed.isEmpty { return .methodNotAllowed(allow: Self.allowHeader(allowed)) }
        if let staticFiles, method == .get || method == .head { return .staticFiles(staticFiles) }
        return .notFound
    }

    private static func allowHeader(_ methods: Set<HTTPMethod>) -> String {
        var all = methods
        if all.contains(.get) { all.insert(.head) }
        return HTTPMethod.known.filter(all.contains).map(\.rawValue).joined(separator: ", ")
    }
}
