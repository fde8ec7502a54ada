"""Local-mode storage faults: the disk fills up mid-upload (LOCAL_DATA_DIR on a 4 MiB tmpfs), and
the process is SIGKILLed while a body is half sent. Either way no partial object ever appears
under the bucket folder, the failed upload's space comes back, and the service (or its restart on
the same data dir) takes the next upload."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from faults_support import LOCAL_USER, RawPut, local_settings, put, wait_until

MIB = 1024 * 1024


def object_files(data: Path) -> list[Path]:
    """Every file under the bucket folder (objects are the only files that belong there)."""
    return [path for path in (data / "uploads").rglob("*") if path.is_file() or path.is_symlink()]


def temporary_files(data: Path) -> list[Path]:
    folder = data / ".secure-upload" / "tmp"
    return sorted(folder.glob("*.upload")) if folder.is_dir() else []


def ask(service, token, name, size, content_type="application/octet-stream"):
    status, _, answer = service.ask_upload(token, {"filename": name, "contentType": content_type, "size": size})
    assert status == 200, answer
    return answer


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MiB tmpfs (root may mount one here; CI runs as root)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root / CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    yield mount_point
    if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def free_bytes(path: Path) -> int:
    info = os.statvfs(path)
    return info.f_bavail * info.f_frsize


def test_a_full_disk_fails_the_upload_with_an_s3_internal_error_leaves_nothing_and_the_service_goes_on(
        small_disk, start_service):
    data = small_disk / "data"
    service = start_service(**local_settings(data))
    token = service.sign_in(LOCAL_USER)
    free_before = free_bytes(small_disk)
    assert free_before < 5 * MIB

    big = os.urandom(6 * MIB)
    upload = ask(service, token, "too-big-for-the-disk.bin", len(big))
    client = RawPut(upload)
    for offset in range(0, len(big), 256 * 1024):
        if not client.send(big[offset:offset + 256 * 1024]):
            break
    status, body = client.response()
    client.close()
    # S3's own answer for a failure on its side: 500 InternalError, "please try again"; the errno
    # and the paths stay in the log.
    assert status == 500, body
    assert b"<Code>InternalError</Code>" in body
    assert b".secure-upload" not in body and str(data).encode() not in body
    service.wait_for_line(lambda line: "No space left" in line or "ENOSPC" in line, timeout=10)

    # Nothing partial: no object, no temporary file, the space is back.
    assert object_files(data) == []
    wait_until(lambda: temporary_files(data) == [], timeout=5, what="the temporary file to go")
    assert not (data / "uploads" / upload["key"]).exists()
    assert free_bytes(small_disk) >= free_before - 64 * 1024

    # The service keeps serving: two uploads that fit, one after the other, succeed byte-exact.
    assert service.get("/healthz")[0] == 200
    assert service.readyz()[0] == 200
    for size in (1 * MIB, 2 * MIB):
        payload = os.urandom(size)
        answer = ask(service, token, f"fits-{size}.bin", size)
        status, reply = put(answer, payload)
        assert status == 200, reply
        assert (data / "uploads" / answer["key"]).read_bytes() == payload
    assert temporary_files(data) == []


def test_sigkill_mid_upload_leaves_no_partial_object_and_the_restarted_service_takes_the_same_key(
        tmp_path, start_service):
    data = tmp_path / "data"
    service = start_service(**local_settings(data))
    token = service.sign_in(LOCAL_USER)
    body = os.urandom(8 * MIB)
    upload = ask(service, token, "interrupted.bin", len(body))
    object_path = data / "uploads" / upload["key"]

    client = RawPut(upload)
    half = len(body) // 2
    for offset in range(0, half, 256 * 1024):
        assert client.send(body[offset:offset + 256 * 1024])
        time.sleep(0.01)  # a slow client
    partial = wait_until(lambda: [p for p in temporary_files(data) if p.stat().st_size >= MIB],
                         timeout=10, what="the body to reach the temporary file")
    service.kill()
    client.close()

    # Killed mid-body: the object does not exist, not even empty; only the temporary file saw bytes.
    assert not object_path.exists()
    assert object_files(data) == []
    assert partial[0].stat().st_size < len(body)

    # A temporary file left by a crash long ago is swept at start-up.
    stale = data / ".secure-upload" / "tmp" / ("0" * 32 + ".upload")
    stale.write_bytes(b"left by a crash two hours ago")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    # Restart on the same data dir and port: the URL signed before the crash is still valid (the
    # local S3 credentials persist), and the whole body now goes through.
    restarted = start_service(**local_settings(data, PORT=str(service.port)))
    assert not stale.exists(), "a stale temporary file survived the restart"
    # The killed run's own partial file is gone too: the restarted service holds the data folder's
    # lock, so no other process can still be writing it.
    assert temporary_files(data) == [], "the killed upload's temporary file survived the restart"
    assert not object_path.exists()
    status, reply = put(upload, body)
    assert status == 200, reply
    assert object_path.read_bytes() == body
    # Still no overwrite: the same URL a second time is refused.
    status, reply = put(upload, body)
    assert status == 412, reply
    assert object_path.read_bytes() == body
    assert [p for p in temporary_files(data) if p not in partial] == []
    assert restarted.readyz()[0] == 200
