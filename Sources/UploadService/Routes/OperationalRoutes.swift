package import HTTPServer

/// `/healthz`, `/readyz`, `/metrics` and `/config.json`.
package enum OperationalRoutes {
    struct Status: Encodable {
        var status: String
        var missing: [String]?
    }

    /// Registers the routes.
    package static func register(
        into router: inout Router, readiness: Readiness, metrics: Metrics, clientConfiguration: ClientConfiguration
    ) {
        router.add(.get, "/healthz") { _ in
            .respond(JSONBody.response(status: .ok, body: Status(status: "ok")))
        }
        router.add(.get, "/readyz") { _ in
            let missing = readiness.missing
            if missing.isEmpty { return .respond(JSONBody.response(status: .ok, body: Status(status: "ready"))) }
            return .respond(
                JSONBody.response(status: .serviceUnavailable, body: Status(status: "not_ready", missing: missing)))
        }
        router.add(.get, "/metrics") { _ in
            .respond(
                HTTPResponse(
                    status: .ok,
                    headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
                    body: Array(metrics.render().utf8)))
        }
        let configBody = JSONBody.encode(clientConfiguration)
        router.add(.get, "/config.json") { _ in
            .respond(
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache"],
                    body: configBody))
        }
    }
}
