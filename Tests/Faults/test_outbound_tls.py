"""The service's own outbound HTTPS client, end to end: AWS mode with COGNITO_JWKS_URL at an
https fake on 127.0.0.1 serving a good JWKS. Trusted through SSL_CERT_FILE, the keys load and a
token verifies; an untrusted certificate or one for another host leaves the service not ready,
with the JWKS named on /readyz and the TLS reason in the log. Certificates are generated per test
run (throwaway, in pytest's tmp_path)."""

from __future__ import annotations

import datetime
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faults_support import UPLOAD_BODY, aws_settings, jwks, wait_until

JWKS_PATH = "/pool/.well-known/jwks.json"
NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool, sans=()):
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - DAY).not_valid_after(NOW + 7 * DAY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class ThrowawayPKI:
    """A throwaway CA and server certificates it signs, written as PEM files under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("faults test CA (throwaway)")
        self.ca_file = self._write("ca.pem", _certificate("faults test CA (throwaway)", self.ca_key, ca_name,
                                                          self.ca_key, ca=True))
        self.ca_name = ca_name

    def _write(self, file: str, certificate, key=None) -> Path:
        path = self.folder / file
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            path.with_suffix(".key").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return path

    def server_pair(self, label: str, host: str, signed_by_ca: bool = True) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        if signed_by_ca:
            cert = _certificate("faults server", key, self.ca_name, self.ca_key, ca=False, sans=[host])
        else:
            cert = _certificate("faults server", key, _name("faults server"), key, ca=False, sans=[host])
        path = self._write(label + ".pem", cert, key)
        return path, path.with_suffix(".key")


class HTTPSJWKSEndpoint:
    """A ThreadingHTTPServer behind TLS on 127.0.0.1 answering GET with `document`; counts
    completed requests (a refused handshake never becomes one)."""

    def __init__(self, certificate: Path, key: Path, document: bytes) -> None:
        self.hits = 0
        owner = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(certificate), str(key))

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                owner.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(document)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(document)
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                # The handshake runs in the handler's thread, on its first read: a client that
                # refuses the certificate cannot stall the accept loop.
                raw, address = self.socket.accept()
                return context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False), address

            def handle_error(self, request, client_address) -> None:
                pass  # refused handshakes are the point of some tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def pki(tmp_path: Path) -> ThrowawayPKI:
    folder = tmp_path / "pki"
    folder.mkdir()
    return ThrowawayPKI(folder)


@pytest.fixture
def https_endpoint():
    endpoints: list[HTTPSJWKSEndpoint] = []

    def start(certificate: Path, key: Path, document: bytes) -> HTTPSJWKSEndpoint:
        endpoint = HTTPSJWKSEndpoint(certificate, key, document)
        endpoints.append(endpoint)
        return endpoint

    yield start
    for endpoint in endpoints:
        endpoint.stop()


def test_a_jwks_over_https_trusted_through_ssl_cert_file_loads_and_tokens_verify(
        start_service, https_endpoint, pki, keys):
    endpoint = https_endpoint(*pki.server_pair("good", "localhost"), jwks(keys["known"]))
    service = start_service(**aws_settings(f"https://localhost:{endpoint.port}{JWKS_PATH}",
                                           SSL_CERT_FILE=str(pki.ca_file)))
    service.wait_ready(timeout=20)
    assert endpoint.hits == 1
    service.wait_for_line(lambda line: "token signing keys loaded" in line, timeout=5)
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer
    assert answer["method"] == "PUT"


def test_a_private_ca_in_a_hashed_folder_listed_in_ssl_cert_dir_is_trusted(start_service, https_endpoint, pki, keys,
                                                                           tmp_path):
    # docs/operations.md: SSL_CERT_DIR lists hashed folders, the system's and a private one.
    folder = tmp_path / "private-cas"
    folder.mkdir()
    shutil.copy(pki.ca_file, folder / "faults-ca.pem")
    subprocess.run(["openssl", "rehash", str(folder)], check=True, capture_output=True)
    endpoint = https_endpoint(*pki.server_pair("good", "localhost"), jwks(keys["known"]))
    service = start_service(**aws_settings(f"https://localhost:{endpoint.port}{JWKS_PATH}",
                                           SSL_CERT_DIR=f"/etc/ssl/certs:{folder}"))
    service.wait_ready(timeout=20)
    assert endpoint.hits == 1
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 200, answer


@pytest.mark.parametrize("case, reason", [
    ("untrusted", "certificate verify failed: unable to get local issuer certificate"),
    ("self_signed", "certificate verify failed: self-signed certificate"),
    ("wrong_host", "certificate verify failed: hostname mismatch"),
])
def test_a_jwks_endpoint_with_a_certificate_that_does_not_verify_leaves_the_service_not_ready_with_the_reason(
        start_service, https_endpoint, pki, keys, case, reason):
    if case == "untrusted":
        # Signed by the test CA, but the service only trusts the system store.
        pair, settings = pki.server_pair("good", "localhost"), {}
    elif case == "self_signed":
        pair, settings = pki.server_pair("self", "localhost", signed_by_ca=False), {"SSL_CERT_FILE": str(pki.ca_file)}
    else:
        pair, settings = pki.server_pair("other", "other.example"), {"SSL_CERT_FILE": str(pki.ca_file)}
    endpoint = https_endpoint(*pair, jwks(keys["known"]))
    service = start_service(**aws_settings(f"https://localhost:{endpoint.port}{JWKS_PATH}", **settings))
    line = service.wait_for_line(lambda text: "cannot load token signing keys" in text, timeout=15)
    assert reason in line, line
    status, body = service.readyz()
    assert status == 503 and any("JWKS" in item for item in body["missing"]), body
    # The document was never requested: the connection ended at the handshake.
    assert endpoint.hits == 0
    status, _, answer = service.ask_upload(keys["known"].token(), UPLOAD_BODY)
    assert status == 503 and answer["code"] == "not_ready", answer
    # And it keeps retrying (on its backoff) rather than giving up or trusting the certificate.
    wait_until(lambda: service.output.count("cannot load token signing keys") >= 2, timeout=10,
               what="a second JWKS attempt")
    assert endpoint.hits == 0
