"""Fixtures of the upload page's browser tests (the machinery is in browser_support.py)."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from browser_support import MOTO_TEMPORARY_PASSWORD, REPO, Browser, Server, free_port


@pytest.fixture(scope="session")
def built_binary():
    if os.environ.get("BROWSER_TEST_SERVER") == "standin":
        return None
    # The same flags as scripts/test.sh's swift test, so that this build reuses its products.
    subprocess.run(["swift", "build", "-Xswiftc", "-warnings-as-errors", "--product", "secure-upload"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return REPO / ".build" / "debug" / "secure-upload"


@pytest.fixture(scope="module")
def server(built_binary):
    srv = Server()
    yield srv
    srv.cleanup()


@pytest.fixture(scope="module")
def rate_limited_server(built_binary):
    srv = Server(extra_env={"RATE_LIMIT_PER_MINUTE": "2"})
    yield srv
    srv.cleanup()


@pytest.fixture(scope="module")
def short_link_server(built_binary):
    srv = Server(extra_env={"UPLOAD_URL_EXPIRY": "2"})
    yield srv
    srv.cleanup()


@pytest.fixture(scope="module")
def small_limit_server(built_binary):
    srv = Server(max_upload_bytes=1024 * 1024)
    yield srv
    srv.cleanup()


@pytest.fixture(scope="module")
def moto_cognito():
    """moto's Cognito with one admin-created user who must choose a new password at first sign-in,
    exactly as an administrator's `admin-create-user` leaves them in AWS."""
    import boto3

    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's Cognito did not start")
                time.sleep(0.1)
        client = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        pool = client.create_user_pool(PoolName="browser-test")["UserPool"]["Id"]
        app = client.create_user_pool_client(
            UserPoolId=pool, ClientName="upload-page", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="bob", TemporaryPassword=MOTO_TEMPORARY_PASSWORD,
                                 MessageAction="SUPPRESS")
        yield {"endpoint": endpoint, "pool": pool, "client": app, "boto": client}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def aws_mode_with_moto(built_binary, moto_cognito):
    """The real binary in aws mode, verifying moto's tokens (its JWKS) and pointing the page at
    moto's Cognito endpoint with COGNITO_ENDPOINT, as it would point at an emulator or a proxy."""
    pool = moto_cognito["pool"]
    srv = Server(extra_env={
        "SECURE_UPLOAD_MODE": "aws",
        "COGNITO_USER_POOL_ID": pool,
        "COGNITO_CLIENT_ID": moto_cognito["client"],
        "COGNITO_ISSUER": f"https://cognito-idp.us-east-1.amazonaws.com/{pool}",
        "COGNITO_JWKS_URL": f"{moto_cognito['endpoint']}{pool}/.well-known/jwks.json",
        "COGNITO_ENDPOINT": moto_cognito["endpoint"],
        "UPLOAD_BUCKET": "browser-test-bucket",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    })
    yield srv
    srv.cleanup()


@pytest.fixture(scope="session")
def browser_tools():
    """Chromium, chromedriver and Selenium (installs them when missing)."""
    subprocess.run(["bash", str(REPO / "scripts" / "setup" / "50-browser.sh")], check=True)


@pytest.fixture
def browser(browser_tools):
    b = Browser()
    yield b
    b.quit()


@pytest.fixture
def files(tmp_path):
    """Three files of different kinds: one over 10 MB, one with a unicode name, one image."""
    big = tmp_path / "dataset 2026.bin"
    big.write_bytes(os.urandom(12 * 1024 * 1024 + 123))
    unicode_name = tmp_path / "résumé 📄.txt"
    unicode_name.write_bytes("Curriculum vitæ — naïve café résumé.\n".encode() * 40)
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200_000))
    return [big, unicode_name, image]
