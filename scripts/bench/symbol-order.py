#!/usr/bin/env python3
"""Writes the release link's symbol order: the functions the server runs, hottest first.

Why: the kernel maps a binary's code in 64 KB windows around each page fault (fault-around), so a
process keeps resident every window in which it ever ran one instruction. Left to the default
layout, the ~1 MB of functions that start-up and the request path execute are spread over 10 MB
of code, and 7.5 MB of it stays resident. Linked in this order (lld's --symbol-ordering-file,
Package.swift), they sit together at the front of `.text` (docs/performance.md, "Fifth round").

How: runs the release binary under valgrind's callgrind, which sees every function executed, and
drives it the way it is used:
  1. aws mode, started as the image starts it (`serve`), the JWKS fetched over HTTPS (a local
     endpoint with a throwaway CA, trusted through SSL_CERT_FILE); then health and readiness
     probes, the page, POST /upload with valid, repeated, bad, malformed and missing tokens and
     bodies; then SIGTERM;
  2. local mode, started as the README starts it (no arguments): sign-in through the local
     Cognito endpoint, POST /upload, the PUT to the local S3 receiver and a refused second PUT;
     then SIGTERM.
Functions of the first run come first, hottest first (by powers of two of their instruction
count, then by name); functions only the second run executed follow. Names that are not link
symbols (callgrind's recursion suffixes, bare addresses) are dropped.

  scripts/bench/symbol-order.py [BINARY] [OUTPUT]
      default: scripts/build-release.sh's binary, Sources/secure-upload/Link/symbol-order.txt

Run it after changes that move the hot path (a stale order still links: functions it does not
name go after the ones it does; Tests/Operations/test_ops_footprint.py fails when a fifth of the
names are gone), then build again. When it built the binary itself it removes it: SwiftPM does not
see the order file change and would not link again. Needs valgrind, python3-cryptography, and the
bench fixtures (made on first use by scripts/bench/make-fixtures.py).
"""

from __future__ import annotations

import collections
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "scripts" / "bench" / ".fixtures"
DEFAULT_OUTPUT = ROOT / "Sources" / "secure-upload" / "Link" / "symbol-order.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture_environment() -> dict[str, str]:
    """The bench fixtures' aws-mode settings (env.sh), without the JWKS file: run 1 fetches it."""
    if not (FIXTURES / "tokens.txt").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "make-fixtures.py"), str(FIXTURES)],
                       check=True, stdout=subprocess.DEVNULL)
    env = {}
    for line in (FIXTURES / "env.sh").read_text().splitlines():
        match = re.match(r'export (\w+)="(.*)"$', line)
        if match:
            env[match[1]] = match[2].replace("$_fixtures", str(FIXTURES))
    env.pop("JWKS_FILE", None)
    env.pop("COGNITO_JWKS_FILE", None)
    return env


def https_jwks_server(folder: Path) -> tuple[ThreadingHTTPServer, Path]:
    """Serves the fixtures' jwks.json over TLS with a certificate for localhost signed by a
    throwaway CA; returns the server and the CA's PEM file."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "symbol-order CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    jwks = (FIXTURES / "jwks.json").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(jwks)))
            self.send_header("Cache-Control", "max-age=3600")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf.pem", folder / "leaf.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, folder / "ca.pem"


class Server:
    """The binary under callgrind, on a free loopback port."""

    def __init__(self, binary: Path, arguments: list[str], env: dict[str, str], out: Path, log: Path):
        self.port = free_port()
        full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env,
                "HOST": "127.0.0.1", "PORT": str(self.port), "RATE_LIMIT_PER_MINUTE": "1000000"}
        self.log = log
        self.process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--demangle=no", "--dump-instr=no", "--compress-strings=no",
             "--compress-pos=no", f"--callgrind-out-file={out}", str(binary), *arguments],
            env=full, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; the end of its log:\n{self.log_tail()}")
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.process.kill()
        raise SystemExit(f"the server did not become ready; the end of its log:\n{self.log_tail()}")

    def log_tail(self) -> str:
        """The log's last lines (it lives in a folder removed on the way out)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)


def upload_body(name: str = "a.txt", size: int = 10) -> bytes:
    return json.dumps({"filename": name, "contentType": "text/plain", "size": size}).encode()


def drive_aws_mode(server: Server) -> None:
    tokens = (FIXTURES / "tokens.txt").read_text().split()
    bad = (FIXTURES / "bad-token.txt").read_text().strip()
    json_type = {"Content-Type": "application/json"}
    for path, expected in (("/healthz", 200), ("/readyz", 200), ("/", 200), ("/index.html", 200), ("/missing", 404)):
        status, _ = server.request("GET", path)
        assert status == expected, (path, status)
    for index, token in enumerate(tokens[:50] + tokens[:10]):
        name = ("a.txt", "../päth/ünicode name.txt", "no-extension")[index % 3]
        status, _ = server.request("POST", "/upload", upload_body(name), {"Authorization": f"Bearer {token}", **json_type})
        assert status == 200, status
    for headers, body in (
        ({"Authorization": f"Bearer {bad}", **json_type}, upload_body()),
        ({**json_type}, upload_body()),
        ({"Authorization": "Bearer not.a.jwt", **json_type}, upload_body()),
        ({"Authorization": f"Bearer {tokens[0]}", **json_type}, b'{"filename": 1}'),
        ({"Authorization": f"Bearer {tokens[0]}", **json_type}, upload_body("big.bin", 1 << 50)),
    ):
        status, answer = server.request("POST", "/upload", body, headers)
        assert 400 <= status < 500, (status, body, answer)


def drive_local_mode(server: Server) -> None:
    answer = server.request(
        "POST", "/local/cognito/",
        json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "securelocalclient",
                    "AuthParameters": {"USERNAME": "demo", "PASSWORD": "symbol-order-pass-1"}}).encode(),
        {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
         "Content-Type": "application/x-amz-json-1.1"})
    assert answer[0] == 200, answer
    token = json.loads(answer[1])["AuthenticationResult"]["IdToken"]
    content = b"hello from the symbol order\n"
    status, body = server.request("POST", "/upload", upload_body("hello.txt", len(content)),
                                  {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert status == 200, (status, body)
    grant = json.loads(body)
    target = grant["uploadUrl"].split("127.0.0.1:", 1)[1]
    path = target[target.index("/"):]
    for expected in (200, 412):
        status, _ = server.request("PUT", path, content, grant["headers"])
        assert status == expected, (status, expected)


def self_costs(profile: Path) -> collections.Counter[tuple[str, str]]:
    """Self cost (instructions) of each (object file, function) in a callgrind profile written
    with --compress-strings=no (as Server writes them)."""
    cost: collections.Counter[tuple[str, str]] = collections.Counter()
    objects = function = None
    skip_next = False
    with profile.open() as lines:
        for line in lines:
            if skip_next:  # the inclusive cost of a call, not the caller's own
                skip_next = False
                continue
            if line.startswith("ob="):
                objects = line[3:].strip()
            elif line.startswith("fn="):
                function = re.sub(r"'\d+$", "", line[3:].strip())
            elif line.startswith("calls="):
                skip_next = True
            elif line[:1].isdigit() and objects and function:
                fields = line.split()
                if len(fields) >= 2:
                    cost[(objects, function)] += int(fields[1])
    return cost


def functions_of(profile: Path, binary_name: str) -> collections.Counter[str]:
    """Self cost (instructions) of each function of the binary itself in a callgrind profile."""
    cost: collections.Counter[str] = collections.Counter()
    for (objects, function), instructions in self_costs(profile).items():
        if objects.endswith("/" + binary_name) and instructions > 0 and not function.startswith("0x"):
            cost[function] += instructions
    return cost


def hottest_first(cost: collections.Counter[str]) -> list[str]:
    """By cost in powers of two, hottest first, then by name: the order within a band does not
    matter to the layout, and sorting it by name keeps a re-recorded file's diff small."""
    return sorted(cost, key=lambda name: (-cost[name].bit_length(), name))


def main() -> None:
    binary = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (apt-get install -y valgrind)")
    built_here = binary is None
    if binary is None:
        built = subprocess.run([str(ROOT / "scripts" / "build-release.sh"), "--quiet"],
                               check=True, capture_output=True, text=True)
        binary = Path(built.stdout.strip().splitlines()[-1])
    work = Path(tempfile.mkdtemp(prefix="symbol-order-"))
    try:
        # callgrind reads the symbol table; lld's debug information trips its DWARF reader.
        plain = work / binary.name
        subprocess.run(["strip", "--strip-debug", "-o", str(plain), str(binary)], check=True)

        jwks_server, ca = https_jwks_server(work)
        env = fixture_environment()
        env.update({"COGNITO_JWKS_URL": f"https://localhost:{jwks_server.server_address[1]}/jwks.json",
                    "SSL_CERT_FILE": str(ca), "STATIC_DIR": str(ROOT / "frontend")})
        server = Server(plain, ["serve"], env, work / "aws.callgrind", work / "aws.log")
        try:
            drive_aws_mode(server)
        finally:
            server.stop()
        jwks_server.shutdown()

        local_env = {"LOCAL_DATA_DIR": str(work / "data"), "LOCAL_USERS": "demo:symbol-order-pass-1",
                     "STATIC_DIR": str(ROOT / "frontend")}
        server = Server(plain, [], local_env, work / "local.callgrind", work / "local.log")
        try:
            drive_local_mode(server)
        finally:
            server.stop()

        aws = functions_of(work / "aws.callgrind", plain.name)
        local = functions_of(work / "local.callgrind", plain.name)
        names = hottest_first(aws)
        names += [name for name in hottest_first(local) if name not in aws]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("\n".join(names) + "\n")
        print(f"{output}: {len(aws)} functions from aws mode, {len(names) - len(aws)} more from local mode")
        if built_here:
            # SwiftPM does not track the order file as a link input: without its product the next
            # build links again, in the new order.
            binary.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
