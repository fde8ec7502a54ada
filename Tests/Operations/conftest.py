"""Fixtures of the operations suite: the static release binary (built once per session), an
image-like /app folder, and servers started from it and stopped by PID."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from ops_support import BIG_FILE_SIZE, REPO, Server


@pytest.fixture(scope="session")
def release_binary() -> Path:
    """scripts/build-release.sh: the static release build the Dockerfile runs (minutes, once)."""
    result = subprocess.run(
        [str(REPO / "scripts" / "build-release.sh"), "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, f"release build failed:\n{result.stderr[-4000:]}"
    binary = Path(result.stdout.strip().splitlines()[-1])
    assert binary.is_file() and os.access(binary, os.X_OK), binary
    return binary


@pytest.fixture(scope="session")
def big_file_bytes() -> bytes:
    """A large static asset, so that a slow reader keeps a response in flight."""
    return random.Random(8).randbytes(BIG_FILE_SIZE)


@pytest.fixture(scope="session")
def app_root(release_binary: Path, big_file_bytes: bytes, tmp_path_factory) -> Path:
    """A copy of what the image holds under /app: the binary and frontend/, owned by root and only
    readable by the service user, plus one large asset for the drain test."""
    root = tmp_path_factory.mktemp("app")
    root.chmod(0o755)
    shutil.copy2(release_binary, root / "secure-upload")
    (root / "secure-upload").chmod(0o755)
    shutil.copytree(REPO / "frontend", root / "frontend")
    (root / "frontend" / "big.bin").write_bytes(big_file_bytes)
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
        elif path.name != "secure-upload":
            path.chmod(0o644)
    # pytest's temporary base folder is private to root; the service user must reach /app.
    for parent in root.parents:
        if parent == Path("/tmp") or parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o711)
    return root


@pytest.fixture
def start_server(app_root: Path, tmp_path: Path):
    """Starts servers with extra settings; every one is stopped by PID at the end of the test."""
    servers: list[Server] = []

    def start(**settings: str) -> Server:
        server = Server(app_root, tmp_path / f"data{len(servers)}", **settings)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
