"""SIGTERM while requests are in flight and idle keep-alive connections are open: readiness turns
503 during SHUTDOWN_DELAY, the listener then closes (new connections refused), idle connections are
closed, every in-flight request completes with its normal response, and the process exits 0 within
SHUTDOWN_GRACE."""

from __future__ import annotations

import json
import signal
import socket
import time

import pytest

SHUTDOWN_DELAY = 1
SHUTDOWN_GRACE = 5


class Connection:
    """A raw HTTP/1.1 client connection that can stop half-way through a request or a response."""

    def __init__(self, port: int, receive_buffer: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            # Set before connecting so that the advertised window stays small.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(SHUTDOWN_DELAY + SHUTDOWN_GRACE + 10)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = bytearray()  # bytes += would copy the whole 24 MiB download per chunk
        self.received = 0

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed mid-response ({self.received} bytes received)")
        self.received += len(chunk)
        self.buffer += chunk

    def _take(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n")
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 2]
        return line

    def read_head(self) -> tuple[int, dict[str, str]]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n\r\n")
        head = bytes(self.buffer[:end])
        del self.buffer[: end + 4]
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    def read_body(self, headers: dict[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    return body
                body += self._take(size)
                self._take(2)
        return self._take(int(headers.get("content-length", "0")))

    def read_response(self) -> tuple[int, dict[str, str], bytes]:
        status, headers = self.read_head()
        return status, headers, self.read_body(headers)

    def closed_by_peer(self) -> bool:
        """Whether the server closed this connection (EOF or reset) without sending anything."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


def refused(port: int) -> bool:
    probe = socket.socket()
    probe.settimeout(5)
    try:
        probe.connect(("127.0.0.1", port))
        return False
    except ConnectionRefusedError:
        return True
    finally:
        probe.close()


def test_sigterm_drains_in_flight_requests_and_exits_zero(start_server, big_file_bytes: bytes):
    server = start_server(SHUTDOWN_DELAY=str(SHUTDOWN_DELAY), SHUTDOWN_GRACE=str(SHUTDOWN_GRACE))
    port = server.port
    token = server.sign_in()
    assert server.request("GET", "/readyz")[0] == 200

    idle = []
    for _ in range(4):
        connection = Connection(port)
        connection.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, headers, _ = connection.read_response()
        assert status == 200 and headers.get("connection", "").lower() != "close"
        idle.append(connection)

    # In flight 1: a large static file whose reader stops after the first bytes.
    download = Connection(port, receive_buffer=4096)
    download.sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status, download_headers = download.read_head()
    assert status == 200

    # In flight 2: the main job, POST /upload, with only half of its body sent.
    body = json.dumps({"filename": "drain.pdf", "contentType": "application/pdf", "size": 4321}).encode()
    upload = Connection(port)
    upload.sock.sendall(
        b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body[: len(body) // 2]
    )
    time.sleep(0.2)  # let the server take in the partial request before the signal

    server.process.send_signal(signal.SIGTERM)

    # Readiness fails first, while the listener still accepts.
    while True:
        try:
            status = server.request("GET", "/readyz")[0]
        except ConnectionRefusedError:
            pytest.fail("the listener closed before /readyz ever answered 503")
        if status == 503:
            break
        assert status == 200  # only until the signal is handled

    # Then the listener closes: new connections are refused.
    deadline = time.monotonic() + SHUTDOWN_DELAY + SHUTDOWN_GRACE
    while not refused(port):
        assert time.monotonic() < deadline, "the listener never closed"
        time.sleep(0.05)
    assert server.process.poll() is None, "the process exited with requests still in flight"

    # Idle keep-alive connections are closed without waiting for the in-flight requests.
    for connection in idle:
        assert connection.closed_by_peer()

    # The in-flight requests complete with their normal responses.
    upload.sock.sendall(body[len(body) // 2 :])
    status, _, answer = upload.read_response()
    assert status == 200, answer
    assert json.loads(answer)["uploadUrl"]

    received = download.read_body(download_headers)
    assert len(received) == len(big_file_bytes) and received == big_file_bytes

    assert server.process.wait(timeout=SHUTDOWN_GRACE + 5) == 0
    for connection in [*idle, download, upload]:
        connection.close()
