"""What every Python suite that runs `secure-upload serve` as a child process shares: the process
with its output captured line by line, bounded waits for a line or a condition, one request per
fresh connection, local-mode sign-in, and stopping by PID (SIGTERM once the handler is installed,
SIGKILL after a bounded wait). Each suite subclasses `ServiceProcess` for how it launches the
binary (user, settings) and how it learns the port.

The folder is on pytest's `pythonpath` (pytest.ini); the module name is one no suite uses."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

LOCAL_CLIENT_ID = "securelocalclient"


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Polls `predicate` until it returns something truthy (returned) or `timeout` passes (raises)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class ServiceProcess:
    """A started `secure-upload serve`: `process`, `lines` (its stdout and stderr), `port` once the
    subclass has found it."""

    port: int

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            with self._changed:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    # MARK: - Output

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for_line(self, predicate, timeout: float = 20.0) -> str:
        """The first output line satisfying `predicate`, waiting (bounded) for it to be written."""
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
                        "expected output never appeared; output so far:\n" + "\n".join(self.lines[-40:]))
                self._changed.wait(min(remaining, 0.5))

    def json_lines(self) -> list[dict]:
        """Every output line that is a JSON object (LOG_FORMAT=json)."""
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

    # MARK: - Requests

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 20.0):
        """One request on a fresh connection: (status, lower-cased headers, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get(self, path: str, timeout: float = 20.0):
        return self.request("GET", path, timeout=timeout)

    def sign_in(self, user: tuple[str, str]) -> str:
        """An ID token from local mode's Cognito-compatible InitiateAuth, as the page asks for it."""
        body = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": LOCAL_CLIENT_ID,
                           "AuthParameters": {"USERNAME": user[0], "PASSWORD": user[1]}}).encode()
        status, _, answer = self.request("POST", "/local/cognito/", body=body, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
        assert status == 200, answer
        return json.loads(answer)["AuthenticationResult"]["IdToken"]

    # MARK: - Stopping

    def catches_sigterm(self) -> bool:
        """Whether the process has installed its SIGTERM handler (its bit in /proc/<pid>/status)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        caught = int(re.search(r"SigCgt:\s*([0-9a-fA-F]+)", status).group(1), 16)
        return bool(caught & (1 << (signal.SIGTERM - 1)))

    def wait_for_signal_handler(self, timeout: float = 20.0) -> None:
        """The service ignores SIGTERM while it starts and installs its handler just after it
        announces its URL; a SIGTERM sent in between would be lost, so stopping waits for it."""
        wait_until(self.catches_sigterm, timeout=timeout, interval=0.01, what="the SIGTERM handler")

    def kill(self) -> None:
        """SIGKILL by PID (a crash, or cleaning up after a failed start)."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)

    def stop(self, timeout: float = 40.0) -> int | None:
        """SIGTERM by PID (once the handler is in), SIGKILL if it has not exited after `timeout`;
        the exit status."""
        if self.process.poll() is None:
            try:
                self.wait_for_signal_handler(timeout=5)
            except (AssertionError, FileNotFoundError):
                pass
            try:
                os.kill(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(timeout=5)
        return self.process.returncode
