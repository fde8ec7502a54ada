"""Helpers of the faults suite (a module name no other suite uses, so pytest's prepend import mode
cannot mix it up with another folder's helpers): the debug binary run as a child process on a
free loopback port and stopped by PID, fake JWKS / ECS-credentials endpoints as small
ThreadingHTTPServers on 127.0.0.1 whose behaviour a test switches at run time and whose hits it
counts, RS256 token minting with `cryptography`, and the local-mode sign-in / upload / PUT calls.
Every wait is bounded."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from service_process import ServiceProcess, wait_until

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / ".build" / "debug" / "secure-upload"
CLIENT_ID = "faultsclient"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Faults"
LOCAL_USER = ("fault-tester", "a long enough password 1234")


def build_binary() -> Path:
    subprocess.run(
        ["swift", "build", "-Xswiftc", "-warnings-as-errors", "--product", "secure-upload"],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL, timeout=3600)
    assert BINARY.is_file()
    return BINARY


# MARK: - The service under test


class Service(ServiceProcess):
    """`secure-upload serve` with the given settings, its output captured line by line."""

    def __init__(self, binary: Path, workdir: Path, **settings: str) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        static = workdir / "static"
        static.mkdir(exist_ok=True)
        (static / "index.html").write_text("<!doctype html><title>faults</title>\n")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "HOST": "127.0.0.1",
            "PORT": "0",
            "STATIC_DIR": str(static),
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "info",
            "SHUTDOWN_DELAY": "0",
            "SHUTDOWN_GRACE": "2",
            "RATE_LIMIT_PER_MINUTE": "0",
        }
        env.update(settings)
        super().__init__([str(binary), "serve"], workdir, env)
        try:
            # The HTTP server's own line (settings lines also hold loopback URLs: the fakes').
            pattern = re.compile(r" info listening host=\S+ .*\bport=([1-9]\d{1,4})\b")
            line = self.wait_for_line(lambda text: pattern.search(text) is not None, timeout=60)
            self.port = int(pattern.search(line).group(1))
            self.base = f"http://127.0.0.1:{self.port}"
            wait_until(lambda: self._try_health(), timeout=20, what="the service to answer /healthz")
        except BaseException:
            self.kill()  # never registered with a fixture: stop it here, by PID
            raise

    def _try_health(self) -> bool:
        try:
            return self.get("/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    def readyz(self, timeout: float = 5.0):
        status, _, body = self.get("/readyz", timeout=timeout)
        return status, json.loads(body)

    def wait_ready(self, timeout: float) -> None:
        try:
            wait_until(lambda: self.readyz()[0] == 200, timeout=timeout, interval=0.1, what="/readyz 200")
        except AssertionError as error:
            raise AssertionError(f"{error}; service output:\n" + "\n".join(
                [line for line in self.lines if " GET /" not in line and " POST /" not in line][-15:])) from None

    def ask_upload(self, token: str, body: dict, timeout: float = 20.0):
        status, headers, answer = self.request(
            "POST", "/upload", body=json.dumps(body, ensure_ascii=False).encode(), timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return status, headers, json.loads(answer) if answer else None

    def sign_in(self, user: tuple[str, str] = LOCAL_USER) -> str:
        """An ID token from local mode's Cognito-compatible InitiateAuth."""
        return super().sign_in(user)

    def stop(self, timeout: float = 15.0) -> int | None:
        return super().stop(timeout)


def put(upload: dict, data: bytes, timeout: float = 30.0):
    """The PUT the answer of POST /upload describes, with exactly its headers: (status, body)."""
    url = urllib.parse.urlsplit(upload["uploadUrl"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        connection.request("PUT", url.path + "?" + url.query, body=data, headers=dict(upload["headers"]))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# MARK: - Fake endpoints


class TricklingEndpoint:
    """A loopback endpoint that answers 200 with the full Content-Length of `body` and then sends
    it one byte per second (a slowloris on the service's outbound side). Counts connections."""

    def __init__(self, body: bytes) -> None:
        import socket

        self.body = body
        self.connections = 0
        self.stopped = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: %d\r\n\r\n" % len(self.body))
                for index in range(len(self.body)):
                    if self.stopped.wait(1.0):
                        return
                    connection.sendall(self.body[index:index + 1])
            except OSError:
                return

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


class FakeEndpoint:
    """A loopback HTTP server whose every GET is answered by `self.behaviour(path, headers)`,
    returning (status, content type, body bytes) — or sleeping first, to hang. Counts hits."""

    def __init__(self, behaviour=None, port: int = 0) -> None:
        self.behaviour = behaviour or (lambda path, headers: (404, "text/plain", b"not found"))
        self.hits: list[tuple[float, str, dict]] = []
        self.lock = threading.Lock()
        self.released = threading.Event()  # set at stop: cuts any deliberate hang short
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with owner.lock:
                    owner.hits.append((time.monotonic(), self.path, dict(self.headers)))
                status, content_type, body = owner.behaviour(self.path, dict(self.headers))
                if owner.released.is_set():
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def hit_count(self) -> int:
        with self.lock:
            return len(self.hits)

    def hang(self, seconds: float) -> None:
        """Called from a behaviour: waits up to `seconds`, less if the endpoint is stopped."""
        self.released.wait(seconds)

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# MARK: - Tokens


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_int(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class SigningKey:
    """An RSA key with a `kid`, its JWK, and RS256 Cognito-shaped tokens signed with it."""

    def __init__(self, kid: str, bits: int = 2048) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=bits)

    def jwk(self) -> dict:
        numbers = self.private.public_key().public_numbers()
        return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                "n": b64url_int(numbers.n), "e": b64url_int(numbers.e)}

    def token(self, sub: str | None = None, **overrides) -> str:
        now = int(time.time())
        claims = {"sub": sub or str(uuid.uuid4()), "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id",
                  "iat": now, "auth_time": now, "exp": now + 600, "jti": str(uuid.uuid4())}
        claims.update(overrides)
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = self.private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature)


def jwks(*keys: SigningKey) -> bytes:
    return json.dumps({"keys": [key.jwk() for key in keys]}).encode()


def aws_settings(jwks_url: str, **extra: str) -> dict:
    """AWS mode against a fake JWKS; static credentials unless `extra` says otherwise. The S3
    endpoint is never contacted (the service only signs URLs)."""
    settings = {
        "SECURE_UPLOAD_MODE": "aws",
        "UPLOAD_BUCKET": "fault-bucket",
        "AWS_REGION": "us-east-1",
        "COGNITO_ISSUER": ISSUER,
        "COGNITO_JWKS_URL": jwks_url,
        "COGNITO_CLIENT_ID": CLIENT_ID,
        "S3_ENDPOINT": "http://127.0.0.1:9",
        "S3_FORCE_PATH_STYLE": "true",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "faultsSecretKeyForLocalTestsOnly00000001",
    }
    settings.update(extra)
    return settings


def local_settings(data_dir: Path, **extra: str) -> dict:
    settings = {
        "SECURE_UPLOAD_MODE": "local",
        "LOCAL_DATA_DIR": str(data_dir),
        "LOCAL_USERS": f"{LOCAL_USER[0]}:{LOCAL_USER[1]}",
    }
    settings.update(extra)
    return settings


UPLOAD_BODY = {"filename": "a.txt", "contentType": "text/plain", "size": 5}


class RawPut:
    """A PUT over a plain socket, so a test controls how much of the body goes out and when (a
    slow client, a server that answers before the body ends)."""

    def __init__(self, upload: dict) -> None:
        import socket

        url = urllib.parse.urlsplit(upload["uploadUrl"])
        self.sock = socket.create_connection((url.hostname, url.port), timeout=30)
        head = f"PUT {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        for name, value in upload["headers"].items():
            head += f"{name}: {value}\r\n"
        self.sock.sendall((head + "\r\n").encode())

    def send(self, data: bytes) -> bool:
        """Sends `data`; False when the server no longer takes it (it answered and closed)."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def response(self, timeout: float = 30.0) -> tuple[int, bytes]:
        """Reads the answer: (status, body)."""
        self.sock.settimeout(timeout)
        received = b""
        try:
            while b"\r\n\r\n" not in received:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while length and len(body) < int(length.group(1)):
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                body += chunk
        except OSError:
            head, body = received.partition(b"\r\n\r\n")[0], b""
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
        return status, body

    def close(self) -> None:
        self.sock.close()
