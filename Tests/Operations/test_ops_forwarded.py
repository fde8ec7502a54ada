"""X-Forwarded-For is believed only from TRUSTED_PROXIES: the client address in the access log line
of the request (found by the X-Request-Id the server answered with)."""

from __future__ import annotations

import json

BODY = json.dumps({"filename": "a.txt", "contentType": "text/plain", "size": 3}).encode()


def client_logged_for(server, method: str, path: str, forwarded_for: str, expected_status: int) -> str:
    headers = {"X-Forwarded-For": forwarded_for, "Content-Type": "application/json"}
    status, response_headers, _ = server.request(
        method, path, body=BODY if method == "POST" else None, headers=headers
    )
    assert status == expected_status
    line = server.access_line(response_headers["x-request-id"])
    assert forwarded_for not in json.dumps(line) or line["client"] in forwarded_for
    return line["client"]


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(start_server):
    server = start_server()
    # The upload route hands X-Forwarded-For to the access log; the peer is not a trusted proxy.
    assert client_logged_for(server, "POST", "/upload", "203.0.113.66", 401) == "127.0.0.1"
    assert client_logged_for(server, "POST", "/upload", "203.0.113.66, 127.0.0.1", 401) == "127.0.0.1"
    assert client_logged_for(server, "GET", "/no-such-page", "203.0.113.66", 404) == "127.0.0.1"


def test_forwarded_for_from_a_trusted_proxy_names_the_client(start_server):
    # Positive control: the same request through a trusted peer is believed, so the test above
    # proves the trust decision rather than a header that never reaches the log.
    server = start_server(TRUSTED_PROXIES="127.0.0.1/32")
    assert client_logged_for(server, "POST", "/upload", "203.0.113.66", 401) == "203.0.113.66"
    # The walk stops at the first untrusted hop from the right; a forged left part is not believed.
    assert client_logged_for(server, "POST", "/upload", "198.51.100.1, 203.0.113.66", 401) == "203.0.113.66"
    assert client_logged_for(server, "POST", "/upload", "198.51.100.1, 203.0.113.66, 127.0.0.1", 401) == (
        "203.0.113.66"
    )
    assert client_logged_for(server, "POST", "/upload", "garbage", 401) == "127.0.0.1"


def test_every_route_logs_the_forwarded_client_behind_a_trusted_proxy(start_server):
    # Behind a load balancer every access line, not only POST /upload's, must name the client.
    server = start_server(TRUSTED_PROXIES="127.0.0.1/32")
    assert client_logged_for(server, "GET", "/healthz", "203.0.113.66", 200) == "203.0.113.66"
    assert client_logged_for(server, "GET", "/no-such-page", "203.0.113.66", 404) == "203.0.113.66"
    assert client_logged_for(server, "GET", "/", "203.0.113.66", 200) == "203.0.113.66"
