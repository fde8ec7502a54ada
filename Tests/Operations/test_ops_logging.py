"""The service's own output, as an operator's log pipeline receives it: one JSON object per line,
one access line per request, LOG_LEVEL and LOG_FORMAT honoured, and no token, password, signature
or secret anywhere — even when a client puts them where they do not belong."""

from __future__ import annotations

import json
import re
import urllib.parse

from ops_support import LOCAL_USER

BODY = json.dumps({"filename": "q3 report.pdf", "contentType": "application/pdf", "size": 2048}).encode()


def test_json_logs_carry_one_access_line_per_request_and_no_secret(start_server):
    server = start_server()
    token = server.sign_in()
    query = urllib.parse.urlencode({"access_token": token, "X-Amz-Signature": "f" * 64, "password": "hunter2hunter2"})
    status, headers, answer = server.request(
        "POST", f"/upload?{query}", body=BODY,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Cookie": "session=s3cr3t"},
    )
    assert status == 200, answer
    upload_url = json.loads(answer)["uploadUrl"]
    signature = urllib.parse.parse_qs(urllib.parse.urlsplit(upload_url).query)["X-Amz-Signature"][0]
    credential = urllib.parse.parse_qs(urllib.parse.urlsplit(upload_url).query)["X-Amz-Credential"][0]

    line = server.access_line(headers["x-request-id"])
    assert line["method"] == "POST" and line["path"] == "/upload" and line["status"] == "200"
    assert line["client"] == "127.0.0.1" and line["sub"]
    assert float(line["duration_ms"]) >= 0 and int(line["bytes"]) == len(answer)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert line["level"] == "info"

    assert server.stop() == 0
    output = "\n".join(server.lines)
    for secret in [token, token.split(".")[2], signature, credential.split("/")[0], "hunter2hunter2", "s3cr3t",
                   LOCAL_USER[1], "f" * 64]:
        assert secret not in output, f"a secret reached the log: {secret[:12]}…"
    access_lines = [entry for entry in server.json_lines() if entry.get("request-id") == headers["x-request-id"]]
    assert len(access_lines) == 1
    # Everything the service logs (not the local-mode banner it prints for a person) is JSON.
    structured = [text for text in server.lines if text.startswith("{")]
    assert structured and all(isinstance(json.loads(text), dict) for text in structured)


def test_log_level_and_text_format_are_honoured(start_server):
    server = start_server(LOG_FORMAT="text", LOG_LEVEL="warning")
    assert server.request("GET", "/healthz")[0] == 200
    quiet_until = len(server.lines)
    assert server.stop() == 0
    # At warning level neither the access line nor the start-up information is written.
    assert not any(" info " in text for text in server.lines[:quiet_until])

    chatty = start_server(LOG_FORMAT="text", LOG_LEVEL="info")
    status, headers, _ = chatty.request("GET", "/healthz")
    assert status == 200
    request_id = headers["x-request-id"]
    line = chatty.wait_for_line(lambda text: f"[{request_id}]" in text)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info \[" + request_id + r"\] GET /healthz 200 .*client=127\.0\.0\.1.*",
        line,
    ), line


def test_concurrent_requests_give_whole_lines_one_per_request(start_server):
    # Two event loops write access lines at once; no line may be torn or lost.
    import concurrent.futures
    import http.client

    server = start_server()

    def hammer(worker: int) -> list[str]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        ids = []
        for index in range(150):
            connection.request("GET", f"/healthz?worker={worker}&n={index}")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            ids.append(response.getheader("X-Request-Id"))
        connection.close()
        return ids

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        request_ids = [rid for ids in pool.map(hammer, range(8)) for rid in ids]
    assert server.stop() == 0
    structured = [json.loads(text) for text in server.lines if text.startswith("{")]
    logged = [entry["request-id"] for entry in structured if entry.get("path") == "/healthz"]
    assert sorted(logged) == sorted(request_ids)
    assert all("worker=" not in json.dumps(entry) for entry in structured)
