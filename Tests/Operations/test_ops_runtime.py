"""The static release binary run the way the image runs it: as a non-root user, from a read-only
/app, in local mode with a private data folder, answering its own `healthcheck` subcommand."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ops_support import AS_NOBODY, NOBODY, free_port


def process_ids(pid: int) -> tuple[set[int], set[int]]:
    """(real/effective/saved/fs uids, gids) of a running process, from /proc."""
    uids, gids = set(), set()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            uids = {int(value) for value in line.split()[1:]}
        elif line.startswith("Gid:"):
            gids = {int(value) for value in line.split()[1:]}
    return uids, gids


def healthcheck(app_root: Path, env: dict, port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*AS_NOBODY, str(app_root / "secure-upload"), "healthcheck"],
        env={**env, "PORT": str(port)},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serves_as_a_non_root_user_from_a_read_only_app_folder(start_server, app_root: Path):
    server = start_server()
    uids, gids = process_ids(server.process.pid)
    assert uids == {NOBODY} and gids == {NOBODY}
    status, _, body = server.request("GET", "/healthz")
    assert status == 200
    status, headers, page = server.request("GET", "/")
    assert status == 200 and b"<html" in page.lower()
    # The state local mode creates belongs to the service user, in the data folder only.
    data_dir = Path(server.env["LOCAL_DATA_DIR"])
    created = list(data_dir.rglob("*"))
    assert created, "local mode wrote nothing to LOCAL_DATA_DIR"
    assert all(path.stat().st_uid == NOBODY for path in created)
    assert sorted(p.name for p in app_root.iterdir()) == ["frontend", "secure-upload"]


def test_healthcheck_subcommand_passes_against_the_running_server(start_server, app_root: Path):
    server = start_server()
    result = healthcheck(app_root, server.env, server.port)
    assert result.returncode == 0, result.stdout + result.stderr


def test_healthcheck_subcommand_fails_when_nothing_listens(app_root: Path):
    env = {"PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "SECURE_UPLOAD_MODE": "local"}
    result = healthcheck(app_root, env, free_port())
    assert result.returncode != 0


def listening_line(server) -> dict:
    """The JSON start-up line that reports the listener and its event loops."""
    server.wait_for_line(lambda text: '"loops"' in text, timeout=30)
    return next(line for line in server.json_lines() if "loops" in line)


def test_runs_one_event_loop_per_cpu_it_may_use(start_server):
    # A container pinned to some CPUs (docker --cpuset-cpus, taskset) must not start a loop per
    # online CPU of the host: the child inherits this process's affinity mask.
    allowed = os.sched_getaffinity(0)
    server = start_server()
    assert int(listening_line(server)["loops"]) == len(allowed)
    first = min(allowed)
    try:
        os.sched_setaffinity(0, {first})
        pinned = start_server()
    finally:
        os.sched_setaffinity(0, allowed)
    assert int(listening_line(pinned)["loops"]) == 1
    assert os.sched_getaffinity(pinned.process.pid) == {first}
    status, _, _ = pinned.request("GET", "/healthz")
    assert status == 200
