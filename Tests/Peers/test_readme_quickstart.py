"""The README's quick start, run as written: start the binary in local mode on a fresh data
folder, take the password from its banner, then run the README's curl block (only the port is
changed, to a free one) and check the stored object is byte-exact."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / ".build" / "debug" / "secure-upload"


@pytest.fixture(scope="module", autouse=True)
def build():
    subprocess.run(["swift", "build", "-Xswiftc", "-warnings-as-errors", "--product", "secure-upload"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quickstart_blocks():
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Quick start"):readme.index("## API")]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_readme_quickstart_commands_store_the_file_byte_exact(tmp_path):
    blocks = quickstart_blocks()
    assert blocks[0].strip() == "swift run secure-upload"
    (tmp_path / "frontend").symlink_to(REPO / "frontend")
    port = free_port()
    log_path = tmp_path / "server.log"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    process = subprocess.Popen([str(BINARY), "--port", str(port)], cwd=tmp_path, env=env,
                               stdout=open(log_path, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        password = None
        for _ in range(300):
            match = re.search(r"Sign in as:\s+demo / (\S+)", log_path.read_text())
            if match:
                password = match.group(1)
                break
            time.sleep(0.1)
        assert password, log_path.read_text()
        script = blocks[1].replace("<the password from the banner>", password).replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.rstrip().endswith("hello from SecureUpload"), result.stdout
        stored = list((tmp_path / ".data" / "uploads" / "uploads").rglob("*-hello.txt"))
        assert len(stored) == 1
        assert stored[0].read_bytes() == (tmp_path / "hello.txt").read_bytes() == b"hello from SecureUpload\n"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0
