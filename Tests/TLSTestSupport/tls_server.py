#!/usr/bin/env python3
"""TLS peers for the outbound client's tests, on 127.0.0.1, one listening port per behaviour.

Every certificate and key is generated at start-up into a fresh temporary folder (throwaway
test material, deleted at exit; nothing secret is committed). Prints one line,
`ready ca=<trusted CA PEM> <mode>=<port> ...`, then serves until SIGTERM. Each TLS mode answers a
request with `HTTP/1.1 200 OK`, `Content-Length: 5`, `hello`, then a close_notify (except
`nonotify`, which closes without one).

Modes: good (localhost, trusted CA), ipsan (IP SAN 127.0.0.1), wronghost (other.example),
expired, selfsigned, untrusted (a CA the client does not know), tls11 (good certificate, TLS 1.1
at most), nonotify, trickle (a 1000-byte body at one byte per 200 ms), plain (plain HTTP 400 to whatever arrives), silent (accepts, says nothing).
"""

from __future__ import annotations

import datetime
import warnings
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLS 1.0/1.1 on purpose

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(common: str):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - DAY).not_valid_after(NOW + 30 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_leaf(issuer, sans, not_before=NOW - DAY, not_after=NOW + 30 * DAY, self_signed=False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = name("test leaf")
    issuer_key, issuer_cert = (key, None) if self_signed else issuer
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(subject if self_signed else issuer_cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.SubjectAlternativeName(sans), critical=False)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return key, builder.sign(issuer_key, hashes.SHA256())


def write_pair(folder: str, label: str, key, cert) -> tuple[str, str]:
    cert_path, key_path = os.path.join(folder, label + ".pem"), os.path.join(folder, label + ".key")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_path, key_path


def serve_tls(listener: socket.socket, context: ssl.SSLContext, mode: str) -> None:
    while True:
        try:
            raw, _ = listener.accept()
        except OSError:
            return
        target = trickle_tls if mode == "trickle" else answer_tls
        threading.Thread(target=target, args=(raw, context, mode != "nonotify"), daemon=True).start()


def trickle_tls(raw: socket.socket, context: ssl.SSLContext, _notify: bool) -> None:
    """Answers 200 with a 1000-byte Content-Length, then one body byte every 200 ms."""
    raw.settimeout(30)
    try:
        with context.wrap_socket(raw, server_side=True) as conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                threading.Event().wait(0.2)
                conn.sendall(b"x")
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        raw.close()


def answer_tls(raw: socket.socket, context: ssl.SSLContext, notify: bool) -> None:
    raw.settimeout(10)
    try:
        with context.wrap_socket(raw, server_side=True) as conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
            if notify:
                conn.unwrap().close()
            else:
                conn.shutdown(socket.SHUT_RDWR)  # TCP FIN with no TLS close_notify before it
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        raw.close()


def serve_plain(listener: socket.socket, speak: bool) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=answer_plain, args=(conn, speak), daemon=True).start()


def answer_plain(conn: socket.socket, speak: bool) -> None:
    with conn:
        try:
            conn.settimeout(30)
            if not speak:
                conn.recv(65536)
                threading.Event().wait(30)
                return
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad request")
        except OSError:
            pass


def main() -> None:
    folder = tempfile.mkdtemp(prefix="su-tls-fixture-")

    def finish(*_):
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)

    ca = make_ca("SecureUpload test CA (throwaway)")
    other_ca = make_ca("Unknown CA (throwaway)")
    ca_path, _ = write_pair(folder, "ca", *ca)
    localhost = [x509.DNSName("localhost")]
    leaves = {
        "good": make_leaf(ca, localhost),
        "ipsan": make_leaf(ca, [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
        "wronghost": make_leaf(ca, [x509.DNSName("other.example")]),
        "expired": make_leaf(ca, localhost, NOW - 30 * DAY, NOW - DAY),
        "selfsigned": make_leaf(None, localhost, self_signed=True),
        "untrusted": make_leaf(other_ca, localhost),
    }
    leaves["tls11"] = leaves["good"]
    leaves["nonotify"] = leaves["good"]
    leaves["trickle"] = leaves["good"]

    ports = {}
    for mode, (key, cert) in leaves.items():
        cert_path, key_path = write_pair(folder, mode, key, cert)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if mode == "tls11":
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.load_cert_chain(cert_path, key_path)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        ports[mode] = listener.getsockname()[1]
        threading.Thread(target=serve_tls, args=(listener, context, mode), daemon=True).start()
    for mode, speak in (("plain", True), ("silent", False)):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        ports[mode] = listener.getsockname()[1]
        threading.Thread(target=serve_plain, args=(listener, speak), daemon=True).start()

    print("ready ca=" + ca_path + " " + " ".join(f"{mode}={port}" for mode, port in ports.items()), flush=True)
    # Also end when the parent goes away (stdin closes), so a crashed test run leaves nothing behind.
    sys.stdin.read()
    finish()


if __name__ == "__main__":
    main()
