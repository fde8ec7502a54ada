"""AWS mode against real peers nobody here wrote: moto's Cognito issues the tokens (RS256, its
JWKS over loopback HTTP) and `rclone serve s3` checks the SigV4 pre-signed PUTs and stores the
bytes. The service runs as the built binary (`.build/debug/secure-upload serve`) in aws mode with
COGNITO_ISSUER + COGNITO_JWKS_URL + S3_ENDPOINT, exactly as an operator would configure it.

Tools: scripts/setup/60-peers.sh (moto, boto3, requests, joserfc), 30-sigv4.sh (rclone).
"""

import base64
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from importlib import resources
from pathlib import Path

import pytest

boto3 = pytest.importorskip("boto3", reason="run scripts/setup/60-peers.sh")
requests = pytest.importorskip("requests", reason="run scripts/setup/60-peers.sh")

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
BUCKET = "uploads"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "peerSecretKeyForLocalTestsOnly0000000001"
USERNAME = "alice"
PASSWORD = "Passw0rd!Passw0rd"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not open port {port}")


def stop(process, sig=signal.SIGTERM, timeout=30):
    if process.poll() is None:
        os.kill(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


@pytest.fixture(scope="module")
def binary():
    subprocess.run(
        ["swift", "build", "-Xswiftc", "-warnings-as-errors", "--product", "secure-upload"],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    path = REPO / ".build" / "debug" / "secure-upload"
    assert path.exists()
    return path


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="su-peers-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def cognito(workdir):
    port = free_port()
    log = open(workdir / "moto.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, process, "moto")
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        pool = client.create_user_pool(PoolName="peer-pool")["UserPool"]["Id"]
        client_id = client.create_user_pool_client(
            UserPoolId=pool, ClientName="peer-web", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username=USERNAME, TemporaryPassword="TempPassw0rd!",
                                 MessageAction="SUPPRESS")
        client.admin_set_user_password(UserPoolId=pool, Username=USERNAME, Password=PASSWORD, Permanent=True)

        def sign_in():
            return client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": USERNAME, "PASSWORD": PASSWORD})["AuthenticationResult"]

        yield {
            "endpoint": endpoint, "pool": pool, "client_id": client_id, "sign_in": sign_in,
            "issuer": f"https://cognito-idp.{REGION}.amazonaws.com/{pool}",
            "jwks_url": f"{endpoint}/{pool}/.well-known/jwks.json",
        }
    finally:
        stop(process)


def rclone_binary():
    for candidate in (shutil.which("rclone"), os.path.join(sysconfig.get_path("scripts"), "rclone")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("rclone not installed; run scripts/setup/30-sigv4.sh")


@pytest.fixture(scope="module")
def s3(workdir):
    port = free_port()
    data = workdir / "s3"
    (data / BUCKET).mkdir(parents=True)
    log = open(workdir / "rclone.log", "w")
    process = subprocess.Popen(
        [rclone_binary(), "serve", "s3", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}",
         "--no-modtime", str(data)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, process, "rclone")
        yield {"endpoint": f"http://127.0.0.1:{port}", "bucket_dir": data / BUCKET}
    finally:
        stop(process)


@pytest.fixture(scope="module")
def service(binary, workdir, cognito, s3):
    port = free_port()
    static = workdir / "static"
    static.mkdir()
    (static / "index.html").write_text("<!doctype html><title>SecureUpload</title>\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "SECURE_UPLOAD_MODE": "aws",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "UPLOAD_BUCKET": BUCKET,
        "AWS_REGION": REGION,
        "COGNITO_ISSUER": cognito["issuer"],
        "COGNITO_JWKS_URL": cognito["jwks_url"],
        "COGNITO_CLIENT_ID": cognito["client_id"],
        "S3_ENDPOINT": s3["endpoint"],
        "S3_FORCE_PATH_STYLE": "true",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "STATIC_DIR": str(static),
        "SHUTDOWN_DELAY": "0",
        "SHUTDOWN_GRACE": "5",
        "LOG_FORMAT": "json",
    }
    log_path = workdir / "service.log"
    log = open(log_path, "w")
    process = subprocess.Popen([str(binary), "serve"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, process, "secure-upload")
        for _ in range(300):
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("service never became ready:\n" + log_path.read_text()[-3000:])
        yield {"base": base, "process": process, "log": log_path}
    finally:
        code = stop(process)
        assert code == 0, "service did not exit 0 on SIGTERM:\n" + log_path.read_text()[-3000:]


def ask_upload(service, token, body, scheme="Bearer "):
    return requests.post(f"{service['base']}/upload", json=body, timeout=10,
                         headers={"Authorization": f"{scheme}{token}"})


def put(upload, data, **overrides):
    headers = dict(upload["headers"])
    headers.update(overrides)
    return requests.put(upload["uploadUrl"], data=data, headers=headers, timeout=10)


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()


def b64url_json(segment):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_moto_id_token_gets_a_url_that_rclone_accepts_and_stores_byte_exact(service, cognito, s3):
    token = cognito["sign_in"]()["IdToken"]
    data = os.urandom(3000) + "ünïcode ✓".encode()
    checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
    answer = ask_upload(service, token, {"filename": "raport 2026 (final).bin", "contentType": "application/octet-stream",
                                         "size": len(data), "checksumSHA256": checksum})
    assert answer.status_code == 200, answer.text
    upload = answer.json()
    sub = b64url_json(token.split(".")[1])["sub"]
    assert upload["key"].startswith(f"uploads/{sub}/")
    assert upload["uploadUrl"].startswith(f"{s3['endpoint']}/{BUCKET}/uploads/{sub}/")
    assert upload["headers"] == {"Content-Type": "application/octet-stream", "Content-Length": str(len(data)),
                                 "x-amz-checksum-sha256": checksum, "If-None-Match": "*"}
    stored = put(upload, data)
    assert stored.status_code == 200, stored.text
    assert (s3["bucket_dir"] / upload["key"]).read_bytes() == data


def test_moto_access_token_and_a_bare_token_are_accepted(service, cognito):
    tokens = cognito["sign_in"]()
    body = {"filename": "a.txt", "contentType": "text/plain", "size": 5}
    assert ask_upload(service, tokens["AccessToken"], body).status_code == 200
    assert ask_upload(service, tokens["IdToken"], body, scheme="").status_code == 200


def test_rclone_refuses_the_put_when_type_length_or_signature_differ(service, cognito):
    token = cognito["sign_in"]()["IdToken"]
    data = b"exactly these bytes"
    upload = ask_upload(service, token, {"filename": "t.txt", "contentType": "text/plain", "size": len(data)}).json()
    assert put(upload, data, **{"Content-Type": "text/html"}).status_code == 403
    assert put(upload, data + b"!", **{"Content-Length": str(len(data) + 1)}).status_code == 403
    url = upload["uploadUrl"]
    i = url.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    tampered = dict(upload, uploadUrl=url[:i] + ("0" if url[i] != "0" else "1") + url[i + 1:])
    assert put(tampered, data).status_code == 403
    assert put(upload, data).status_code == 200


def moto_private_key():
    base = resources.files("moto") / "cognitoidp" / "resources"
    gz = base / "jwks-private.json.gz"
    if gz.is_file():
        return json.loads(gzip.decompress(gz.read_bytes()))
    return json.loads((base / "jwks-private.json").read_text())


def test_tampered_forged_and_expired_moto_tokens_get_401(service, cognito):
    token = cognito["sign_in"]()["IdToken"]
    header, payload, signature = token.split(".")
    claims = b64url_json(payload)
    body = {"filename": "a.txt", "contentType": "text/plain", "size": 1}
    flipped = signature[:-5] + ("A" if signature[-5] != "A" else "B") + signature[-4:]
    other_sub = b64url(dict(claims, sub="00000000-0000-0000-0000-000000000000"))
    candidates = [
        f"{header}.{payload}.{flipped}",
        f"{header}.{other_sub}.{signature}",
        b64url({"alg": "none", "typ": "JWT"}) + f".{payload}.",
        "",
    ]
    joserfc = pytest.importorskip("joserfc.jwt")
    jwk = pytest.importorskip("joserfc.jwk")
    key = jwk.RSAKey.import_key(moto_private_key())
    head = b64url_json(header)
    candidates.append(joserfc.encode(head, dict(claims, exp=int(time.time()) - 600), key))
    candidates.append(joserfc.encode(head, dict(claims, iss="https://evil.example.com/pool"), key))
    candidates.append(joserfc.encode(head, dict(claims, aud="someone-else"), key))
    # The real key signs fine: the forged-but-valid control proves the refusals are the claims'.
    assert ask_upload(service, joserfc.encode(head, claims, key), body).status_code == 200
    for candidate in candidates:
        answer = ask_upload(service, candidate, body)
        assert answer.status_code == 401, candidate[:40]
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.json() == {"error": "A valid sign-in token is required.", "code": "unauthorized"}


def test_config_json_and_readiness_in_aws_mode(service, cognito):
    config = requests.get(f"{service['base']}/config.json", timeout=5).json()
    assert config["mode"] == "aws"
    assert config["clientId"] == cognito["client_id"]
    assert config["userPoolId"] == cognito["pool"]
    assert config["cognitoEndpoint"] == f"https://cognito-idp.{REGION}.amazonaws.com/"
    assert config["uploadEndpoint"] == "/upload"
    ready = requests.get(f"{service['base']}/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_logs_carry_no_token_or_secret(service, cognito):
    token = cognito["sign_in"]()["IdToken"]
    ask_upload(service, token, {"filename": "a.txt", "contentType": "text/plain", "size": 1})
    text = service["log"].read_text()
    assert '"/upload"' in text or " /upload " in text  # the access lines are there to be checked
    assert token.split(".")[2] not in text
    assert SECRET_KEY not in text
    assert "X-Amz-Signature" not in text
