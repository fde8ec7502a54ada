import Testing

@testable import UploadService

@Suite("Prometheus metrics")
struct ObservabilityMetricsTests {
    @Test("renders a small registry as exact Prometheus 0.0.4 text")
    func exactRendering() {
        let metrics = Metrics(version: "1.2.3", processStartTime: 1_795_683_600.5)
        metrics.recordRequest(route: "/upload", method: "POST", status: 200, duration: .milliseconds(3))
        metrics.recordRequest(route: "/upload", method: "POST", status: 401, duration: .milliseconds(30))
        metrics.presignedURLIssued()
        metrics.tokenRejected(reason: "expired")
        metrics.tokenRejected(reason: "expired")
        metrics.jwksRefreshed(success: true)
        metrics.credentialsRefreshed(success: false)
        metrics.rateLimited()
        metrics.setServerGauges(openConnections: { 3 }, bufferedBytes: { 16384 })

        let expected = """
            # HELP secure_upload_http_requests_total HTTP requests answered, by route pattern, method and status code.
            # TYPE secure_upload_http_requests_total counter
            secure_upload_http_requests_total{route="/upload",method="POST",status="200"} 1
            secure_upload_http_requests_total{route="/upload",method="POST",status="401"} 1
            # HELP secure_upload_http_request_duration_seconds Time from request head to last response byte, by route pattern.
            # TYPE secure_upload_http_request_duration_seconds histogram
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.0005"} 0
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.001"} 0
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.0025"} 0
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.005"} 1
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.01"} 1
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.025"} 1
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.05"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.1"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.25"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="0.5"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="1"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="2.5"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="5"} 2
            secure_upload_http_request_duration_seconds_bucket{route="/upload",le="+Inf"} 2
            secure_upload_http_request_duration_seconds_sum{route="/upload"} 0.033
            secure_upload_http_request_duration_seconds_count{route="/upload"} 2
            # HELP secure_upload_presigned_urls_total Pre-signed upload URLs issued to clients.
            # TYPE secure_upload_presigned_urls_total counter
            secure_upload_presigned_urls_total 1
            # HELP secure_upload_token_rejections_total Bearer tokens rejected, by the verifier's reason code.
            # TYPE secure_upload_token_rejections_total counter
            secure_upload_token_rejections_total{reason="expired"} 2
            # HELP secure_upload_jwks_refreshes_total Attempts to load the signing keys (JWKS), by result.
            # TYPE secure_upload_jwks_refreshes_total counter
            secure_upload_jwks_refreshes_total{result="failure"} 0
            secure_upload_jwks_refreshes_total{result="success"} 1
            # HELP secure_upload_credentials_refreshes_total Attempts to obtain AWS signing credentials, by result.
            # TYPE secure_upload_credentials_refreshes_total counter
            secure_upload_credentials_refreshes_total{result="failure"} 1
            secure_upload_credentials_refreshes_total{result="success"} 0
            # HELP secure_upload_rate_limited_total Requests refused by the rate limiter (429).
            # TYPE secure_upload_rate_limited_total counter
            secure_upload_rate_limited_total 1
            # HELP secure_upload_open_connections Client connections currently open.
            # TYPE secure_upload_open_connections gauge
            secure_upload_open_connections 3
            # HELP secure_upload_buffered_bytes Bytes the server holds for clients that are slow to read (bounded by MAX_BUFFERED_BYTES).
            # TYPE secure_upload_buffered_bytes gauge
            secure_upload_buffered_bytes 16384
            # HELP secure_upload_build_info Always 1; the version label names the build.
            # TYPE secure_upload_build_info gauge
            secure_upload_build_info{version="1.2.3"} 1
            # HELP secure_upload_process_start_time_seconds Start time of the process since the Unix epoch, in seconds.
            # TYPE secure_upload_process_start_time_seconds gauge
            secure_upload_process_start_time_seconds 1795683600.5

            """
        #expect(metrics.render() == expected)
    }

    @Test("escapes backslash, double quote and newline in label values")
    func labelEscaping() {
        let metrics = Metrics(version: "v\"1\\2\n3", processStartTime: 0)
        metrics.tokenRejected(reason: "a\"b\\c\nd")
        let text = metrics.render()
        #expect(text.contains(#"secure_upload_token_rejections_total{reason="a\"b\\c\nd"} 1"#))
        #expect(text.contains(#"secure_upload_build_info{version="v\"1\\2\n3"} 1"#))
        // Every sample stays on one line: no line starts inside a label value.
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("#") || line.hasPrefix("secure_upload_"))
        }
    }

    @Test("histogram buckets are cumulative, end at +Inf equal to the count, and sum the observations")
    func cumulativeBuckets() throws {
        let metrics = Metrics(version: "t", processStartTime: 0)
        let durations: [Duration] = [
            .microseconds(100), .microseconds(500), .microseconds(501), .milliseconds(7), .milliseconds(400),
            .seconds(1), .seconds(4), .seconds(9),
        ]
        for duration in durations {
            metrics.recordRequest(route: "/r", method: "GET", status: 200, duration: duration)
        }
        let buckets = metrics.render().split(separator: "\n").filter {
            $0.hasPrefix("secure_upload_http_request_duration_seconds_bucket")
        }
        let values = try buckets.map { line in try #require(UInt64(line.split(separator: " ").last ?? "")) }
        let bounds = buckets.map { line in line.split(separator: "\"")[3] }
        #expect(
            bounds == [
                "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
                "+Inf",
            ])
        // le is inclusive: 0.0005 s falls in the first bucket, 1 s in the `1` bucket.
        #expect(values == [2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 6, 6, 7, 8])
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        let text = metrics.render()
        #expect(text.contains("secure_upload_http_request_duration_seconds_count{route=\"/r\"} 8\n"))
        let sumLine = try #require(text.split(separator: "\n").first { $0.contains("_sum{") })
        let sum = try #require(Double(sumLine.split(separator: " ").last ?? ""))
        #expect(abs(sum - 14.408101) < 1e-9)
    }

    @Test("caps route label cardinality and folds unknown methods and statuses")
    func cardinalityCaps() {
        let metrics = Metrics(version: "t", processStartTime: 0)
        for index in 0..<200 {
            metrics.recordRequest(route: "/attack/\(index)", method: "GET", status: 404, duration: .zero)
        }
        metrics.recordRequest(route: "/upload", method: "BREW", status: 999, duration: .zero)
        let lines = metrics.render().split(separator: "\n").filter {
            $0.hasPrefix("secure_upload_http_requests_total{")
        }
        let routes = Set(lines.map { $0.split(separator: "\"")[1] })
        #expect(routes.count <= Metrics.maximumRoutes + 1)
        #expect(routes.contains("other"))
        #expect(lines.contains(#"secure_upload_http_requests_total{route="other",method="OTHER",status="other"} 1"#))
        let total = lines.compactMap { UInt64($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(total == 201)
    }

    @Test("work registered with beforeEachRender runs at every render, before the text is built")
    func renderHooks() {
        let metrics = Metrics(version: "t", processStartTime: 0)
        metrics.beforeEachRender { [weak metrics] in metrics?.jwksRefreshed(success: true) }
        #expect(metrics.render().contains(#"secure_upload_jwks_refreshes_total{result="success"} 1"#))
        #expect(metrics.render().contains(#"secure_upload_jwks_refreshes_total{result="success"} 2"#))
    }

    @Test("caps token rejection reasons")
    func rejectionReasonCap() {
        let metrics = Metrics(version: "t", processStartTime: 0)
        for index in 0..<100 {
            metrics.tokenRejected(reason: "reason\(index)")
        }
        let lines = metrics.render().split(separator: "\n").filter {
            $0.hasPrefix("secure_upload_token_rejections_total{")
        }
        #expect(lines.count == Metrics.maximumRejectionReasons + 1)
        #expect(lines.contains(#"secure_upload_token_rejections_total{reason="other"} 68"#))
    }

    @Test("counts concurrent requests without losing any")
    func concurrentRecording() async {
        let metrics = Metrics(version: "t", processStartTime: 0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        metrics.recordRequest(
                            route: "/healthz", method: "GET", status: 200, duration: .microseconds(50))
                        metrics.presignedURLIssued()
                    }
                }
            }
        }
        let text = metrics.render()
        #expect(text.contains(#"secure_upload_http_requests_total{route="/healthz",method="GET",status="200"} 8000"#))
        #expect(text.contains("secure_upload_presigned_urls_total 8000\n"))
    }
}
