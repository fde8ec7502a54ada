"""A stop request is never lost: SIGTERM or SIGINT sent the moment the server announces its URL
(an orchestrator scaling in right after a start) still drains and exits 0. The handler is a
sigaction installed before anything else starts; Dispatch signal sources, used before, installed
theirs asynchronously and lost a signal sent in the first milliseconds."""

from __future__ import annotations

import signal
import subprocess

import pytest
from ops_support import Server


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_right_after_start_up_is_honoured(app_root, tmp_path, stop_signal):
    for attempt in range(10):
        server = Server(app_root, tmp_path / f"data{attempt}", wait_for_handler=False, SHUTDOWN_DELAY="0")
        server.process.send_signal(stop_signal)
        try:
            status = server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
            pytest.fail(f"{stop_signal.name} sent right after start-up was ignored (attempt {attempt + 1})")
        assert status == 0
