"""Helpers of the operations suite (a module name no other suite uses, so that pytest's
prepend import mode cannot confuse it with another folder's module): the repository root and a
server runner that starts the release binary the way the container does (non-root, JSON logs) on
a free loopback port and stops it by PID."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

from service_process import ServiceProcess

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


class Server(ServiceProcess):
    """The release binary running as nobody in local mode, its output captured line by line."""

    def __init__(self, app_root: Path, data_dir: Path, wait_for_handler: bool = True, **settings: str) -> None:
        data_dir.mkdir(mode=0o700, exist_ok=True)
        os.chown(data_dir, NOBODY, NOBODY)
        for parent in data_dir.parents:
            if parent == Path("/tmp") or parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o711)
        self.app_root = app_root
        env = {
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
        env.update(settings)
        super().__init__([*AS_NOBODY, str(app_root / "secure-upload"), "serve"], data_dir, env)
        self.port = self._wait_for_port()
        if wait_for_handler:
            self.wait_for_signal_handler()

    def _wait_for_port(self) -> int:
        # The server logs the URL it listens on; PORT=0 lets the kernel choose a free port.
        pattern = re.compile(r"http://(?:127\.0\.0\.1|localhost):([1-9]\d{1,4})")
        line = self.wait_for_line(lambda text: pattern.search(text) is not None, timeout=60)
        return int(pattern.search(line).group(1))

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

    def sign_in(self, user: tuple[str, str] = LOCAL_USER) -> str:
        """An ID token from local mode's Cognito-compatible InitiateAuth endpoint."""
        return super().sign_in(user)
