"""Helpers of the operations suite (a module name no other suite uses, so that pytest's
prepend import mode cannot confuse it with another folder's module): the repository root and a
server runner that starts the release binary the way the container does (non-root, JSON logs) on
a free loopback port and stops it by PID."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
# What setpriv needs to run a command as nobody:nogroup with no supplementary groups, the way the
# image's `USER 10001:10001` runs the binary without root.
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
LOCAL_USER = ("ops-tester", "correct horse battery staple 42")
BIG_FILE_SIZE = 24 * 1024 * 1024


def free_port() -> int:
    """A loopback port nothing listens on (for the negative healthcheck)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The release binary running as nobody in local mode, its output captured line by line."""

    def __init__(self, app_root: Path, data_dir: Path, wait_for_handler: bool = True, **settings: str) -> None:
        data_dir.mkdir(mode=0o700, exist_ok=True)
        os.chown(data_dir, NOBODY, NOBODY)
        for parent in data_dir.parents:
            if parent == Path("/tmp") or parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o711)
        self.app_root = app_root
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(data_dir),
            "SECURE_UPLOAD_MODE": "local",
            "HOST": "127.0.0.1",
            "PORT": "0",
            "STATIC_DIR": str(app_root / "frontend"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "info",
            "LOCAL_DATA_DIR": str(data_dir),
            "LOCAL_USERS": f"{LOCAL_USER[0]}:{LOCAL_USER[1]}",
            "RATE_LIMIT_PER_MINUTE": "1000",
        }
        self.env.update(settings)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [*AS_NOBODY, str(app_root / "secure-upload"), "serve"],
            cwd=data_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = self._wait_for_port()
        if wait_for_handler:
            self.wait_for_signal_handler()

    def wait_for_signal_handler(self, timeout: float = 20.0) -> None:
        """Waits until the process catches SIGTERM (its bit in /proc/<pid>/status SigCgt).

        The service ignores SIGTERM while it starts and installs its handler just after it
        announces its URL; a SIGTERM sent in between is lost (reported to the app owner, see the
        operations report), so tests that stop the server wait for the handler first."""
        deadline = time.monotonic() + timeout
        bit = 1 << (signal.SIGTERM - 1)
        while True:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            caught = int(re.search(r"SigCgt:\s*([0-9a-fA-F]+)", status).group(1), 16)
            if caught & bit:
                return
            if time.monotonic() > deadline:
                raise AssertionError("the server never installed its SIGTERM handler")
            time.sleep(0.01)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            with self._changed:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_line(self, predicate, timeout: float = 20.0) -> str:
        """The first output line satisfying `predicate`, waiting for it to be written."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        "expected log line never appeared; output so far:\n" + "\n".join(self.lines[-40:])
                    )
                self._changed.wait(remaining)

    def _wait_for_port(self) -> int:
        # The server logs the URL it listens on; PORT=0 lets the kernel choose a free port.
        pattern = re.compile(r"http://(?:127\.0\.0\.1|localhost):([1-9]\d{1,4})")
        line = self.wait_for_line(lambda text: pattern.search(text) is not None, timeout=60)
        return int(pattern.search(line).group(1))

    def json_lines(self) -> list[dict]:
        with self._changed:
            lines = list(self.lines)
        parsed = []
        for line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                parsed.append(value)
        return parsed

    def access_line(self, request_id: str, timeout: float = 10.0) -> dict:
        """The JSON access-log line of the request the server numbered `request_id` (the response's
        `X-Request-Id`)."""

        def matches(line: str) -> bool:
            try:
                value = json.loads(line)
            except ValueError:
                return False
            return isinstance(value, dict) and value.get("request-id") == request_id and "client" in value

        return json.loads(self.wait_for_line(matches, timeout=timeout))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """One request on a fresh connection: (status, headers with lower-cased names, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            connection.close()

    def sign_in(self) -> str:
        """An ID token from local mode's Cognito-compatible InitiateAuth endpoint."""
        body = json.dumps(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": "securelocalclient",
                "AuthParameters": {"USERNAME": LOCAL_USER[0], "PASSWORD": LOCAL_USER[1]},
            }
        ).encode()
        status, _, answer = self.request(
            "POST",
            "/local/cognito/",
            body=body,
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
            },
        )
        assert status == 200, answer
        return json.loads(answer)["AuthenticationResult"]["IdToken"]

    def stop(self) -> int:
        """SIGTERM by PID, then SIGKILL if it does not exit; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)
        return self.process.returncode
