import FoundationEssentials
import Synchronization

/// The service's Prometheus metrics: counters fed by the request path and the background refreshers,
/// rendered on `GET /metrics` in text exposition format 0.0.4.
///
/// The hot path is ``recordRequest(route:method:status:duration:)``, called once per request: one
/// short `Mutex` section updating a counter and a histogram. Other counters are atomics.
///
/// Label cardinality is capped so that a client cannot grow the registry: routes beyond
/// ``maximumRoutes`` and reasons beyond ``maximumRejectionReasons`` are counted as `other`, unknown
/// methods as `OTHER`, and status codes outside 100...599 as `other`. Pass the router's pattern
/// (`/upload`, `/local/s3/*`), never the raw request path.
package final class Metrics: Sendable {
    /// Distinct `route` label values kept before new ones fold into `other`.
    package static let maximumRoutes = 64
    /// Distinct `reason` label values kept for token rejections before new ones fold into `other`.
    package static let maximumRejectionReasons = 32

    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
    private static let overflowLabel = "other"

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct RequestState {
        var counts: [RequestKey: UInt64] = [:]
        var latency: [String: LatencyHistogram] = [:]
    }

    private let version: String
    private let processStartTime: Double
    private let requests = Mutex(RequestState())
    private let rejections = Mutex([String: UInt64]())
    private let presignedURLs = Atomic<UInt64>(0)
    private let rateLimitedRequests = Atomic<UInt64>(0)
    private let jwksSuccesses = Atomic<UInt64>(0)
    private let jwksFailures = Atomic<UInt64>(0)
    private let credentialsSuccesses = Atomic<UInt64>(0)
    private let credentialsFailures = Atomic<UInt64>(0)
    /// The closure sits in a struct: a bare closure as a generic Mutex's value is reabstracted on
    /// every `withLock` (inout) and written back wrapped in two more thunks, so each render grew a
    /// chain of thunks it then had to walk (the leak check saw ~220 bytes kept per `/metrics`).
    private struct ServerGauges: Sendable {
        let openConnections: @Sendable () -> Int
        let bufferedBytes: @Sendable () -> Int
    }
    private let serverGauges = Mutex<ServerGauges?>(nil)

    /// Work run at the start of every render (in a struct for the reason above).
    private struct RenderHook: Sendable {
        let run: @Sendable () -> Void
    }
    private let renderHooks = Mutex<[RenderHook]>([])

    /// Creates an empty registry.
    ///
    /// - Parameters:
    ///   - version: reported as the `version` label of `secure_upload_build_info`.
    ///   - processStartTime: seconds since the Unix epoch, reported as
    ///     `secure_upload_process_start_time_seconds`.
    package init(version: String, processStartTime: Double) {
        self.version = version
        self.processStartTime = processStartTime
    }

    /// Creates an empty registry stamped with the current time and an unknown version.
    package convenience init() {
        self.init(version: "unknown", processStartTime: Date().timeIntervalSince1970)
    }

    /// Counts one finished request and observes its duration.
    ///
    /// - Parameters:
    ///   - route: the matched route pattern (bounded set), e.g. `/upload`; `unmatched` for 404s.
    ///   - method: the request method; anything outside the standard set is counted as `OTHER`.
    ///   - status: the response status code.
    ///   - duration: time from the request head to the last response byte.
    package func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let methodLabel = Metrics.knownMethods.contains(method) ? method : "OTHER"
        let statusCode = (100...599).contains(status) ? status : 0
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        requests.withLock { state in
            // Route folding happens under the lock so the cap is exact.
            let routeLabel =
                state.latency[route] != nil || (state.latency.count < Metrics.maximumRoutes && route.utf8.count <= 200)
                ? route : Metrics.overflowLabel
            state.counts[RequestKey(route: routeLabel, method: methodLabel, status: statusCode), default: 0] &+= 1
            state.latency[routeLabel, default: LatencyHistogram()].observe(seconds: seconds)
        }
    }

    /// Counts one pre-signed upload URL handed to a client.
    package func presignedURLIssued() {
        presignedURLs.add(1, ordering: .relaxed)
    }

    /// Counts one rejected bearer token.
    ///
    /// - Parameter reason: the verifier's machine-readable reason code (e.g. `expired`,
    ///   `bad_signature`); a bounded set, never token content.
    package func tokenRejected(reason: String) {
        rejections.withLock { counts in
            let label =
                counts[reason] != nil || (counts.count < Metrics.maximumRejectionReasons && reason.utf8.count <= 64)
                ? reason : Metrics.overflowLabel
            counts[label, default: 0] &+= 1
        }
    }

    /// Counts one attempt to refresh the JWKS key set.
    package func jwksRefreshed(success: Bool) {
        if success {
            jwksSuccesses.add(1, ordering: .relaxed)
        } else {
            jwksFailures.add(1, ordering: .relaxed)
        }
    }

    /// Counts one attempt to refresh the signing credentials.
    package func credentialsRefreshed(success: Bool) {
        if success {
            credentialsSuccesses.add(1, ordering: .relaxed)
        } else {
            credentialsFailures.add(1, ordering: .relaxed)
        }
    }

    /// Counts one request refused by the rate limiter.
    package func rateLimited() {
        rateLimitedRequests.add(1, ordering: .relaxed)
    }

    /// Sets the functions read at render time for the `secure_upload_open_connections` and
    /// `secure_upload_buffered_bytes` gauges (typically the server's `openConnectionCount` and
    /// `bufferedBytes`).
    package func setServerGauges(
        openConnections: @escaping @Sendable () -> Int, bufferedBytes: @escaping @Sendable () -> Int
    ) {
        serverGauges.withLock { $0 = ServerGauges(openConnections: openConnections, bufferedBytes: bufferedBytes) }
    }

    /// Runs `hook` at the start of every `render()`: counters kept elsewhere are brought in when
    /// they are read, instead of by a task that wakes the idle process to poll them.
    package func beforeEachRender(_ hook: @escaping @Sendable () -> Void) {
        renderHooks.withLock { $0.append(RenderHook(run: hook)) }
    }

    /// The registry in Prometheus text exposition format 0.0.4
    /// (`Content-Type: text/plain; version=0.0.4; charset=utf-8`).
    package func render() -> String {
        for hook in renderHooks.withLock({ $0 }) { hook.run() }
        let state = requests.withLock { $0 }
        let rejectionCounts = rejections.withLock { $0 }
        let gauges = serverGauges.withLock { $0 }
        var text = PrometheusText()

        text.family(
            "secure_upload_http_requests_total", type: "counter",
            help: "HTTP requests answered, by route pattern, method and status code.")
        let requestKeys = state.counts.keys.sorted {
            ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status)
        }
        for key in requestKeys {
            text.sample(
                "secure_upload_http_requests_total",
                labels: [
                    "route": key.route, "method": key.method,
                    "status": key.status == 0 ? Metrics.overflowLabel : String(key.status),
                ],
                value: state.counts[key] ?? 0)
        }

        text.family(
            "secure_upload_http_request_duration_seconds", type: "histogram",
            help: "Time from request head to last response byte, by route pattern.")
        for route in state.latency.keys.sorted() {
            guard let histogram = state.latency[route] else { continue }
            let cumulative = histogram.cumulativeCounts
            for (index, bound) in LatencyHistogram.upperBounds.enumerated() {
                text.sample(
                    "secure_upload_http_request_duration_seconds_bucket",
                    labels: ["route": route, "le": PrometheusText.formatFloat(bound)],
                    value: cumulative[index])
            }
            text.sample(
                "secure_upload_http_request_duration_seconds_bucket", labels: ["route": route, "le": "+Inf"],
                value: histogram.count)
            text.sample(
                "secure_upload_http_request_duration_seconds_sum", labels: ["route": route], value: histogram.sum)
            text.sample(
                "secure_upload_http_request_duration_seconds_count", labels: ["route": route], value: histogram.count)
        }

        text.family(
            "secure_upload_presigned_urls_total", type: "counter", help: "Pre-signed upload URLs issued to clients.")
        text.sample("secure_upload_presigned_urls_total", value: presignedURLs.load(ordering: .relaxed))

        text.family(
            "secure_upload_token_rejections_total", type: "counter",
            help: "Bearer tokens rejected, by the verifier's reason code.")
        for reason in rejectionCounts.keys.sorted() {
            text.sample(
                "secure_upload_token_rejections_total", labels: ["reason": reason], value: rejectionCounts[reason] ?? 0)
        }

        text.family(
            "secure_upload_jwks_refreshes_total", type: "counter",
            help: "Attempts to load the signing keys (JWKS), by result.")
        text.sample(
            "secure_upload_jwks_refreshes_total", labels: ["result": "failure"],
            value: jwksFailures.load(ordering: .relaxed))
        text.sample(
            "secure_upload_jwks_refreshes_total", labels: ["result": "success"],
            value: jwksSuccesses.load(ordering: .relaxed))

        text.family(
            "secure_upload_credentials_refreshes_total", type: "counter",
            help: "Attempts to obtain AWS signing credentials, by result.")
        text.sample(
            "secure_upload_credentials_refreshes_total", labels: ["result": "failure"],
            value: credentialsFailures.load(ordering: .relaxed))
        text.sample(
            "secure_upload_credentials_refreshes_total", labels: ["result": "success"],
            value: credentialsSuccesses.load(ordering: .relaxed))

        text.family(
            "secure_upload_rate_limited_total", type: "counter", help: "Requests refused by the rate limiter (429).")
        text.sample("secure_upload_rate_limited_total", value: rateLimitedRequests.load(ordering: .relaxed))

        text.family("secure_upload_open_connections", type: "gauge", help: "Client connections currently open.")
        text.sample("secure_upload_open_connections", value: UInt64(max(0, gauges?.openConnections() ?? 0)))
        text.family(
            "secure_upload_buffered_bytes", type: "gauge",
            help: "Bytes the server holds for clients that are slow to read (bounded by MAX_BUFFERED_BYTES).")
        text.sample("secure_upload_buffered_bytes", value: UInt64(max(0, gauges?.bufferedBytes() ?? 0)))

        text.family("secure_upload_build_info", type: "gauge", help: "Always 1; the version label names the build.")
        text.sample("secure_upload_build_info", labels: ["version": version], value: UInt64(1))

        text.family(
            "secure_upload_process_start_time_seconds", type: "gauge",
            help: "Start time of the process since the Unix epoch, in seconds.")
        text.sample("secure_upload_process_start_time_seconds", value: processStartTime)

        return text.output
    }
}
