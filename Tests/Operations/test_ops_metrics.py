"""`GET /metrics` read by the reference Prometheus parser, with counters moving as requests are made."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families


def scrape(server) -> tuple[dict[tuple[str, tuple], float], dict[str, str]]:
    status, headers, body = server.request("GET", "/metrics")
    assert status == 200
    content_type = headers["content-type"]
    assert content_type.startswith("text/plain") and "version=0.0.4" in content_type
    samples = {}
    families = {}
    for family in text_string_to_metric_families(body.decode()):
        families[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples, families


def total(samples, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample_name, sample_labels), value in samples.items()
        if sample_name == name and all(dict(sample_labels).get(k) == v for k, v in labels.items())
    )


def route_of(samples, path: str) -> str:
    routes = {
        dict(labels)["route"]
        for (name, labels), _ in samples.items()
        if name == "secure_upload_http_requests_total" and path in dict(labels).get("route", "")
    }
    assert len(routes) == 1, routes
    return routes.pop()


def test_metrics_parse_and_count_requests(start_server):
    server = start_server()
    token = server.sign_in()
    server.request("GET", "/healthz")
    before, families = scrape(server)
    assert families["secure_upload_http_requests"] == "counter"
    assert families["secure_upload_http_request_duration_seconds"] == "histogram"
    assert families["secure_upload_open_connections"] == "gauge"
    assert families["secure_upload_presigned_urls"] == "counter"
    assert families["secure_upload_token_rejections"] == "counter"
    assert families["secure_upload_jwks_refreshes"] == "counter"
    assert families["secure_upload_credentials_refreshes"] == "counter"
    assert families["secure_upload_rate_limited"] == "counter"
    assert total(before, "secure_upload_build_info") == 1
    healthz = route_of(before, "healthz")

    for _ in range(3):
        assert server.request("GET", "/healthz")[0] == 200
    body = json.dumps({"filename": "report.pdf", "contentType": "application/pdf", "size": 1234}).encode()
    good = server.request(
        "POST", "/upload", body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert good[0] == 200, good[2]
    bad = server.request(
        "POST", "/upload", body=body,
        headers={"Authorization": "Bearer not.a.token", "Content-Type": "application/json"},
    )
    assert bad[0] == 401

    after, _ = scrape(server)
    requests = "secure_upload_http_requests_total"
    assert total(after, requests, route=healthz, method="GET", status="200") - total(
        before, requests, route=healthz, method="GET", status="200") == 3
    assert total(after, requests, method="POST", status="200") - total(before, requests, method="POST", status="200") == 1
    assert total(after, requests, method="POST", status="401") - total(before, requests, method="POST", status="401") == 1
    count = "secure_upload_http_request_duration_seconds_count"
    assert total(after, count, route=healthz) - total(before, count, route=healthz) == 3
    inf = total(after, "secure_upload_http_request_duration_seconds_bucket", route=healthz, le="+Inf")
    assert inf == total(after, count, route=healthz)
    assert total(after, "secure_upload_presigned_urls_total") - total(before, "secure_upload_presigned_urls_total") == 1
    rejections = "secure_upload_token_rejections_total"
    assert total(after, rejections) - total(before, rejections) == 1
    # Local mode loaded its own JWKS at start-up.
    assert total(after, "secure_upload_jwks_refreshes_total", result="success") >= 1
    # The scrape itself holds a connection open.
    assert total(after, "secure_upload_open_connections") >= 1
