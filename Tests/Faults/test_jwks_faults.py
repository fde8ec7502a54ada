"""The JWKS endpoint fails (AWS mode, COGNITO_JWKS_URL at a fake on 127.0.0.1): down, slow or
garbage at start-up — the service starts, reports why on /readyz and in its log, retries on a
backoff and becomes ready when the endpoint recovers; and while running — it keeps the last good
keys, answers an unknown `kid` with 401 (never 500) and fetches at most once per cooldown."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from faults_support import UPLOAD_BODY, TricklingEndpoint, aws_settings, jwks, wait_until

JWKS_PATH = "/pool/.well-known/jwks.json"


def good(keys):
    document = jwks(keys["known"])
    return lambda path, headers: (200, "application/json", document)


def garbage_kinds(keys) -> dict:
    document = jwks(keys["known"])
    return {
        "html": lambda p, h: (200, "text/html", b"<!doctype html><html><body><h1>Login</h1></body></html>"),
        "truncated_json": lambda p, h: (200, "application/json", document[: len(document) // 2]),
        "only_a_1024_bit_key": lambda p, h: (200, "application/json", jwks(keys["weak"])),
        "empty_keys": lambda p, h: (200, "application/json", b'{"keys":[]}'),
        "http_503": lambda p, h: (503, "text/plain", b"Service Unavailable"),
    }


def not_ready_because_of_jwks(service) -> None:
    status, body = service.readyz()
    assert status == 503, body
    assert body["status"] == "not_ready"
    assert any("JWKS" in item for item in body["missing"]), body


def test_jwks_down_at_start_up_the_service_starts_reports_it_retries_and_becomes_ready_when_it_comes_up(
        start_service, start_fake, keys):
    with socket.socket() as probe:  # a port nothing listens on yet: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = start_service(**aws_settings(f"http://127.0.0.1:{port}{JWKS_PATH}"))
    started = time.monotonic()
    assert service.get("/healthz")[0] == 200
    not_ready_because_of_jwks(service)
    status, headers, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and answer["code"] == "not_ready", answer

    # The log says why, and the load is retried on a growing delay (0.5 s, 1 s, 2 s …), not in a loop.
    service.wait_for_line(lambda line: "cannot load token signing keys" in line, timeout=10)
    time.sleep(max(0.0, started + 2.5 - time.monotonic()))
    retries = service.output.count("cannot load token signing keys")
    assert 2 <= retries <= 5, service.output
    not_ready_because_of_jwks(service)

    fake = start_fake(good(keys), port=port)
    service.wait_ready(timeout=20)
    assert 1 <= fake.hit_count <= 2, "one fetch once the endpoint is back, not a burst"
    assert fake.hits[0][1] == JWKS_PATH
    service.wait_for_line(lambda line: "token signing keys loaded" in line, timeout=5)
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer


def test_a_jwks_fetch_hanging_30s_blocks_neither_healthz_nor_other_requests_and_readiness_waits_for_it(
        start_service, start_fake, keys):
    document = jwks(keys["known"])

    def first_hangs(path, headers):
        if fake.hit_count == 1:
            fake.hang(30)
        return 200, "application/json", document

    fake = start_fake(first_hangs)
    service = start_service(**aws_settings(fake.url + JWKS_PATH))
    wait_until(lambda: fake.hit_count >= 1, timeout=10, what="the first JWKS fetch")
    # While the fetch hangs, everything else answers at once: each request gets 3 s (its socket
    # timeout raises otherwise) of the 30 s hang.
    for _ in range(5):
        assert service.get("/healthz", timeout=3)[0] == 200
        not_ready_because_of_jwks(service)
        assert service.get("/config.json", timeout=3)[0] == 200
        status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY, timeout=3)
        assert status == 503 and answer["code"] == "not_ready"
        time.sleep(0.2)
    # The hung fetch is abandoned after its timeout (5 s) and retried; readiness follows, well
    # before the 30 s hang would have ended.
    service.wait_ready(timeout=15)
    assert fake.hit_count == 2
    assert "cannot load token signing keys" in service.output
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer


def test_a_jwks_endpoint_trickling_a_byte_a_second_is_cut_off_at_the_fetch_timeout_and_retried(
        start_service, keys):
    # 400-odd bytes at one a second would hold the only fetch for minutes; the fetch has a 5 s
    # budget for the whole exchange, after which the service logs why and tries again.
    trickle = TricklingEndpoint(jwks(keys["known"]))
    try:
        service = start_service(**aws_settings(trickle.url + JWKS_PATH))
        line = service.wait_for_line(lambda text: "cannot load token signing keys" in text, timeout=12)
        assert "no complete response" in line, line
        wait_until(lambda: trickle.connections >= 2, timeout=10, what="a second JWKS fetch")
        not_ready_because_of_jwks(service)
        assert service.get("/healthz", timeout=3)[0] == 200
    finally:
        trickle.stop()


@pytest.mark.parametrize("kind", ["html", "truncated_json", "only_a_1024_bit_key", "empty_keys", "http_503"])
def test_a_garbage_jwks_at_start_up_leaves_the_service_not_ready_with_the_reason_logged(
        start_service, start_fake, keys, kind):
    fake = start_fake(garbage_kinds(keys)[kind])
    service = start_service(**aws_settings(fake.url + JWKS_PATH))
    line = service.wait_for_line(lambda text: "cannot load token signing keys" in text, timeout=10)
    assert "JWKS" in line or "jwks" in line.lower(), line
    not_ready_because_of_jwks(service)
    # Requests while not ready cost no fetch: 30 uploads, at most the scheduled retries.
    before = fake.hit_count
    for _ in range(30):
        status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
        assert status == 503 and answer["code"] == "not_ready"
    assert fake.hit_count - before <= 2
    # It keeps retrying on its backoff and stays not ready while the document stays bad.
    wait_until(lambda: fake.hit_count >= 3, timeout=10, what="JWKS retries")
    not_ready_because_of_jwks(service)


@pytest.mark.parametrize("kind", ["html", "truncated_json", "only_a_1024_bit_key", "empty_keys", "http_503",
                                  "hanging"])
def test_a_running_service_keeps_its_last_good_keys_when_the_jwks_endpoint_dies_or_turns_to_garbage(
        start_service, start_fake, keys, kind):
    kinds = garbage_kinds(keys)
    kinds["hanging"] = lambda p, h: (fake.hang(30), (200, "application/json", jwks(keys["known"])))[1]
    behaviour = {"now": good(keys)}
    fake = start_fake(lambda path, headers: behaviour["now"](path, headers))
    service = start_service(**aws_settings(fake.url + JWKS_PATH))
    service.wait_ready(timeout=15)
    assert fake.hit_count == 1
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer

    behaviour["now"] = kinds[kind]
    # A token with a kid the service has never seen makes it refetch once; the garbage does not
    # replace the keys, and the token is refused as unauthorized, not as a server error.
    status, headers, answer = service.ask_upload(keys["rotated"].token(), UPLOAD_BODY)
    assert status == 401, answer
    assert answer["code"] == "unauthorized" and headers["www-authenticate"] == "Bearer"
    assert fake.hit_count == 2

    # A flood of unknown kids inside the cooldown: all 401, no further fetch.
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: service.ask_upload(keys["rotated"].token(), UPLOAD_BODY)[0], range(40)))
    assert results == [401] * 40
    assert fake.hit_count == 2, f"{fake.hit_count - 2} extra JWKS fetches for unknown kids"

    # The known key keeps working (fresh tokens, so no verification cache is involved) and the
    # service stays ready.
    for _ in range(3):
        status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
        assert status == 200, answer
    assert service.readyz() == (200, {"status": "ready"})


def test_after_an_outage_a_rotated_key_is_picked_up_once_the_unknown_kid_cooldown_has_passed(
        start_service, start_fake, keys):
    behaviour = {"now": good(keys)}
    fake = start_fake(lambda path, headers: behaviour["now"](path, headers))
    service = start_service(**aws_settings(fake.url + JWKS_PATH))
    service.wait_ready(timeout=15)
    behaviour["now"] = garbage_kinds(keys)["http_503"]
    assert service.ask_upload(keys["rotated"].token(), UPLOAD_BODY)[0] == 401
    assert fake.hit_count == 2
    # The pool rotates its keys and the endpoint comes back: inside the 10 s cooldown the new kid
    # is still refused without a fetch; after it, one fetch installs the new key.
    rotated = jwks(keys["known"], keys["rotated"])
    behaviour["now"] = lambda p, h: (200, "application/json", rotated)
    assert service.ask_upload(keys["rotated"].token(), UPLOAD_BODY)[0] == 401
    assert fake.hit_count == 2
    wait_until(lambda: service.ask_upload(keys["rotated"].token(), UPLOAD_BODY)[0] == 200, timeout=15,
               interval=0.5, what="the rotated key to be accepted")
    assert fake.hit_count == 3, "one fetch after the cooldown, not one per request"
    assert service.ask_upload(keys["known"].token(), UPLOAD_BODY)[0] == 200
