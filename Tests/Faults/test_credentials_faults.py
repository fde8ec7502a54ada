"""The container credentials endpoint fails (AWS mode, AWS_CONTAINER_CREDENTIALS_FULL_URI at a
fake ECS endpoint on 127.0.0.1 answering `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`):
not ready until credentials arrive; short-lived credentials are refreshed before they expire and
new URLs carry the new session token; a failing endpoint keeps the service ready exactly as long
as the credentials it holds are valid, then /readyz and POST /upload answer 503; and no URL ever
outlives the credentials that signed it.

Lifetimes are chosen for the product's fixed refresh policy (no setting for it): credentials with
less than 10 minutes left are refreshed halfway through their remaining life, at least 10 s apart,
and URLs are only issued while the credentials leave 60 s of margin plus 60 s of URL life."""

from __future__ import annotations

import itertools
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest

from faults_support import UPLOAD_BODY, TricklingEndpoint, aws_settings, jwks, wait_until

AUTH_TOKEN = "faults-container-authorization-token"
counter = itertools.count(1)


def credentials(lifetime: float, token: str) -> tuple[bytes, datetime]:
    expiration = (datetime.now(timezone.utc) + timedelta(seconds=lifetime)).replace(microsecond=0)
    serial = next(counter)
    body = (
        '{"AccessKeyId":"ASIAFAULTS%010d","SecretAccessKey":"faultsSecret%028d","Token":"%s","Expiration":"%s"}'
        % (serial, serial, token, expiration.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ).encode()
    return body, expiration


def start(start_service, start_fake, keys, answer, **extra):
    """A fake JWKS with the known key, a fake ECS endpoint answering `answer(hit number)`, and the
    service using both (static env credentials removed, IMDS disabled so the chain stops there)."""
    document = jwks(keys["known"])
    jwks_fake = start_fake(lambda p, h: (200, "application/json", document))
    ecs = start_fake(lambda path, headers: answer(ecs.hit_count))
    settings = aws_settings(jwks_fake.url + "/jwks.json", **extra)
    del settings["AWS_ACCESS_KEY_ID"], settings["AWS_SECRET_ACCESS_KEY"]
    settings.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": ecs.url + "/v2/credentials/faults",
                     "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN, "AWS_EC2_METADATA_DISABLED": "true"})
    return ecs, start_service(**settings)


def query(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_credentials_endpoint_failing_at_start_up_means_not_ready_naming_credentials_until_it_answers(
        start_service, start_fake, keys):
    state = {"up": False}
    good, _ = credentials(3600, "session-token-at-start")
    ecs, service = start(start_service, start_fake, keys,
                         lambda hit: (200, "application/json", good) if state["up"]
                         else (500, "text/plain", b"internal error"))
    wait_until(lambda: ecs.hit_count >= 1, timeout=10, what="the first credentials fetch")
    service.wait_for_line(lambda line: "no signing credentials yet" in line, timeout=10)
    status, body = service.readyz()
    assert status == 503
    assert any("credentials" in item for item in body["missing"]), body
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and answer["code"] == "not_ready", answer
    assert ecs.hits[0][2].get("Authorization") == AUTH_TOKEN

    state["up"] = True
    service.wait_ready(timeout=15)  # retries after ~1 s, 2 s, 4 s (with jitter)
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer
    assert query(answer["uploadUrl"])["X-Amz-Security-Token"] == "session-token-at-start"
    assert AUTH_TOKEN not in service.output


def test_short_lived_credentials_are_refreshed_before_expiry_and_new_urls_carry_the_new_session_token(
        start_service, start_fake, keys):
    first, first_expiry = credentials(20, "first-session-token")

    def answer(hit):
        if hit == 1:
            return 200, "application/json", first
        return 200, "application/json", credentials(3600, "second-session-token")[0]

    ecs, service = start(start_service, start_fake, keys, answer)
    service.wait_ready(timeout=15)
    fetched_at = ecs.hits[0][0]
    # 20 s credentials leave less than the 2 minutes a URL needs: the service says so and asks the
    # client to come back, instead of handing out a URL that would die with the credentials.
    status, headers, body = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and body["code"] == "credentials_expiring", body
    assert int(headers["retry-after"]) >= 1

    # Refreshed in the background before they expire, while the service stays ready.
    while ecs.hit_count < 2:
        assert service.readyz()[0] == 200
        assert time.monotonic() - fetched_at < 19, "the credentials were not refreshed before they expired"
        time.sleep(0.2)
    assert ecs.hits[1][0] - fetched_at < 19
    assert datetime.now(timezone.utc) < first_expiry
    status, _, body = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, body
    signed = query(body["uploadUrl"])
    assert signed["X-Amz-Security-Token"] == "second-session-token"
    assert signed["X-Amz-Expires"] == "300"
    assert ecs.hit_count == 2, "long-lived credentials are not fetched again at once"


def test_an_endpoint_failing_after_success_keeps_the_service_ready_until_the_credentials_expire_then_503(
        start_service, start_fake, keys):
    first, expiry = credentials(22, "only-session-token")
    ecs, service = start(start_service, start_fake, keys,
                         lambda hit: (200, "application/json", first) if hit == 1
                         else (500, "text/plain", b"credentials endpoint broken"))
    service.wait_ready(timeout=15)
    expires_at = time.monotonic() + (expiry - datetime.now(timezone.utc)).total_seconds()

    # Up to (almost) the expiry the credentials are still good: ready, and health never wavers,
    # although the refresh attempts fail.
    while time.monotonic() < expires_at - 1.5:
        status, body = service.readyz()
        assert status == 200, body
        assert service.get("/healthz")[0] == 200
        time.sleep(0.25)
    failed_refreshes = ecs.hit_count - 1
    # Refresh at ~11 s, then retries after ~1, 2, 4 s (jittered): several attempts, no storm.
    assert 2 <= failed_refreshes <= 10, failed_refreshes

    # Once they are truly gone: not ready, naming the credentials, and no URL is issued.
    wait_until(lambda: service.readyz()[0] == 503, timeout=5, what="/readyz 503 after expiry")
    assert time.monotonic() >= expires_at - 1.0
    status, body = service.readyz()
    assert any("credentials" in item for item in body["missing"]), body
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and answer["code"] == "not_ready", answer
    assert service.get("/healthz")[0] == 200
    assert ecs.hit_count - 1 <= 12


def test_issued_urls_never_outlive_the_credentials_that_signed_them(start_service, start_fake, keys):
    body, expiration = credentials(200, "bounded-session-token")
    _, service = start(start_service, start_fake, keys, lambda hit: (200, "application/json", body),
                       UPLOAD_URL_EXPIRY="3600")
    service.wait_ready(timeout=15)
    for _ in range(3):
        status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
        assert status == 200, answer
        signed = query(answer["uploadUrl"])
        assert signed["X-Amz-Security-Token"] == "bounded-session-token"
        signed_at = datetime.strptime(signed["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        lifetime = int(signed["X-Amz-Expires"])
        assert lifetime < 3600
        assert signed_at + timedelta(seconds=lifetime) <= expiration
        assert answer["expiresIn"] == lifetime
        expires_at = datetime.strptime(answer["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert expires_at <= expiration


def test_a_credentials_endpoint_trickling_its_answer_is_cut_off_and_retried_not_waited_on(
        start_service, start_fake, keys):
    body, _ = credentials(3600, "trickled-session-token")
    trickle = TricklingEndpoint(body)
    try:
        document = jwks(keys["known"])
        jwks_fake = start_fake(lambda p, h: (200, "application/json", document))
        settings = aws_settings(jwks_fake.url + "/jwks.json")
        del settings["AWS_ACCESS_KEY_ID"], settings["AWS_SECRET_ACCESS_KEY"]
        settings.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": trickle.url + "/creds",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN, "AWS_EC2_METADATA_DISABLED": "true"})
        service = start_service(**settings)
        line = service.wait_for_line(lambda text: "no signing credentials yet" in text, timeout=10)
        assert "no complete response" in line, line
        wait_until(lambda: trickle.connections >= 2, timeout=10, what="a credentials retry")
        status, body = service.readyz()
        assert status == 503 and any("credentials" in item for item in body["missing"]), body
    finally:
        trickle.stop()


GARBAGE_CREDENTIALS = {
    "html": (200, "text/html", b"<html><body>Service Unavailable</body></html>"),
    "truncated_json": (200, "application/json", b'{"AccessKeyId":"ASIAFAULTS","SecretAccess'),
    "missing_secret": (200, "application/json", b'{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","Token":"t",'
                                                b'"Expiration":"2099-01-01T00:00:00Z"}'),
    "already_expired": None,  # built per run: an Expiration an hour ago
    "http_403": (403, "application/json", b'{"message":"not authorized"}'),
}


@pytest.mark.parametrize("kind", GARBAGE_CREDENTIALS.keys())
def test_a_garbage_credentials_answer_leaves_the_service_not_ready_and_issues_no_url(
        start_service, start_fake, keys, kind):
    answer = GARBAGE_CREDENTIALS[kind] or (200, "application/json", credentials(-3600, "expired-token")[0])
    ecs, service = start(start_service, start_fake, keys, lambda hit: answer)
    wait_until(lambda: ecs.hit_count >= 1, timeout=10, what="the credentials fetch")
    time.sleep(0.5)
    status, body = service.readyz()
    assert status == 503 and any("credentials" in item for item in body["missing"]), body
    status, _, reply = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and reply["code"] == "not_ready", reply
    assert "uploadUrl" not in reply
    assert service.get("/healthz")[0] == 200
