"""What the hand-run load scripts (hostile-clients.py, leak-load.py) share: `secure-upload serve`
in local mode on a free loopback port, its output in `<data>/server.log`, ready once `/readyz`
answers 200, stopped by PID with SIGTERM (SIGKILL after `stop_timeout`). Importable because
Python puts a script's own folder first on its path."""
import http.client
import os
import pathlib
import signal
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


class LocalServer:
    def __init__(self, binary: str, data: str, settings: dict, ready_timeout: float = 60,
                 stop_timeout: float = 30):
        self.port = free_port()
        self.data = data
        self.base = f"http://127.0.0.1:{self.port}"
        self.stop_timeout = stop_timeout
        root = pathlib.Path(__file__).resolve().parent.parent
        env = dict(os.environ)
        env.update(SECURE_UPLOAD_MODE="local", HOST="127.0.0.1", PORT=str(self.port), LOCAL_DATA_DIR=data,
                   STATIC_DIR=str(root / "frontend"), LOG_LEVEL="error", LOG_FORMAT="text")
        env.update(settings)
        self.log_path = os.path.join(data, "server.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + ready_timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited with {self.process.returncode}; log: {self.log_path}")
            if self._ready():
                return
            time.sleep(0.05)
        self.stop()
        raise SystemExit(f"server did not become ready; log: {self.log_path}")

    def _ready(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/readyz")
                return connection.getresponse().status == 200
            finally:
                connection.close()
        except OSError:
            return False

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode
